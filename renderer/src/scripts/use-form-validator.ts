import type { RJSFSchema, ValidatorType } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { validatorModulePath } from '../../../main/contract/validator-modules.js';
import { precompiledFormValidator } from '../../../forms/theme/index.js';
import { asValidatorModule } from '../../../forms/validator-module.js';

/** The form's RJSF validator once loaded, or why it could not be (both null while loading). */
export interface FormValidatorState {
  validator: ValidatorType<Record<string, unknown>> | null;
  error: string | null;
}

interface Loaded extends FormValidatorState {
  sha256: string;
  schema: RJSFSchema;
}

/**
 * Loads the form's precompiled validator, `/validators/<sha256>.js`, as a module of the page's own
 * origin (main serves only validators of the installed catalogue) and builds RJSF's validator from
 * it. A validator is only ever handed out with the schema it was loaded for.
 */
export function useFormValidator(sha256: string, schema: RJSFSchema): FormValidatorState {
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    let current = true;
    const settle = (state: FormValidatorState) => {
      if (current) setLoaded({ sha256, schema, ...state });
    };
    import(/* @vite-ignore */ validatorModulePath(sha256))
      .then((namespace: unknown) =>
        settle({
          validator: precompiledFormValidator(asValidatorModule(namespace), schema),
          error: null,
        }),
      )
      .catch((error: unknown) =>
        settle({
          validator: null,
          error: `The checks of this form could not be loaded (${error instanceof Error ? error.message : String(error)}). Reload the page; if it happens again, ask your administrator to publish the catalogue again.`,
        }),
      );
    return () => {
      current = false;
    };
  }, [sha256, schema]);

  if (!loaded || loaded.sha256 !== sha256 || loaded.schema !== schema)
    return { validator: null, error: null };
  return { validator: loaded.validator, error: loaded.error };
}
