import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from '../main/contract/errors.js';
import { checkWith, type CompiledCheck } from './compiled-check.js';
import { sharedAjvOptions } from './vocabulary.js';

export { checkWith, type CompiledCheck } from './compiled-check.js';

/**
 * Where Ajv's strict-mode notes go while {@link compileNoting} runs; null the rest of the time,
 * when they are dropped. Compiling is synchronous, so one slot is enough.
 */
let strictNotes: string[] | null = null;
const strictLogger = {
  log: () => {},
  warn: (...args: unknown[]) => strictNotes?.push(args.map(String).join(' ')),
  error: (...args: unknown[]) => strictNotes?.push(args.map(String).join(' ')),
};

/**
 * The strict-mode choices main, the build lint, the code generator and every run-time compile
 * share. None of them changes the code Ajv generates, so what a form accepts is the same whatever
 * they say; they decide only what Ajv says about how a schema is written:
 * - unknown keywords (`strictSchema`), keywords of one type on a schema that does not name it
 *   (`strictTypes`, e.g. a `then` adding `pattern` to a field typed in the main branch), tuples
 *   without a length (`strictTuples`) and `required` names declared in another branch
 *   (`strictRequired`) are noted, not thrown: the build lint (`schema-lint.ts`) turns each note
 *   into a warning, an error (an `x-` keyword it does not know: a misspelt mark) or nothing (a
 *   type another branch declares);
 * - a property that also matches a `patternProperties` pattern is valid JSON Schema (both apply);
 * - union types (`["string", "null"]`) are allowed.
 * Numbers stay strict (`strictNumbers`), and an unknown `format` still fails to compile.
 */
export const STRICT_OPTIONS = {
  strict: true,
  strictSchema: 'log',
  strictTypes: 'log',
  strictTuples: 'log',
  strictRequired: 'log',
  allowMatchingProperties: true,
  allowUnionTypes: true,
} as const;

/**
 * The validator main trusts: the same vocabulary as the renderer's, plus the strict choices of
 * {@link STRICT_OPTIONS}, so a schema's problems are found at `catalogue build`. `generation` is
 * for `catalogue build` and main, which generate validator modules.
 */
export function createAuthorityAjv(generation: Pick<Options, 'code' | 'validateSchema'> = {}): Ajv {
  const ajv = new Ajv({
    ...sharedAjvOptions,
    ...STRICT_OPTIONS,
    logger: strictLogger,
    ...generation,
  });
  addFormats.default(ajv);
  return ajv;
}

/**
 * Compiles `schema` with an Ajv from {@link createAuthorityAjv} and returns the strict-mode notes
 * Ajv made on the way (`strict mode: unknown keyword: "enumNames"`, ...). Throws what Ajv throws.
 */
export function compileNoting(
  ajv: Ajv,
  schema: Record<string, unknown>,
): { validate: CompiledCheck; notes: string[] } {
  const notes: string[] = [];
  strictNotes = notes;
  try {
    return { validate: ajv.compile(schema), notes };
  } finally {
    strictNotes = null;
  }
}

/**
 * Validates `data` against `schema` and returns every problem in plain words (empty when valid),
 * worded by `error-messages.ts` as the renderer words them. Compiled validators are cached by
 * schema object, so callers should keep passing the same object.
 */
export function validateAgainst(
  ajv: Ajv,
  schema: Record<string, unknown>,
  data: unknown,
  uiSchema?: Record<string, unknown>,
): FieldError[] {
  return checkWith(ajv.compile(schema), data, schema, { uiSchema });
}

/** "topN: Most frequent values to list must be at most 50." — the one-line form used by the CLI. */
export function formatFieldError(error: FieldError): string {
  const field = error.path === '' ? '(form)' : error.path.slice(1).replaceAll('/', '.');
  return `${field}: ${error.message}`;
}
