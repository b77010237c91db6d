/**
 * The one model of where a JSON Schema keeps its subschemas, shared by every rule that looks
 * inside a form schema (redaction, file checks, the build lints, the renderer's widgets). Plain
 * TypeScript with no imports, so main and the renderer run the same code.
 */

/** A JSON object: a schema, or a value of one. */
export type JsonObject = Record<string, unknown>;

/**
 * Which part of a value a subschema describes, relative to the value its parent describes:
 * the same value, a named property, properties by pattern or all others, array items from an
 * index on or at one index, the property names (not their values), or nothing by itself (a
 * definition, reached only through `$ref`).
 */
export type Step =
  | { kind: 'same' }
  | { kind: 'property'; name: string }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'otherProperties'; names: readonly string[]; patterns: readonly string[] }
  | { kind: 'items'; from: number }
  | { kind: 'index'; index: number }
  | { kind: 'names' }
  | { kind: 'definition' };

/** One subschema held directly by a schema. */
export interface Child {
  schema: JsonObject;
  /** Its JSON Pointer in the root document, `#`-prefixed (`#/properties/a~1b`). */
  pointer: string;
  /** The keyword that holds it (`properties`, `allOf`, `then`, ...). */
  keyword: string;
  /** Its name or index under that keyword, for keywords that hold several. */
  token: string | number | undefined;
  step: Step;
}

/** The keywords whose subschema describes the same value as the schema holding it. */
const SAME_VALUE_SINGLE = ['not', 'if', 'then', 'else'] as const;
const SAME_VALUE_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SAME_VALUE_MAPS = ['dependentSchemas', 'dependencies'] as const;
const DEFINITION_MAPS = ['$defs', 'definitions'] as const;

/**
 * The subschemas `schema` holds directly, each with the keyword holding it and the part of the
 * value it describes. `$ref` is not a child: follow it with {@link resolveRef}. Every keyword of
 * drafts 7 to 2020-12 that can hold a subschema is here; boolean subschemas hold nothing and
 * are left out, as are `dependencies` entries that list property names.
 */
export function childrenOf(schema: JsonObject, pointer: string): Child[] {
  const children: Child[] = [];
  const add = (value: unknown, keyword: string, step: Step, token?: string | number) => {
    if (!isObject(value)) return;
    const at = token === undefined ? join(pointer, keyword) : join(pointer, keyword, token);
    children.push({ schema: value, pointer: at, keyword, token, step });
  };
  const same: Step = { kind: 'same' };

  const properties = asObject(schema.properties);
  for (const [name, value] of entries(properties))
    add(value, 'properties', { kind: 'property', name }, name);
  const patterns = asObject(schema.patternProperties);
  for (const [pattern, value] of entries(patterns))
    add(value, 'patternProperties', { kind: 'pattern', pattern }, pattern);
  const others: Step = {
    kind: 'otherProperties',
    names: Object.keys(properties ?? {}),
    patterns: Object.keys(patterns ?? {}),
  };
  add(schema.additionalProperties, 'additionalProperties', others);
  // Evaluation across subschemas is not modelled: these describe every property or item.
  const every: Step = { kind: 'otherProperties', names: [], patterns: [] };
  add(schema.unevaluatedProperties, 'unevaluatedProperties', every);
  add(schema.propertyNames, 'propertyNames', { kind: 'names' });

  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : undefined;
  prefix?.forEach((value, index) => add(value, 'prefixItems', { kind: 'index', index }, index));
  if (Array.isArray(schema.items)) {
    schema.items.forEach((value, index) => add(value, 'items', { kind: 'index', index }, index));
  } else {
    add(schema.items, 'items', { kind: 'items', from: prefix?.length ?? 0 });
  }
  const tuple = Array.isArray(schema.items) ? schema.items.length : 0;
  add(schema.additionalItems, 'additionalItems', { kind: 'items', from: tuple });
  add(schema.unevaluatedItems, 'unevaluatedItems', { kind: 'items', from: 0 });
  add(schema.contains, 'contains', { kind: 'items', from: 0 });

  for (const keyword of SAME_VALUE_SINGLE) add(schema[keyword], keyword, same);
  for (const keyword of SAME_VALUE_LISTS) {
    const list = schema[keyword];
    if (Array.isArray(list)) list.forEach((value, index) => add(value, keyword, same, index));
  }
  for (const keyword of SAME_VALUE_MAPS) {
    for (const [name, value] of entries(asObject(schema[keyword]))) add(value, keyword, same, name);
  }
  for (const keyword of DEFINITION_MAPS) {
    for (const [name, value] of entries(asObject(schema[keyword])))
      add(value, keyword, { kind: 'definition' }, name);
  }
  return children;
}

/**
 * Follows a local `$ref` (`#` or a JSON Pointer `#/...`, percent-decoded, then `~1` and `~0`
 * unescaped) to the schema it names in `root`; undefined when it is not local or names nothing.
 * Only own keys are followed, so `#/constructor` names nothing. A boolean target (`true`,
 * `false`) gives `{}`: it holds no keyword and no subschema.
 */
export function resolveRef(
  root: JsonObject,
  ref: string,
): { schema: JsonObject; pointer: string } | undefined {
  if (ref !== '#' && !ref.startsWith('#/')) return undefined;
  const tokens: string[] = [];
  for (const raw of ref === '#' ? [] : ref.slice(2).split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    tokens.push(decoded.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  let node: unknown = root;
  for (const token of tokens) {
    if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token)) node = node[Number(token)];
    else if (isObject(node) && Object.hasOwn(node, token)) node = node[token];
    else return undefined;
  }
  const pointer = join('#', ...tokens);
  if (typeof node === 'boolean') return { schema: {}, pointer };
  return isObject(node) ? { schema: node, pointer } : undefined;
}

/** Bounds that keep a walk finite and small whatever the schema: subschema hops and visits. */
export const WALK_LIMITS = { maxDepth: 64, maxVisits: 20_000 } as const;

/** One subschema as {@link walkSchema} meets it. */
export interface SchemaVisit {
  schema: JsonObject;
  /** Where it is written in the root document. */
  pointer: string;
  /** The keywords passed from the root to here, `$ref` included, outermost first. */
  keywords: readonly string[];
  /** The parts of the root's value it describes, outermost first (`same` steps left out). */
  steps: readonly Step[];
  /** Subschema hops from the root (a followed `$ref` counts as one). */
  depth: number;
}

/** What a walk could not do. */
export interface WalkGaps {
  /** `$ref`s that name nothing in the document, where they are written. */
  unresolved: { pointer: string; ref: string }[];
  /** Whether the walk stopped at {@link WALK_LIMITS} before seeing everything. */
  truncated: boolean;
}

/**
 * Visits the subschemas of `root`, parents before children, in the order they are written.
 * - `document`: every subschema once where it is written, definitions included; `$ref` is not
 *   followed. For rules about the text of a schema (caps, remote references).
 * - `value`: the subschemas that describe some part of the root's value: definitions only
 *   where a `$ref` leads, and a `$ref` target visited in place of the `$ref` (so `steps` say
 *   where it applies). A `$ref` back into one it is already inside (a recursive schema) is not
 *   followed again. For rules about fields (widgets, uiSchema keys).
 */
export function walkSchema(
  root: JsonObject,
  view: 'document' | 'value',
  visit: (visit: SchemaVisit) => void,
): WalkGaps {
  const gaps: WalkGaps = { unresolved: [], truncated: false };
  type Task = SchemaVisit & { refs: readonly string[] };
  const stack: Task[] = [
    { schema: root, pointer: '#', keywords: [], steps: [], depth: 0, refs: ['#'] },
  ];
  const seen = new Set<string>();
  let visits = 0;
  while (stack.length) {
    const task = stack.pop()!;
    if (view === 'value') {
      const key = `${task.pointer}\u0000${JSON.stringify(task.steps)}\u0000${task.keywords.join('/')}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    if (++visits > WALK_LIMITS.maxVisits || task.depth > WALK_LIMITS.maxDepth) {
      gaps.truncated = true;
      if (visits > WALK_LIMITS.maxVisits) break;
      continue;
    }
    const { schema, pointer, keywords, steps, depth, refs } = task;
    visit({ schema, pointer, keywords, steps, depth });
    const next: Task[] = [];
    if (typeof schema.$ref === 'string') {
      const target = resolveRef(root, schema.$ref);
      if (!target) gaps.unresolved.push({ pointer, ref: schema.$ref });
      else if (view === 'value' && !refs.includes(target.pointer)) {
        const followed = { keywords: [...keywords, '$ref'], refs: [...refs, target.pointer] };
        next.push({ ...target, ...followed, steps, depth: depth + 1 });
      }
    }
    for (const child of childrenOf(schema, pointer)) {
      if (view === 'value' && child.step.kind === 'definition') continue;
      next.push({
        schema: child.schema,
        pointer: child.pointer,
        keywords: [...keywords, child.keyword],
        steps: child.step.kind === 'same' ? steps : [...steps, child.step],
        depth: depth + 1,
        refs,
      });
    }
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return gaps;
}

/** A pointer with tokens appended, each escaped (`~` as `~0`, `/` as `~1`). */
export function join(pointer: string, ...tokens: (string | number)[]): string {
  return tokens.reduce<string>((at, token) => `${at}/${escapeToken(String(token))}`, pointer);
}

/** One JSON Pointer token, escaped. */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}

function entries(value: JsonObject | undefined): [string, unknown][] {
  return value ? Object.entries(value) : [];
}
