import { redactSensitive } from './redaction.js';
import { isObject } from './schema-walk.js';

type Inputs = Record<string, unknown>;

/**
 * `inputs` without the top-level fields that hold a sensitive value anywhere inside them (what
 * the audit record would redact), and the names of those fields. A preset never keeps a secret:
 * the user enters it at each run.
 */
export function withoutSensitive(
  schema: Record<string, unknown>,
  inputs: Inputs,
): { kept: Inputs; sensitive: string[] } {
  const redacted = redactSensitive(schema, inputs) as Inputs;
  const kept: Inputs = {};
  const sensitive: string[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    if (JSON.stringify(redacted[key]) === JSON.stringify(value)) kept[key] = value;
    else sensitive.push(key);
  }
  return { kept, sensitive };
}

/** The top-level fields of `inputs` the form's schema does not declare. */
export function undeclaredFields(schema: Record<string, unknown>, inputs: Inputs): string[] {
  const declared = isObject(schema.properties) ? schema.properties : {};
  return Object.keys(inputs).filter((key) => !Object.hasOwn(declared, key));
}

/** The form's top-level defaults: what a field a preset leaves out starts with. */
export function topLevelDefaults(schema: Record<string, unknown>): Inputs {
  const declared = isObject(schema.properties) ? schema.properties : {};
  const defaults: Inputs = {};
  for (const [key, field] of Object.entries(declared))
    if (isObject(field) && 'default' in field) defaults[key] = field.default;
  return defaults;
}
