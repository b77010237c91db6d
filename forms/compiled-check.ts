import type { ErrorObject } from 'ajv';
import type { FieldError } from '../main/contract/errors.js';
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
 * problem in plain words (empty when valid): the module's errors point into the same schema.
 */
export function checkWith(
  validate: CompiledCheck,
  data: unknown,
  schema: Record<string, unknown>,
  { uiSchema }: WordingOptions = {},
): FieldError[] {
  if (validate(data)) return [];
  return toFieldErrors(validate.errors, schema, { uiSchema });
}
