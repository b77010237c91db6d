import {
  childrenOf,
  escapeToken,
  isObject,
  join,
  resolveRef,
  type Child,
  type JsonObject,
  type Step,
} from './schema-walk.js';

/** Where a value sits inside the root value: property names and array indexes, outermost first. */
export type ValuePath = readonly (string | number)[];

/** A value described by a subschema that has the keyword looked for. */
export interface ValueMatch {
  path: ValuePath;
  value: unknown;
  /** The marking subschema, and where it is written in the schema. */
  schema: JsonObject;
  pointer: string;
}

/** What {@link findValues} found, and where it could not look (callers treat those as marked). */
export interface ValueFinds {
  matches: ValueMatch[];
  /** Values governed by a `$ref` that names nothing in the schema. */
  unresolved: { path: ValuePath; ref: string }[];
  /** Values nested deeper than {@link MAX_VALUE_DEPTH}, not looked into. */
  tooDeep: ValuePath[];
}

/** How deep into a value the walk goes; inputs are bounded well below it before they get here. */
export const MAX_VALUE_DEPTH = 64;

/**
 * Decides whether the subschema written at `pointer` accepts `value` (main answers with Ajv).
 * Given one, {@link findValues} follows only the alternatives that apply to the value: `then`
 * or `else` by the `if`, the `anyOf`/`oneOf` branches and `contains` items that match, the
 * `dependencies`/`dependentSchemas` of properties present. `if` and `not` are always looked
 * into: a keyword written there is taken at its word.
 */
export type Accepts = (pointer: string, value: unknown) => boolean;

/**
 * Finds every part of `value` that a subschema of `root` with `marked(subschema)` describes,
 * through every keyword that holds subschemas and every local `$ref`. Without `accepts` every
 * branch counts, whether or not it applies to the value: the conservative reading. Iterative,
 * and each subschema is applied to each part of the value at most once, so recursive schemas end.
 */
export function findValues(
  root: JsonObject,
  value: unknown,
  marked: (schema: JsonObject) => boolean,
  accepts?: Accepts,
): ValueFinds {
  const finds: ValueFinds = { matches: [], unresolved: [], tooDeep: [] };
  const stack: Task[] = [{ schema: root, pointer: '#', path: [], at: '', value }];
  const applied = new Map<string, Set<string>>();
  // A pointer names one subschema, which every item of a list meets again: list its children once.
  const childrenAt = new Map<string, Child[]>();
  const keys = new KeyMatcher();

  while (stack.length) {
    const task = stack.pop()!;
    const { schema, pointer, path, at, value: here } = task;
    const done = applied.get(at) ?? new Set<string>();
    if (done.has(pointer)) continue;
    applied.set(at, done.add(pointer));
    if (marked(schema)) finds.matches.push({ path, value: here, schema, pointer });

    const next: Task[] = [];
    const same = (target: { schema: JsonObject; pointer: string }) =>
      next.push({ schema: target.schema, pointer: target.pointer, path, at, value: here });
    const into = (child: Child, key: string | number, part: unknown) => {
      if (path.length >= MAX_VALUE_DEPTH) finds.tooDeep.push([...path, key]);
      else {
        const inner = { path: [...path, key], at: `${at}/${escapeToken(String(key))}` };
        next.push({ schema: child.schema, pointer: child.pointer, ...inner, value: part });
      }
    };
    if (typeof schema.$ref === 'string') {
      const target = resolveRef(root, schema.$ref);
      if (target) same(target);
      else finds.unresolved.push({ path, ref: schema.$ref });
    }
    let children = childrenAt.get(pointer);
    if (!children) childrenAt.set(pointer, (children = childrenOf(schema, pointer)));
    const condition =
      accepts && isObject(schema.if) ? accepts(join(pointer, 'if'), here) : undefined;
    for (const child of children) {
      if (accepts && !applies(child, here, condition, accepts)) continue;
      const { step } = child;
      if (step.kind === 'same') same(child);
      else if (step.kind === 'property') {
        if (isObject(here) && Object.hasOwn(here, step.name))
          into(child, step.name, here[step.name]);
      } else if (step.kind === 'pattern' || step.kind === 'otherProperties') {
        if (!isObject(here)) continue;
        for (const [key, part] of Object.entries(here))
          if (keys.described(step, key)) into(child, key, part);
      } else if (step.kind === 'items') {
        if (!Array.isArray(here)) continue;
        for (let index = step.from; index < here.length; index++) {
          const item: unknown = here[index];
          if (child.keyword !== 'contains' || !accepts || accepts(child.pointer, item))
            into(child, index, item);
        }
      } else if (step.kind === 'index') {
        if (Array.isArray(here) && step.index < here.length)
          into(child, step.index, here[step.index]);
      }
      // `names` describes property names, not values; `definition` applies only through `$ref`.
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return finds;
}

/** One subschema to apply to one part of the value; `at` is `path` as a JSON Pointer. */
interface Task {
  schema: JsonObject;
  pointer: string;
  path: ValuePath;
  at: string;
  value: unknown;
}

/** Which keys `patternProperties` and `additionalProperties` describe, as Ajv decides it. */
class KeyMatcher {
  private readonly regexps = new Map<string, RegExp | undefined>();

  described(step: Step & { kind: 'pattern' | 'otherProperties' }, key: string): boolean {
    if (step.kind === 'pattern') return this.matches(step.pattern, key);
    return !step.names.includes(key) && !step.patterns.some((p) => this.matches(p, key));
  }

  private matches(pattern: string, key: string): boolean {
    if (!this.regexps.has(pattern)) {
      let regexp: RegExp | undefined;
      try {
        regexp = new RegExp(pattern, 'u'); // as Ajv compiles `patternProperties`
      } catch {
        regexp = undefined; // Ajv could not have compiled it; count every key as matching
      }
      this.regexps.set(pattern, regexp);
    }
    return this.regexps.get(pattern)?.test(key) ?? true;
  }
}

/** Whether an alternative applies to `value`, when {@link Accepts} can tell. */
function applies(
  child: Child,
  value: unknown,
  condition: boolean | undefined,
  accepts: Accepts,
): boolean {
  switch (child.keyword) {
    case 'then':
      return condition === true;
    case 'else':
      return condition === false;
    case 'anyOf':
    case 'oneOf':
      return accepts(child.pointer, value);
    case 'dependencies':
    case 'dependentSchemas':
      return isObject(value) && Object.hasOwn(value, String(child.token));
    default:
      return true;
  }
}

/**
 * A copy of `root` with the value at each path replaced, in one pass; the parts not on a path
 * are shared. Where one path encloses another, the outer replacement wins. Keys are defined as
 * own properties, so a `__proto__` key in the data stays a plain key.
 */
export function replaceAt(
  root: unknown,
  replacements: readonly { path: ValuePath; value: unknown }[],
): unknown {
  const top: Trie = { children: new Map() };
  for (const { path, value } of [...replacements].sort((a, b) => a.path.length - b.path.length)) {
    let node = top;
    for (const key of path) {
      if (node.replaced) break;
      let next = node.children.get(key);
      if (!next) node.children.set(key, (next = { children: new Map() }));
      node = next;
    }
    if (!node.replaced) node.replaced = { value };
  }
  return copyWith(root, top);
}

interface Trie {
  replaced?: { value: unknown };
  children: Map<string | number, Trie>;
}

/** Recursion as deep as the longest path, which {@link MAX_VALUE_DEPTH} bounds. */
function copyWith(value: unknown, node: Trie): unknown {
  if (node.replaced) return node.replaced.value;
  if (node.children.size === 0) return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...(value as unknown[])];
    for (const [key, child] of node.children)
      if (typeof key === 'number' && key < copy.length) copy[key] = copyWith(copy[key], child);
    return copy;
  }
  if (!isObject(value)) return value;
  const copy: JsonObject = {};
  for (const [name, part] of Object.entries(value)) {
    const child = node.children.get(name);
    const replaced = child ? copyWith(part, child) : part;
    Object.defineProperty(copy, name, {
      value: replaced,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}
