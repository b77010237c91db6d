import { isObject } from './schema-walk.js';
import { schemaUses } from './schema-uses.js';
import { findValues, replaceAt, type ValuePath } from './value-walk.js';
import { X_SENSITIVE } from './vocabulary.js';

/** What replaces a sensitive value in audit records. */
export const REDACTED = '[redacted]';

/**
 * Returns a copy of `data` in which every value the schema marks `x-sensitive` is replaced,
 * whole and whatever its type, by {@link REDACTED}. The mark counts wherever it is written:
 * behind any keyword, any local `$ref`, and any branch that could apply (a conditional or
 * `anyOf`/`oneOf` branch counts even when the data does not take it). A value the walk cannot
 * see into (a `$ref` that names nothing, nesting past the depth bound) is redacted too.
 */
export function redactSensitive(schema: unknown, data: unknown): unknown {
  if (!isObject(schema) || !schemaUses(schema, X_SENSITIVE)) return data;
  const finds = findValues(schema, data, (subschema) => subschema[X_SENSITIVE] === true);
  const paths: ValuePath[] = [
    ...finds.matches.map((match) => match.path),
    ...finds.unresolved.map((gap) => gap.path),
    ...finds.tooDeep,
  ];
  return replaceAt(
    data,
    paths.map((path) => ({ path, value: REDACTED })),
  );
}
