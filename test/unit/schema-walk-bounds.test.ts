import { describe, expect, it } from 'vitest';
import { REDACTED, redactSensitive } from '../../forms/redaction.js';
import {
  resolveRef,
  walkSchema,
  WALK_LIMITS,
  type JsonObject,
  type SchemaVisit,
} from '../../forms/schema-walk.js';
import { findValues, MAX_VALUE_DEPTH } from '../../forms/value-walk.js';
import { checkFileInputs } from '../../main/runs/file-inputs.js';

const sensitive = (schema: JsonObject) => schema['x-sensitive'] === true;

function visits(root: JsonObject, view: 'document' | 'value'): SchemaVisit[] {
  const seen: SchemaVisit[] = [];
  walkSchema(root, view, (visit) => seen.push(visit));
  return seen;
}

describe('walkSchema: every keyword that holds a subschema', () => {
  const s = (n: number) => ({ title: `s${n}` });
  const everything: JsonObject = {
    properties: { a: s(1) },
    patternProperties: { '^p': s(2) },
    additionalProperties: s(3),
    unevaluatedProperties: s(4),
    propertyNames: s(5),
    prefixItems: [s(6)],
    items: s(7),
    additionalItems: s(8),
    unevaluatedItems: s(9),
    contains: s(10),
    not: s(11),
    if: s(12),
    then: s(13),
    else: s(14),
    allOf: [s(15)],
    anyOf: [s(16)],
    oneOf: [s(17)],
    dependentSchemas: { a: s(18) },
    dependencies: { a: s(19), b: ['a'] },
    $defs: { d: s(20) },
    definitions: { 'x/y~z': s(21) },
    default: { type: 'object' },
    const: { properties: {} },
  };

  it('visits each once in the document view, by its pointer, and nothing inside values', () => {
    expect(visits(everything, 'document').map((v) => v.pointer)).toEqual([
      '#',
      '#/properties/a',
      '#/patternProperties/^p',
      '#/additionalProperties',
      '#/unevaluatedProperties',
      '#/propertyNames',
      '#/prefixItems/0',
      '#/items',
      '#/additionalItems',
      '#/unevaluatedItems',
      '#/contains',
      '#/not',
      '#/if',
      '#/then',
      '#/else',
      '#/allOf/0',
      '#/anyOf/0',
      '#/oneOf/0',
      '#/dependentSchemas/a',
      '#/dependencies/a',
      '#/$defs/d',
      '#/definitions/x~1y~0z',
    ]);
  });

  it('leaves definitions out of the value view unless a $ref leads there, and says where each applies', () => {
    const root = {
      properties: { a: { $ref: '#/definitions/x~1y~0z' } },
      definitions: { 'x/y~z': s(1) },
    };
    expect(visits(root, 'value').map((v) => [v.pointer, v.keywords.join('>'), v.steps])).toEqual([
      ['#', '', []],
      ['#/properties/a', 'properties', [{ kind: 'property', name: 'a' }]],
      ['#/definitions/x~1y~0z', 'properties>$ref', [{ kind: 'property', name: 'a' }]],
    ]);
  });
});

describe('walkSchema: $ref cycles and blow-ups end', () => {
  it('follows a recursive $ref once', () => {
    const root = {
      $ref: '#/$defs/node',
      $defs: { node: { properties: { child: { $ref: '#/$defs/node' }, leaf: {} } } },
    };
    expect(visits(root, 'value').map((v) => v.pointer)).toEqual([
      '#',
      '#/$defs/node',
      '#/$defs/node/properties/child',
      '#/$defs/node/properties/leaf',
    ]);
  });

  it('ends on a $ref to the root and on refs that point at each other', () => {
    expect(visits({ allOf: [{ $ref: '#' }] }, 'value').map((v) => v.pointer)).toEqual([
      '#',
      '#/allOf/0',
    ]);
    const mutual = {
      $ref: '#/$defs/a',
      $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } },
    };
    expect(visits(mutual, 'value').map((v) => v.pointer)).toEqual(['#', '#/$defs/a', '#/$defs/b']);
  });

  it('stops a schema that doubles at every $ref at the visit bound and says so', () => {
    const $defs: JsonObject = {};
    for (let i = 0; i < 30; i++)
      $defs[`d${i}`] = {
        properties: { l: { $ref: `#/$defs/d${i + 1}` }, r: { $ref: `#/$defs/d${i + 1}` } },
      };
    const seen: SchemaVisit[] = [];
    const gaps = walkSchema({ $ref: '#/$defs/d0', $defs }, 'value', (v) => seen.push(v));
    expect(gaps.truncated).toBe(true);
    expect(seen.length).toBe(WALK_LIMITS.maxVisits);
  });

  it('reports a $ref that names nothing, where it is written', () => {
    const gaps = walkSchema({ properties: { a: { $ref: '#/$defs/gone' } } }, 'value', () => {});
    expect(gaps.unresolved).toEqual([{ pointer: '#/properties/a', ref: '#/$defs/gone' }]);
  });
});

describe('resolveRef', () => {
  const root = {
    $defs: { 'a b': { title: 'space' }, 'a/b~c': { title: 'escaped' } },
    allOf: [true, { title: 'second' }],
  };

  it('follows JSON Pointers with ~0, ~1, percent-encoding and array indexes', () => {
    expect(resolveRef(root, '#')?.schema).toBe(root);
    expect(resolveRef(root, '#/$defs/a~1b~0c')).toEqual({
      schema: { title: 'escaped' },
      pointer: '#/$defs/a~1b~0c',
    });
    expect(resolveRef(root, '#/$defs/a%20b')?.schema).toEqual({ title: 'space' });
    expect(resolveRef(root, '#/allOf/1')?.schema).toEqual({ title: 'second' });
    expect(resolveRef(root, '#/allOf/0')?.schema).toEqual({});
  });

  it('names nothing for remote, anchor, missing, inherited or malformed references', () => {
    for (const ref of [
      'other.json#/$defs/x',
      '#anchor',
      '#/$defs/missing',
      '#/constructor',
      '#/$defs/%E0',
      '#/allOf/01',
    ])
      expect(resolveRef(root, ref), ref).toBeUndefined();
  });
});

describe('findValues and redaction: bounds and odd data', () => {
  const tree = {
    $ref: '#/$defs/node',
    $defs: {
      node: {
        type: 'object',
        properties: {
          pin: { type: 'integer', 'x-sensitive': true },
          child: { $ref: '#/$defs/node' },
        },
      },
    },
  };

  it('redacts a secret at any depth of a recursive schema, and past the depth bound redacts the rest whole', () => {
    let value: JsonObject = { pin: 4711 };
    for (let i = 0; i < 10_000; i++) value = { child: value };
    const finds = findValues(tree, value, sensitive);
    expect(finds.matches).toEqual([]);
    expect(finds.tooDeep.map((path) => path.length)).toEqual([MAX_VALUE_DEPTH + 1]);
    const redacted = JSON.stringify(redactSensitive(tree, value));
    expect(redacted).not.toContain('4711');
    expect(redacted).toContain(`"child":"${REDACTED}"`);
    expect(redactSensitive(tree, { child: { child: { pin: 4711 } } })).toEqual({
      child: { child: { pin: REDACTED } },
    });
  });

  it('redacts a value governed by a $ref that names nothing, and main refuses it as a file', async () => {
    const broken = { type: 'object', properties: { a: { $ref: '#/$defs/gone' } } };
    expect(redactSensitive(broken, { a: 'hunter2', b: 1 })).toEqual({ a: REDACTED, b: 1 });
    expect((await checkFileInputs(broken, { a: 'data.csv' })).errors).toEqual([
      {
        path: '/a',
        message: `cannot be checked: form.schema.json's "$ref": "#/$defs/gone" names nothing; ask the catalogue's admin to fix the form`,
      },
    ]);
  });

  it('keeps a "__proto__" key a plain key of the copy and leaves the original alone', () => {
    const schema = { type: 'object', additionalProperties: { 'x-sensitive': true } };
    const data = JSON.parse('{"__proto__": "hunter2", "b": "hunter3"}') as JsonObject;
    const redacted = redactSensitive(schema, data) as JsonObject;
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(JSON.stringify(redacted)).toBe(`{"__proto__":"${REDACTED}","b":"${REDACTED}"}`);
    expect(JSON.stringify(data)).toBe('{"__proto__":"hunter2","b":"hunter3"}');
  });
});
