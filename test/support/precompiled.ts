import type { RJSFSchema, ValidatorType } from '@rjsf/utils';
import { generateValidatorModule } from '../../forms/codegen/generate-validator.js';
import { importValidatorModule } from '../../forms/codegen/import-module.js';
import { precompiledFormValidator } from '../../forms/theme/validator.js';

/**
 * The RJSF validator the page builds for `schema`: generated as `catalogue build` does, loaded as
 * main loads it (a `data:` module), wrapped as the renderer wraps it. Nothing compiles at run time.
 */
export async function pageValidator(
  schema: Record<string, unknown>,
): Promise<ValidatorType<Record<string, unknown>>> {
  const module = await importValidatorModule(generateValidatorModule(schema));
  return precompiledFormValidator(module, schema as RJSFSchema);
}
