import type { ErrorObject } from 'ajv';
import type { FieldError } from '../main/contract/errors.js';
import { undeclaredInputs } from './declared-inputs.js';
import { toFieldErrors, type WordingOptions } from './error-messages.js';

// Ajv-free on purpose: the page imports this (through validator-module.ts), and importing
// authority-validator.ts instead pulled Ajv and ajv-formats (about 60 KB gzipped) into its bundle.

/** A compiled check: Ajv's own, or one from a precompiled validator module. */
export interface CompiledCheck {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/**
 * Runs a compiled check of `schema` (Ajv's, or a precompiled module's) on `data` and returns every
 * problem in plain words (empty when valid): the module's errors point into the same schema. A
 * top-level input the form declares nowhere is refused too, whether or not the form says
 * `additionalProperties: false` (`declared-inputs.ts`): main, not every author, keeps a script
 * from receiving a value its form did not ask for.
 */
export function checkWith(
  validate: CompiledCheck,
  data: unknown,
  schema: Record<string, unknown>,
  { uiSchema }: WordingOptions = {},
): FieldError[] {
  const undeclared = undeclaredInputs(schema, data);
  if (validate(data)) return undeclared;
  // An undeclared input is named once, by the sentence that says how to fix it.
  const named = new Set(undeclared.map((error) => error.path));
  const errors = toFieldErrors(validate.errors, schema, { uiSchema });
  return [...undeclared, ...errors.filter((error) => !named.has(error.path))];
}
