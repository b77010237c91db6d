import type { RJSFSchema, ValidatorType } from '@rjsf/utils';
// The precompiled validator alone: the package index would also build a compiling Ajv at import.
import createPrecompiledValidator from '@rjsf/validator-ajv8/lib/createPrecompiledValidator.js';
import type { ValidatorModule } from '../validator-module.js';

/**
 * The renderer's RJSF validator for one form: the checks `catalogue build` precompiled for it
 * (the same Ajv options and ScriptDesk keywords as main's), so nothing is compiled in the page and
 * the CSP needs no `unsafe-eval`. `schema` must be the schema the module was generated from.
 */
export function precompiledFormValidator(
  module: ValidatorModule,
  schema: RJSFSchema,
): ValidatorType<Record<string, unknown>> {
  return createPrecompiledValidator(module.validators, schema);
}
