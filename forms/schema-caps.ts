import { INPUT_LIMITS } from '../main/shared/input-limits.js';
import { formFields } from './form-fields.js';
import { isObject, resolveRef, walkSchema, WALK_LIMITS, type JsonObject } from './schema-walk.js';

/**
 * The most properties one form may declare, counted over every subschema (branches and
 * definitions included). 1000 is what issue 12 asks the UI to serve; the form benchmark
 * (`npm run bench`, `form`) measures the UI at 200 and 1000 fields against plain RJSF. Change it
 * here only, with the benchmark's figures in the commit: `catalogue build` and every device at sync
 * apply this one number.
 */
export const MAX_FORM_PROPERTIES = 1000;

/** Limits that keep a form schema something a person can fill and a machine can check quickly. */
export const SCHEMA_LIMITS = {
  maxProperties: MAX_FORM_PROPERTIES,
  maxDepth: 8,
  maxArrayItems: 1000,
} as const;

/**
 * The caps a form schema must stay within, as "where: what; fix" lines (empty when within them):
 * {@link SCHEMA_LIMITS}, the text length devices accept (`INPUT_LIMITS`) and the walker's bounds
 * (every rule that reads the form must see all of it). `catalogue build` refuses a form over them
 * and a device refuses it again at sync, whatever the signature says.
 */
export function schemaCapProblems(schema: JsonObject): string[] {
  const problems: string[] = [];
  let properties = 0;
  const document = walkSchema(schema, 'document', ({ schema: node, pointer, depth }) => {
    const where = pointer === '#' ? '#' : pointer.slice(1);
    if (isObject(node.properties)) properties += Object.keys(node.properties).length;
    if (depth === SCHEMA_LIMITS.maxDepth + 1)
      problems.push(
        `${where}: nested deeper than ${SCHEMA_LIMITS.maxDepth} levels; flatten the form`,
      );
    if (typeof node.maxItems === 'number' && node.maxItems > SCHEMA_LIMITS.maxArrayItems)
      problems.push(
        `${where}/maxItems: ${node.maxItems} is over the limit of ${SCHEMA_LIMITS.maxArrayItems}; lower it, or take the list as a file input`,
      );
    // Devices refuse longer text before validating (INPUT_LIMITS): such a field could never be filled.
    if (typeof node.maxLength === 'number' && node.maxLength > INPUT_LIMITS.maxStringLength)
      problems.push(
        `${where}/maxLength: ${node.maxLength} is over the limit of ${INPUT_LIMITS.maxStringLength} characters a device accepts in one value; lower it, or take the data as a file input`,
      );
  });
  const loop = recursiveRef(schema);
  if (loop)
    problems.push(
      `${loop.pointer === '#' ? '#' : loop.pointer.slice(1)}/$ref: "${loop.ref}" leads back into the schema it is in, so the form is recursive: its checks cannot be precompiled (generating them never ends) and no depth cap holds; unroll it to the few levels the script needs`,
    );
  if (properties > SCHEMA_LIMITS.maxProperties)
    problems.push(
      `#: has ${properties} properties, over the limit of ${SCHEMA_LIMITS.maxProperties} one form may have; split the script`,
    );
  if (document.truncated || formFields(schema).gaps.truncated)
    problems.push(
      `#: is too large to check: over ${WALK_LIMITS.maxVisits} subschemas once "$ref"s are followed, or nested over ${WALK_LIMITS.maxDepth} levels; simplify the form`,
    );
  return problems;
}

/**
 * The first `$ref` that makes `schema` recursive (it leads, directly or through other `$ref`s,
 * back into a subschema that contains it), or undefined. RJSF's schema parser, which the validator
 * generator uses, does not end on such a form.
 */
export function recursiveRef(schema: JsonObject): { pointer: string; ref: string } | undefined {
  const refs: { pointer: string; ref: string; target: string }[] = [];
  walkSchema(schema, 'document', ({ schema: node, pointer }) => {
    if (typeof node.$ref !== 'string') return;
    const target = resolveRef(schema, node.$ref);
    if (target) refs.push({ pointer, ref: node.$ref, target: target.pointer });
  });
  const inside = (pointer: string, root: string) =>
    root === '#' || pointer === root || pointer.startsWith(`${root}/`);
  // From a target, the refs written inside it lead on to their targets: a cycle is recursion.
  for (const start of refs) {
    const seen = new Set<string>();
    const queue = [start.target];
    while (queue.length) {
      const target = queue.pop()!;
      if (seen.has(target)) continue;
      seen.add(target);
      for (const next of refs.filter((ref) => inside(ref.pointer, target))) {
        if (next === start) return { pointer: start.pointer, ref: start.ref };
        queue.push(next.target);
      }
    }
  }
  return undefined;
}
