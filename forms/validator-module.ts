import type { FieldError } from '../main/contract/errors.js';
import { checkWith, type CompiledCheck } from './compiled-check.js';
import type { WordingOptions } from './error-messages.js';

/**
 * The shape of a precompiled form validator module, as `catalogue build` writes it
 * (`validator-codegen.ts`) and as main and the renderer load it. Changing what the module exports
 * means a new format number; loaders refuse a format they do not know.
 */
export const VALIDATOR_MODULE_FORMAT = 1;

/** A loaded validator module: one check per schema RJSF may ask about, keyed as RJSF keys them. */
export interface ValidatorModule {
  format: typeof VALIDATOR_MODULE_FORMAT;
  /** The key of the whole form's check in `validators` (what main validates run inputs with). */
  rootKey: string;
  /** The form and the subschemas RJSF validates on their own (conditions, options), by RJSF key. */
  validators: Readonly<Record<string, CompiledCheck>>;
}

/**
 * Checks that an imported module namespace is a validator module of the known format; throws a
 * one-line reason otherwise (a damaged, foreign or newer module).
 */
export function asValidatorModule(namespace: unknown): ValidatorModule {
  const exports = namespace as Partial<Record<keyof ValidatorModule, unknown>>;
  if (exports.format !== VALIDATOR_MODULE_FORMAT)
    throw new Error(
      `it is not a ScriptDesk validator module of format ${VALIDATOR_MODULE_FORMAT} (format ${String(exports.format)}); publish the catalogue again with this ScriptDesk version`,
    );
  const { rootKey, validators } = exports;
  if (typeof validators !== 'object' || validators === null)
    throw new Error('the validator module exports no validators');
  const checks = validators as Record<string, unknown>;
  if (Object.values(checks).some((check) => typeof check !== 'function'))
    throw new Error('the validator module exports a validator that is not a function');
  if (typeof rootKey !== 'string' || !Object.hasOwn(checks, rootKey))
    throw new Error('the validator module has no validator for the whole form');
  return {
    format: VALIDATOR_MODULE_FORMAT,
    rootKey,
    validators: validators as Record<string, CompiledCheck>,
  };
}

/**
 * Validates run inputs with the module's whole-form check, as field errors in plain words (empty
 * when valid); `schema` is the form the module was made for, `wording` may add its uiSchema.
 * Undeclared top-level inputs are refused too (see `checkWith`).
 */
export function checkInputs(
  module: ValidatorModule,
  inputs: unknown,
  schema: Record<string, unknown>,
  wording: WordingOptions = {},
): FieldError[] {
  return checkWith(module.validators[module.rootKey]!, inputs, schema, wording);
}
