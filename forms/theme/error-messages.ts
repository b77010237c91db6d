import type { ErrorObject } from 'ajv';
import type { RJSFSchema, UiSchema, ValidatorType } from '@rjsf/utils';
import { describeErrors, type DescribedError } from '../error-messages.js';

export { sentence as asSentence } from '../error-messages.js';

/**
 * The form's problems with `data`, worded by `../error-messages.ts` from the raw Ajv errors of the
 * form's precompiled validator (`validator.ts`) exactly as main words them, so a field shows the
 * same message whether the form noticed the problem first or main did. RJSF's own error list is
 * not used: it has already dropped what the wording needs (instance paths, `oneOf` branches,
 * problems that share a message). Nothing is compiled here: the checks were generated at build.
 */
export function liveFieldErrors(
  validator: ValidatorType,
  schema: RJSFSchema,
  uiSchema: UiSchema,
  data: unknown,
): DescribedError[] {
  let errors: ErrorObject[] | undefined;
  try {
    ({ errors } = validator.rawValidation<ErrorObject>(schema, data));
  } catch {
    // A validator made for another schema (a catalogue changing under the form) cannot judge this
    // one; main, the authority, still does when Run is pressed.
    return [];
  }
  return describeErrors(errors, schema as Record<string, unknown>, {
    uiSchema: uiSchema as Record<string, unknown>,
  });
}
