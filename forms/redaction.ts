import { X_SENSITIVE } from './vocabulary.js';

/** What replaces a sensitive value in audit records. */
export const REDACTED = '[redacted]';

/**
 * Returns a copy of `data` in which every value the schema marks `x-sensitive` is replaced by
 * {@link REDACTED}, following `properties` into nested objects and `items` into arrays.
 */
export function redactSensitive(schema: unknown, data: unknown): unknown {
  if (!isObject(schema)) return data;
  if (schema[X_SENSITIVE] === true) return data === undefined ? undefined : REDACTED;
  if (Array.isArray(data) && isObject(schema.items))
    return data.map((item) => redactSensitive(schema.items, item));
  if (isObject(data) && isObject(schema.properties)) {
    const properties = schema.properties;
    return Object.fromEntries(
      Object.entries(data).map(([key, value]) => [key, redactSensitive(properties[key], value)]),
    );
  }
  return data;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
