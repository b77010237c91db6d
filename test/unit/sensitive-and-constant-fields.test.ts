import { describe, expect, it } from 'vitest';
import { createAuthorityAjv } from '../../forms/authority-validator.js';
import { REDACTED, redactSensitive } from '../../forms/redaction.js';
import { lintFormSchema } from '../../forms/schema-lint.js';
import { withScriptDeskUi } from '../../forms/theme/ui-schema.js';
import { lintUiSchema } from '../../forms/ui-schema-lint.js';
import { checkFileInputs } from '../../main/runs/file-inputs.js';
import { RELATIVE_PATH_PROBLEM } from '../support/os-needs.js';

const form = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pin: { type: 'integer', minimum: 0, maximum: 9999, 'x-sensitive': true },
    rate: { type: 'number', 'x-sensitive': true },
    admin: { type: 'boolean', 'x-sensitive': true },
    codes: {
      type: 'array',
      maxItems: 5,
      items: { type: 'string', maxLength: 20 },
      'x-sensitive': true,
    },
    login: {
      type: 'object',
      additionalProperties: false,
      'x-sensitive': true,
      properties: { user: { type: 'string', maxLength: 50 }, tries: { type: 'integer' } },
    },
    region: { type: 'string', const: 'eu-west' },
    kind: {
      oneOf: [
        { const: 'a', title: 'A' },
        { const: 'b', title: 'B' },
      ],
    },
    note: { type: 'string', maxLength: 50 },
  },
  if: { properties: { note: { const: 'x' } } },
  then: { properties: { region: { maxLength: 10 } } },
};

describe('x-sensitive on a field of any type', () => {
  it('is redacted whole in the audit record: a PIN, a number, a boolean, a list, an object', () => {
    const inputs = {
      pin: 4711,
      rate: 0.25,
      admin: true,
      codes: ['k1', 'k2'],
      login: { user: 'ann', tries: 3 },
      region: 'eu-west',
      note: 'plain',
    };
    expect(redactSensitive(form, inputs)).toEqual({
      pin: REDACTED,
      rate: REDACTED,
      admin: REDACTED,
      codes: REDACTED,
      login: REDACTED,
      region: 'eu-west',
      note: 'plain',
    });
  });

  it('is masked on screen where a text box can be: numbers, and the entries of a sensitive list or object', () => {
    const ui = withScriptDeskUi(form);
    expect(ui.pin).toEqual({ 'ui:widget': 'sensitive' });
    expect(ui.rate).toEqual({ 'ui:widget': 'sensitive' });
    expect(ui.admin).toBeUndefined(); // a checkbox has nothing to mask; the audit record still does
    expect(ui.codes).toEqual({ items: { 'ui:widget': 'sensitive' } });
    expect(ui.login).toEqual({
      user: { 'ui:widget': 'sensitive' },
      tries: { 'ui:widget': 'sensitive' },
    });
  });

  it('may use the sensitive widget on an integer, which the build lint accepts, and nothing that shows it', () => {
    expect(lintUiSchema({ pin: { 'ui:widget': 'sensitive' } }, form)).toEqual([]);
    expect(lintUiSchema({ pin: { 'ui:widget': 'updown' } }, form)).toEqual([
      '`/pin/ui:widget`: "updown" would show an "x-sensitive" field unmasked; remove it (the "sensitive" widget is used)',
    ]);
    expect(lintUiSchema({ login: { user: { 'ui:widget': 'text' } } }, form)).toEqual([
      '`/login/user/ui:widget`: "text" would show an "x-sensitive" field unmasked; remove it (the "sensitive" widget is used)',
    ]);
  });
});

describe('a const field', () => {
  it('is read-only on screen, unless the const only picks among alternatives', () => {
    const ui = withScriptDeskUi(form);
    expect(ui.region).toEqual({ 'ui:readonly': true });
    expect(ui.kind).toBeUndefined();
    // The `if` tests note against a const; that does not fix note.
    expect(ui.note).toBeUndefined();
  });

  it('is recorded as is', () => {
    expect(redactSensitive(form, { region: 'eu-west' })).toEqual({ region: 'eu-west' });
  });
});

describe('withScriptDeskUi', () => {
  it("keeps the catalogue's own widget and options and does not change what it was given", () => {
    const given = { pin: { 'ui:widget': 'password', 'ui:help': 'Four digits' } };
    const copy = structuredClone(given);
    expect(withScriptDeskUi(form, given).pin).toEqual({
      'ui:widget': 'password',
      'ui:help': 'Four digits',
    });
    expect(given).toEqual(copy);
  });

  it("turns a tuple's items into a list when one entry needs a widget, keeping the shared options", () => {
    const tuple = {
      type: 'object',
      properties: {
        pair: {
          type: 'array',
          items: [{ type: 'string' }, { type: 'string', 'x-sensitive': true }],
        },
      },
    };
    expect(withScriptDeskUi(tuple, { pair: { items: { 'ui:placeholder': 'x' } } })).toEqual({
      pair: {
        items: [{ 'ui:placeholder': 'x' }, { 'ui:placeholder': 'x', 'ui:widget': 'sensitive' }],
      },
    });
  });
});

describe('x-file in a branch the inputs do not take', () => {
  const source = {
    type: 'object',
    additionalProperties: false,
    properties: { mode: { enum: ['file', 'url'] }, source: { type: 'string', maxLength: 4096 } },
    if: { properties: { mode: { const: 'file' } } },
    then: { properties: { source: { 'x-file': { kind: 'file' } } } },
  };

  it('is not checked as a path, and is when the branch applies', async () => {
    expect(
      await checkFileInputs(source, { mode: 'url', source: 'https://example.com/a.csv' }),
    ).toEqual({
      inputs: { mode: 'url', source: 'https://example.com/a.csv' },
      errors: [],
    });
    expect((await checkFileInputs(source, { mode: 'file', source: 'a.csv' })).errors).toEqual([
      { path: '/source', message: RELATIVE_PATH_PROBLEM },
    ]);
  });
});

describe('lintFormSchema: what the walker needs of a form', () => {
  const lint = (extra: Record<string, unknown>, properties: Record<string, unknown> = {}) =>
    lintFormSchema(createAuthorityAjv(), {
      type: 'object',
      additionalProperties: false,
      properties: { a: { type: 'string', maxLength: 10 }, ...properties },
      ...extra,
    });

  it('refuses a nested $id, which would move where "#/..." points for Ajv alone', () => {
    expect(lint({}, { b: { $id: 'https://example.com/b', type: 'string' } })).toEqual([
      '/properties/b/$id: only the whole form may have an "$id"; remove it',
    ]);
  });

  it('refuses a local $ref that names nothing', () => {
    expect(lint({}, { b: { $ref: '#/$defs/missing' } })).toEqual([
      '/properties/b/$ref: "#/$defs/missing" names nothing in this schema; point it at a subschema, like "#/$defs/name"',
    ]);
  });

  it('refuses x-sensitive or x-file on key names, and x-file on a field that is not text', () => {
    expect(
      lint(
        {},
        {
          m: {
            type: 'object',
            maxProperties: 3,
            propertyNames: { 'x-sensitive': true, maxLength: 5 },
          },
        },
      ),
    ).toEqual([
      '/properties/m/propertyNames: "x-sensitive" under "propertyNames" describes key names, which are never masked, redacted or checked; put it on the value\'s schema',
    ]);
    expect(lint({}, { n: { type: 'integer', 'x-file': { kind: 'file' } } })).toEqual([
      '/properties/n: "x-file" marks a path, so the field must be "type": "string"; fix the type',
    ]);
  });

  it('refuses a form that $refs expand past the walk bound', () => {
    const $defs: Record<string, unknown> = {};
    for (let i = 0; i < 20; i++)
      $defs[`d${i}`] = {
        type: 'object',
        properties: { l: { $ref: `#/$defs/d${i + 1}` }, r: { $ref: `#/$defs/d${i + 1}` } },
      };
    $defs.d20 = { type: 'string', maxLength: 5 };
    expect(lint({ $defs }, { tree: { $ref: '#/$defs/d0' } })).toEqual([
      '#: is too large to check: over 20000 subschemas once "$ref"s are followed, or nested over 64 levels; simplify the form',
    ]);
  });
});
