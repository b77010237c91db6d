/**
 * One field placed behind each JSON-Schema keyword that can hold a subschema: the table the
 * walker's tests (unit and through the real runner) share. A case builds an object schema whose
 * field `secret` (or an entry like it) is marked by `leaf` (the whole field: type and keyword) or
 * by `marker` (the keyword alone, added to a field declared elsewhere).
 */

type Json = Record<string, unknown>;

/** One keyword case. */
export interface KeywordCase {
  /** The keyword the marked field sits behind, as a test names it. */
  keyword: string;
  /** The case's object schema and the root definitions it needs (names start with `prefix`). */
  build: (
    leaf: Json,
    marker: Json,
    prefix: string,
  ) => { schema: Json; defs?: Json; definitions?: Json };
  /** A valid value of the case's object with `value` in the marked place. */
  value: (value: unknown) => Json;
  /** The JSON Pointer of the marked value inside the case's object. */
  at: string;
  /**
   * The case's object as the audit record holds it, when redaction takes more than the marked
   * value: a branch the data does not take still counts there (the conservative reading).
   */
  redacted?: (redacted: string) => Json;
  /** Where an RJSF uiSchema styles the marked field, below the case's own key (absent: nowhere). */
  ui?: readonly (string | number)[];
  /**
   * False when the build lint refuses the keyword (a later draft's keyword Ajv's draft 7 does not
   * apply, a recursive `$ref`), so no catalogue can carry it.
   */
  strict?: false;
  /** What the build says when it refuses the case, when not the later-draft wording. */
  refusal?: RegExp;
}

const text = { type: 'string', maxLength: 200 };
const mode = { type: 'string', enum: ['a', 'b'] };

function object(properties: Json, extra: Json = {}): Json {
  return { type: 'object', additionalProperties: false, properties, ...extra };
}

export const KEYWORD_CASES: readonly KeywordCase[] = [
  {
    keyword: 'properties',
    build: (leaf) => ({ schema: object({ inner: object({ secret: leaf }) }) }),
    value: (v) => ({ inner: { secret: v } }),
    at: '/inner/secret',
    ui: ['inner', 'secret'],
  },
  {
    keyword: 'patternProperties',
    build: (leaf) => ({
      schema: {
        type: 'object',
        additionalProperties: false,
        patternProperties: { '^secret_': leaf },
      },
    }),
    value: (v) => ({ secret_1: v }),
    at: '/secret_1',
    ui: ['additionalProperties'],
  },
  {
    keyword: 'additionalProperties',
    build: (leaf) => ({
      schema: { type: 'object', properties: { note: text }, additionalProperties: leaf },
    }),
    value: (v) => ({ note: 'plain', extra: v }),
    at: '/extra',
    ui: ['additionalProperties'],
  },
  {
    keyword: 'items',
    build: (leaf) => ({ schema: object({ list: { type: 'array', maxItems: 3, items: leaf } }) }),
    value: (v) => ({ list: [v] }),
    at: '/list/0',
    ui: ['list', 'items'],
  },
  {
    keyword: 'items (array form)',
    build: (leaf) => ({
      schema: object({ list: { type: 'array', minItems: 2, maxItems: 2, items: [text, leaf] } }),
    }),
    value: (v) => ({ list: ['plain', v] }),
    at: '/list/1',
    ui: ['list', 'items', 1],
  },
  {
    keyword: 'prefixItems',
    build: (leaf) => ({
      schema: object({ list: { type: 'array', maxItems: 2, prefixItems: [text, leaf] } }),
    }),
    value: (v) => ({ list: ['plain', v] }),
    at: '/list/1',
    ui: ['list', 'items', 1],
    strict: false,
  },
  {
    keyword: 'additionalItems',
    build: (leaf) => ({
      schema: object({
        list: { type: 'array', minItems: 1, maxItems: 3, items: [text], additionalItems: leaf },
      }),
    }),
    value: (v) => ({ list: ['plain', v] }),
    at: '/list/1',
    ui: ['list', 'additionalItems'],
  },
  {
    keyword: 'contains',
    build: (_leaf, marker) => ({
      schema: object({ list: { type: 'array', maxItems: 3, items: text, contains: marker } }),
    }),
    value: (v) => ({ list: [v] }),
    at: '/list/0',
    ui: ['list', 'items'],
  },
  {
    keyword: 'allOf',
    build: (_leaf, marker) => ({
      schema: object({ secret: text }, { allOf: [{ properties: { secret: marker } }] }),
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'anyOf',
    build: (_leaf, marker) => ({
      schema: object(
        { mode, secret: text },
        {
          anyOf: [
            { properties: { mode: { const: 'a' }, secret: marker } },
            { properties: { mode: { const: 'b' } } },
          ],
        },
      ),
    }),
    value: (v) => ({ mode: 'a', secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'oneOf',
    build: (_leaf, marker) => ({
      schema: object(
        { mode, secret: text },
        {
          oneOf: [
            { properties: { mode: { const: 'a' }, secret: marker } },
            { properties: { mode: { const: 'b' } } },
          ],
        },
      ),
    }),
    value: (v) => ({ mode: 'a', secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'not',
    build: (_leaf, marker) => ({
      schema: object(
        { secret: text },
        { not: { properties: { secret: { ...marker, const: 'forbidden' } } } },
      ),
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'if',
    build: (_leaf, marker) => ({
      schema: object(
        { mode, secret: text },
        { if: { properties: { secret: marker } }, then: { properties: { mode: { const: 'a' } } } },
      ),
    }),
    value: (v) => ({ mode: 'a', secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'then',
    build: (_leaf, marker) => ({
      schema: object(
        { mode, secret: text },
        { if: { properties: { mode: { const: 'a' } } }, then: { properties: { secret: marker } } },
      ),
    }),
    value: (v) => ({ mode: 'a', secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'else',
    build: (_leaf, marker) => ({
      schema: object(
        { mode, secret: text },
        { if: { properties: { mode: { const: 'b' } } }, else: { properties: { secret: marker } } },
      ),
    }),
    value: (v) => ({ mode: 'a', secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'dependentSchemas',
    build: (_leaf, marker) => ({
      schema: object(
        { secret: text },
        { dependentSchemas: { secret: { properties: { secret: marker } } } },
      ),
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
    strict: false,
  },
  {
    keyword: 'dependencies',
    build: (_leaf, marker) => ({
      schema: object(
        { secret: text },
        { dependencies: { secret: { properties: { secret: marker } } } },
      ),
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: '$ref into $defs',
    build: (leaf, _marker, prefix) => ({
      schema: object({ secret: { $ref: `#/$defs/${prefix}secret` } }),
      defs: { [`${prefix}secret`]: leaf },
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: '$ref into definitions',
    build: (leaf, _marker, prefix) => ({
      schema: object({ secret: { $ref: `#/definitions/${prefix}secret` } }),
      definitions: { [`${prefix}secret`]: leaf },
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: '$ref with ~0 and ~1 escapes',
    build: (leaf, _marker, prefix) => ({
      schema: object({ secret: { $ref: `#/$defs/${prefix}a~1b~0c` } }),
      defs: { [`${prefix}a/b~c`]: leaf },
    }),
    value: (v) => ({ secret: v }),
    at: '/secret',
    ui: ['secret'],
  },
  {
    keyword: 'recursive $ref',
    build: (leaf, _marker, prefix) => ({
      schema: { $ref: `#/$defs/${prefix}node` },
      defs: {
        [`${prefix}node`]: object({ secret: leaf, child: { $ref: `#/$defs/${prefix}node` } }),
      },
    }),
    value: (v) => ({ child: { child: { secret: v } } }),
    at: '/child/child/secret',
    // RJSF's schema parser never ends on it, so neither would precompiling its checks.
    strict: false,
    refusal: /leads back into the schema it is in, so the form is recursive/,
    // A uiSchema is finite: the derived one reaches the first level (the recursion is cut there).
    ui: ['secret'],
  },
  {
    keyword: 'items, $ref and then together',
    build: (_leaf, marker, prefix) => ({
      schema: object({
        rows: { type: 'array', maxItems: 3, items: { $ref: `#/$defs/${prefix}row` } },
      }),
      defs: {
        [`${prefix}row`]: object(
          { mode, secret: text },
          {
            if: { properties: { mode: { const: 'a' } } },
            then: { properties: { secret: marker } },
          },
        ),
      },
    }),
    value: (v) => ({
      rows: [
        { mode: 'b', secret: 'plain' },
        { mode: 'a', secret: v },
      ],
    }),
    at: '/rows/1/secret',
    // Row 0 does not take the `then` branch: redacted all the same, but not checked as a file.
    redacted: (r) => ({
      rows: [
        { mode: 'b', secret: r },
        { mode: 'a', secret: r },
      ],
    }),
    ui: ['rows', 'items', 'secret'],
  },
];

/** The field schema and the bare keyword that mark a value sensitive. */
export const SENSITIVE = {
  leaf: { type: 'string', maxLength: 200, 'x-sensitive': true },
  marker: { 'x-sensitive': true },
} as const;

/** The field schema and the bare keyword that make a value a checked `.csv` file path. */
export const FILE = {
  leaf: { type: 'string', maxLength: 4096, 'x-file': { kind: 'file', accept: ['.csv'] } },
  marker: { 'x-file': { kind: 'file', accept: ['.csv'] } },
} as const;

/** A key for a case in a combined form: `c_` and the keyword's letters and digits. */
export function caseKey(keywordCase: KeywordCase): string {
  return `c_${keywordCase.keyword.replace(/[^A-Za-z0-9]+/g, '_')}`;
}

/** A whole form with the given cases as its optional fields, each under {@link caseKey}. */
export function formOf(cases: readonly KeywordCase[], marks: { leaf: Json; marker: Json }): Json {
  const properties: Json = {};
  const $defs: Json = {};
  const definitions: Json = {};
  for (const keywordCase of cases) {
    const key = caseKey(keywordCase);
    const built = keywordCase.build({ ...marks.leaf }, { ...marks.marker }, `${key}_`);
    properties[key] = built.schema;
    Object.assign($defs, built.defs);
    Object.assign(definitions, built.definitions);
  }
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    ...(Object.keys($defs).length ? { $defs } : {}),
    ...(Object.keys(definitions).length ? { definitions } : {}),
  };
}
