import type { FieldError } from '../main/contract/errors.js';
import { escapeToken, isObject, walkSchema, type JsonObject } from './schema-walk.js';

/** The top-level inputs a form declares: names, key patterns, and whether any other key is open. */
export interface DeclaredInputs {
  names: ReadonlySet<string>;
  patterns: readonly RegExp[];
  /** The author opened the form to other keys (`additionalProperties` true or a schema). */
  open: boolean;
}

const DECLARED = new WeakMap<JsonObject, DeclaredInputs>();

/**
 * What top-level inputs a form declares, found by the one schema walker in the value view: a
 * property in `properties` of the form or of any subschema that describes the whole form (`allOf`,
 * `anyOf`, `oneOf`, `if`/`then`/`else`, `dependencies`/`dependentSchemas`, a `$ref`), a key
 * matching a `patternProperties` pattern there, or any key when one of them sets
 * `additionalProperties` (or `unevaluatedProperties`) to `true` or a schema. Worked out once per
 * schema object.
 */
export function declaredInputs(schema: JsonObject): DeclaredInputs {
  let declared = DECLARED.get(schema);
  if (declared) return declared;
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  let open = false;
  walkSchema(schema, 'value', ({ schema: node, steps }) => {
    const step = steps[0];
    if (steps.length === 1 && step?.kind === 'property') names.add(step.name);
    else if (steps.length === 1 && step?.kind === 'pattern') {
      try {
        patterns.push(new RegExp(step.pattern, 'u'));
      } catch {
        open = true; // a pattern JavaScript cannot read: Ajv judges those keys
      }
    } else if (steps.length === 1 && step?.kind === 'otherProperties') open = true;
    else if (steps.length === 0)
      for (const keyword of ['additionalProperties', 'unevaluatedProperties'])
        if (node[keyword] === true) open = true;
  });
  declared = { names, patterns, open };
  DECLARED.set(schema, declared);
  return declared;
}

/**
 * The top-level inputs `schema` does not declare anywhere (see {@link declaredInputs}), each as a
 * field error naming the input and the fix; empty when every key is declared. A form need not say
 * `additionalProperties: false`: main refuses undeclared inputs itself, so a script never receives
 * a value its form did not ask for.
 */
export function undeclaredInputs(schema: JsonObject, inputs: unknown): FieldError[] {
  if (!isObject(inputs)) return [];
  const { names, patterns, open } = declaredInputs(schema);
  if (open) return [];
  return Object.keys(inputs)
    .filter((key) => !names.has(key) && !patterns.some((pattern) => pattern.test(key)))
    .map((key) => ({
      path: `/${escapeToken(key)}`,
      message: `"${key.length > 60 ? `${key.slice(0, 60)}…` : key}" is not a field of this form; remove it (the form declares ${describeNames(names)}).`,
    }));
}

function describeNames(names: ReadonlySet<string>): string {
  if (names.size === 0) return 'no fields';
  const listed = [...names].slice(0, 12).map((name) => `"${name}"`);
  return names.size > 12 ? `${listed.join(', ')} and ${names.size - 12} more` : listed.join(', ');
}
