import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from '../main/contract/errors.js';
import { checkWith } from './compiled-check.js';
import { sharedAjvOptions } from './vocabulary.js';

export { checkWith, type CompiledCheck } from './compiled-check.js';

/**
 * The validator main trusts: the same vocabulary as the renderer's, plus Ajv strict mode so a
 * schema with an unknown keyword or a typo is refused at `catalogue build` instead of silently
 * accepting anything. `generation` is for `catalogue build`, which generates validator modules.
 */
export function createAuthorityAjv(
  generation: Pick<
    Options,
    'code' | 'validateSchema' | 'strictTypes' | 'strictRequired' | 'strictTuples'
  > = {},
): Ajv {
  const ajv = new Ajv({ ...sharedAjvOptions, strict: true, allowUnionTypes: true, ...generation });
  addFormats.default(ajv);
  return ajv;
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
