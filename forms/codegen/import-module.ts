import { asValidatorModule, type ValidatorModule } from '../validator-module.js';

/**
 * Loads validator module source in main through an in-memory `data:` URL: the exact bytes that
 * were verified (or just generated) are what runs, with no file to swap in between and no
 * `eval`/`new Function`. A `data:` module has no base to resolve imports against, so one that
 * would need anything outside itself fails here. Throws when it does not load or has the wrong shape.
 */
export async function importValidatorModule(source: string | Uint8Array): Promise<ValidatorModule> {
  const base64 = Buffer.from(source).toString('base64');
  return asValidatorModule(
    (await import(/* @vite-ignore */ `data:text/javascript;base64,${base64}`)) as unknown,
  );
}
