import type { ErrorObject } from 'ajv';
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { describeErrors, type DescribedError } from '../error-messages.js';
import { scriptDeskValidator } from './validator.js';

export { sentence as asSentence } from '../error-messages.js';

/**
 * The form's problems with `data`, worded by `../error-messages.ts` from Ajv's own errors exactly
 * as main words them, so a field shows the same message whether the form noticed the problem
 * first or main did. RJSF's own error list is not used: it has already dropped what the wording
 * needs (instance paths, `oneOf` branches, problems that share a message).
 */
export function liveFieldErrors(
  schema: RJSFSchema,
  uiSchema: UiSchema,
  data: unknown,
): DescribedError[] {
  const { errors, validationError } = scriptDeskValidator.rawValidation<ErrorObject>(schema, data);
  // A schema this page cannot compile was still checked at build: main, the authority, judges it.
  if (validationError) return [];
  return describeErrors(errors, schema as Record<string, unknown>, {
    uiSchema: uiSchema as Record<string, unknown>,
  });
}
