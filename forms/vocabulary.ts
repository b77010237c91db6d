import type { KeywordDefinition } from 'ajv';

/**
 * The ScriptDesk additions to JSON Schema, registered with every Ajv instance on both sides so
 * a schema means the same thing in the renderer (immediate feedback) and in main (the authority).
 *
 * - `x-sensitive: true` — the value is masked in the UI and redacted from audit records.
 * - `x-file: { kind, accept, maxBytes }` — the string is a path on this machine. The schema
 *   itself cannot check the file system, so main checks the real path, the kind, the
 *   extension and the size after schema validation (see `main/runs/file-inputs.ts`).
 */
export const X_SENSITIVE = 'x-sensitive';
export const X_FILE = 'x-file';

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
];

/** Ajv options shared by main and the renderer. */
export const sharedAjvOptions = {
  allErrors: true,
  multipleOfPrecision: 8,
  keywords: scriptDeskKeywords,
} as const;
