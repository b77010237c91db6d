import {
  childrenOf,
  isObject,
  join,
  resolveRef,
  type Child,
  type JsonObject,
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
  interface Task {
    schema: JsonObject;
    pointer: string;
    path: ValuePath;
    value: unknown;
  }
  const stack: Task[] = [{ schema: root, pointer: '#', path: [], value }];
  const applied = new Map<string, Set<string>>();
  const regexps = new Map<string, RegExp | undefined>();
  const matches = (pattern: string, key: string): boolean => {
    if (!regexps.has(pattern)) {
      let regexp: RegExp | undefined;
      try {
        regexp = new RegExp(pattern, 'u'); // as Ajv compiles `patternProperties`
      } catch {
        regexp = undefined; // Ajv could not have compiled it; count every key as matching
      }
      regexps.set(pattern, regexp);
    }
    return regexps.get(pattern)?.test(key) ?? true;
  };

  while (stack.length) {
    const task = stack.pop()!;
    const at = join('', ...task.path);
    const done = applied.get(at) ?? new Set<string>();
    if (done.has(task.pointer)) continue;
    applied.set(at, done.add(task.pointer));
    const { schema, pointer, path } = task;
    if (marked(schema)) finds.matches.push({ path, value: task.value, schema, pointer });

    const next: Task[] = [];
    const into = (child: Child, key: string | number, part: unknown) => {
      if (path.length >= MAX_VALUE_DEPTH) finds.tooDeep.push([...path, key]);
      else
        next.push({
          schema: child.schema,
          pointer: child.pointer,
          path: [...path, key],
          value: part,
        });
    };
    if (typeof schema.$ref === 'string') {
      const target = resolveRef(root, schema.$ref);
      if (target) next.push({ ...target, path, value: task.value });
      else finds.unresolved.push({ path, ref: schema.$ref });
    }
    const condition =
      accepts && isObject(schema.if) ? accepts(join(pointer, 'if'), task.value) : undefined;
    for (const child of childrenOf(schema, pointer)) {
      if (accepts && !applies(child, task.value, condition, accepts)) continue;
      const here = task.value;
      const { step } = child;
      if (step.kind === 'same') next.push({ ...child, path, value: here });
      else if (step.kind === 'property') {
        if (isObject(here) && Object.hasOwn(here, step.name))
          into(child, step.name, here[step.name]);
      } else if (step.kind === 'pattern' || step.kind === 'otherProperties') {
        if (!isObject(here)) continue;
        for (const [key, part] of Object.entries(here)) {
          const applying =
            step.kind === 'pattern'
              ? matches(step.pattern, key)
              : !step.names.includes(key) && !step.patterns.some((p) => matches(p, key));
          if (applying) into(child, key, part);
        }
      } else if (step.kind === 'items') {
        if (!Array.isArray(here)) continue;
        for (let index = step.from; index < here.length; index++) {
          const item: unknown = here[index];
          const counted = child.keyword !== 'contains' || !accepts || accepts(child.pointer, item);
          if (counted) into(child, index, item);
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
 * A copy of `root` with the value at `path` replaced; the parts not on the path are shared.
 * Keys are defined as own properties, so a `__proto__` key in the data stays a plain key.
 */
export function replaceAt(root: unknown, path: ValuePath, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [key, ...rest] = path;
  if (Array.isArray(root) && typeof key === 'number') {
    const copy = [...(root as unknown[])];
    copy[key] = replaceAt(copy[key], rest, replacement);
    return copy;
  }
  if (!isObject(root) || typeof key !== 'string') return root;
  const copy: JsonObject = {};
  for (const [name, part] of Object.entries(root)) {
    const value = name === key ? replaceAt(part, rest, replacement) : part;
    Object.defineProperty(copy, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** Whether `prefix` is `path` or encloses it. */
export function encloses(prefix: ValuePath, path: ValuePath): boolean {
  return prefix.length <= path.length && prefix.every((key, index) => path[index] === key);
}
