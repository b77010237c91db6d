import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from '../main/contract/errors.js';
import { sharedAjvOptions } from './vocabulary.js';

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

/** Turns Ajv's errors into field errors: a JSON Pointer to the field and a reason a person reads. */
export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined): FieldError[] {
  if (!errors) return [];
  return errors.map((error) => {
    switch (error.keyword) {
      case 'required':
        return {
          path: `${error.instancePath}/${String(error.params.missingProperty)}`,
          message: 'is required',
        };
      case 'additionalProperties':
        return {
          path: `${error.instancePath}/${String(error.params.additionalProperty)}`,
          message: 'is not a field of this form',
        };
      case 'enum':
      case 'const':
      case 'oneOf':
        return { path: error.instancePath, message: 'must be one of the listed choices' };
      default:
        return { path: error.instancePath, message: error.message ?? `fails ${error.keyword}` };
    }
  });
}

/**
 * Validates `data` against `schema` and returns every problem (empty when valid). Compiled
 * validators are cached by schema object, so callers should keep passing the same object.
 */
export function validateAgainst(
  ajv: Ajv,
  schema: Record<string, unknown>,
  data: unknown,
): FieldError[] {
  return checkWith(ajv.compile(schema), data);
}

/** A compiled check: Ajv's own, or one from a precompiled validator module. */
export interface CompiledCheck {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Runs a compiled check on `data` and returns every problem as field errors (empty when valid). */
export function checkWith(validate: CompiledCheck, data: unknown): FieldError[] {
  if (validate(data)) return [];
  return dedupe(toFieldErrors(validate.errors));
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "topN: must be <= 50" — the one-line form used by the CLI. */
export function formatFieldError(error: FieldError): string {
  const field = error.path === '' ? '(form)' : error.path.slice(1).replaceAll('/', '.');
  return `${field}: ${error.message}`;
}
