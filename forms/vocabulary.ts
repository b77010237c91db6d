import type { KeywordDefinition } from 'ajv';

/**
 * The ScriptDesk additions to JSON Schema, registered with every Ajv instance on both sides so
 * a schema means the same thing in the renderer (immediate feedback) and in main (the authority).
 *
 * - `x-sensitive: true` — the value is masked in the UI and redacted from audit records.
 * - `x-file: { kind, accept, maxBytes }` — the string is a path on this machine. The schema
 *   itself cannot check the file system, so main checks the real path, the kind, the
 *   extension and the size after schema validation (see `main/runs/file-inputs.ts`).
 * - `x-error: "text"` or `x-error: { pattern: "text", ... }` — the author's advice, added after
 *   the plain-word message of a problem with this field (every problem, or those of the named
 *   keywords); see `error-messages.ts`.
 */
export const X_SENSITIVE = 'x-sensitive';
export const X_FILE = 'x-file';
export const X_ERROR = 'x-error';

/** The keywords an `x-error` object may name: those whose problems are worded for people. */
export const ERROR_TEXT_KEYWORDS = [
  'required',
  'dependencies',
  'dependentRequired',
  'type',
  'enum',
  'const',
  'oneOf',
  'anyOf',
  'not',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'contains',
  'minProperties',
  'maxProperties',
] as const;

/** The longest `x-error` text: advice for one field, not a manual. */
export const MAX_ERROR_TEXT_LENGTH = 300;

/** The value of an `x-file` keyword. */
export interface FileInputRule {
  kind: 'file' | 'directory';
  /** Lower-case extensions with their dot, e.g. `.csv`; absent means any. Files only. */
  accept?: string[];
  /** The largest accepted file in bytes. Files only. */
  maxBytes?: number;
}

/** Keyword definitions for Ajv's `keywords` option. They only annotate: no data check. */
export const scriptDeskKeywords: KeywordDefinition[] = [
  { keyword: X_SENSITIVE, metaSchema: { type: 'boolean' } },
  {
    keyword: X_FILE,
    metaSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { enum: ['file', 'directory'] },
        accept: {
          type: 'array',
          maxItems: 50,
          items: { type: 'string', pattern: '^\\.[a-z0-9]{1,16}$' },
        },
        maxBytes: { type: 'integer', minimum: 1 },
      },
    },
  },
  {
    keyword: X_ERROR,
    // The build lint (`schema-lint.ts`) words a wrong shape for the author before Ajv sees it.
    metaSchema: {
      anyOf: [
        { type: 'string', minLength: 1, maxLength: MAX_ERROR_TEXT_LENGTH },
        {
          type: 'object',
          minProperties: 1,
          propertyNames: { enum: [...ERROR_TEXT_KEYWORDS] },
          additionalProperties: { type: 'string', minLength: 1, maxLength: MAX_ERROR_TEXT_LENGTH },
        },
      ],
    },
  },
];

/** Ajv options shared by main and the renderer. */
export const sharedAjvOptions = {
  allErrors: true,
  multipleOfPrecision: 8,
  keywords: scriptDeskKeywords,
} as const;
