import type { ErrorObject } from 'ajv';
import { applicableSchemas, isSchema, resolvePointer, type Schema } from './error-schema-path.js';
import { branchChoiceLabels } from './error-wording.js';

/**
 * Keeps the Ajv problems a person can act on. With `allErrors`, Ajv reports every branch of a
 * failed `oneOf`/`anyOf` and a "must match then schema" line beside the `then` problems; shown as
 * they are, a mistake in one branch comes with noise about the others. So:
 *
 * - of a `oneOf`/`anyOf`, only the problems of the branch the input is closest to are kept (the
 *   branch whose discriminating `const`/`enum` property matches, then the one whose type fits,
 *   then the one with the fewest problems), and the "must match exactly one" line only when no
 *   branch problem is left; a `oneOf` of `const`/`enum` choices keeps just that line (it is worded
 *   as the list of choices);
 * - the `if` line goes when the `then`/`else` problems are there;
 * - what a `propertyNames` schema found is said by the `propertyNames` line alone.
 */
export function closestBranchErrors(errors: readonly ErrorObject[], root: Schema): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  const combinators = errors
    .filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf')
    .sort((a, b) => depth(a.schemaPath) - depth(b.schemaPath));
  // Outer first: the branches an outer choice drops take their inner choices with them.
  for (const combinator of combinators) {
    if (dropped.has(combinator)) continue;
    const kept = errors.filter((error) => error !== combinator && !dropped.has(error));
    for (const error of pickBranch(combinator, kept, root)) dropped.add(error);
  }
  for (const error of errors) {
    if (dropped.has(error)) continue;
    if (error.keyword === 'if' && hasConsequence(error, errors, dropped)) dropped.add(error);
    if (/\/propertyNames\//.test(error.schemaPath)) dropped.add(error);
  }
  return errors.filter((error) => !dropped.has(error));
}

function depth(schemaPath: string): number {
  return schemaPath.split('/').length;
}

/** True when `path` is `base` or inside it (JSON Pointers / schema paths, segment-wise). */
export function isWithin(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** The schema paths where problems of each branch of `combinator` are reported. */
function branchPrefixes(combinator: ErrorObject, root: Schema): string[][] {
  const branches = resolvePointer(root, combinator.schemaPath);
  if (!Array.isArray(branches)) return [];
  return branches.map((branch, index) => {
    const prefixes = [`${combinator.schemaPath}/${index}`];
    // Ajv reports a problem inside a `$ref` at the referenced schema's own path.
    if (isSchema(branch))
      for (const schema of applicableSchemas(root, branch, true))
        if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#'))
          prefixes.push(schema.$ref);
    return prefixes;
  });
}

/** The problems to drop for `combinator`: the other branches', and its own line when it says nothing more. */
function pickBranch(
  combinator: ErrorObject,
  others: readonly ErrorObject[],
  root: Schema,
): ErrorObject[] {
  const prefixes = branchPrefixes(combinator, root);
  const byBranch = prefixes.map((branch) =>
    others.filter(
      (error) =>
        isWithin(error.instancePath, combinator.instancePath) &&
        branch.some((prefix) => isWithin(error.schemaPath, prefix)),
    ),
  );
  const all = new Set(byBranch.flat());
  if (all.size === 0) return [];
  const branches = resolvePointer(root, combinator.schemaPath);
  if (Array.isArray(branches) && branchChoiceLabels(branches)) return [...all];
  const scores = byBranch.map((branchErrors, index) => ({
    index,
    score: [
      branchErrors.some((error) => isDiscriminatorMiss(error, combinator)) ? 1 : 0,
      branchErrors.some((error) => isTypeMiss(error, combinator)) ? 1 : 0,
      // A branch with no problem of its own here (its problems sit in a shared `$ref`) is no guide.
      branchErrors.length === 0 ? Number.MAX_SAFE_INTEGER : branchErrors.length,
    ],
  }));
  scores.sort((a, b) => compare(a.score, b.score) || a.index - b.index);
  const closest = new Set(byBranch[scores[0]!.index]);
  const drop = [...all].filter((error) => !closest.has(error));
  if (closest.size > 0) drop.push(combinator);
  return drop;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A `const`/`enum` of a property right below the choice failed: the input is another kind. */
function isDiscriminatorMiss(error: ErrorObject, combinator: ErrorObject): boolean {
  if (error.keyword !== 'const' && error.keyword !== 'enum') return false;
  const rest = error.instancePath.slice(combinator.instancePath.length);
  return /^\/[^/]+$/.test(rest);
}

/** The value itself is of another type than the branch describes. */
function isTypeMiss(error: ErrorObject, combinator: ErrorObject): boolean {
  return error.keyword === 'type' && error.instancePath === combinator.instancePath;
}

/** The `then`/`else` problems the `if` line stands for are among the problems kept. */
function hasConsequence(
  error: ErrorObject,
  errors: readonly ErrorObject[],
  dropped: ReadonlySet<ErrorObject>,
): boolean {
  const base = error.schemaPath.replace(/\/if$/, '');
  const branch = `${base}/${String((error.params as { failingKeyword?: unknown }).failingKeyword)}`;
  return errors.some(
    (other) => other !== error && !dropped.has(other) && isWithin(other.schemaPath, branch),
  );
}
