import type { ErrorObject } from 'ajv';
import type { RJSFValidationError } from '@rjsf/utils';
import { toFieldErrors } from '../authority-validator.js';

/** A message fragment ("must be <= 50") as a sentence under a field ("Must be <= 50."). */
export function asSentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const capitalised = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/**
 * RJSF `transformErrors` that words each problem exactly as main does (`toFieldErrors` in
 * forms/authority-validator.ts), so a field shows the same message whether the form noticed the
 * problem first or main did.
 */
export function wordLikeMain(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((error) => {
    const raw: ErrorObject = {
      keyword: error.name ?? '',
      instancePath: '',
      schemaPath: error.schemaPath ?? '',
      params: (error.params ?? {}) as ErrorObject['params'],
      message: error.message,
    };
    const message = asSentence(toFieldErrors([raw])[0]?.message ?? error.message ?? '');
    return { ...error, message, stack: error.title ? `${error.title}: ${message}` : message };
  });
}
