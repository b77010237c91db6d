import { childrenOf, resolveRef, type Child } from './schema-walk.js';

/**
 * Finds, inside a form schema, the subschemas an error talks about: the schema of the field at an
 * instance path (for its title and `x-error`), and the schema an Ajv `schemaPath` points at. Which
 * keywords hold subschemas, and which part of the value each describes, comes from the one schema
 * walker (`schema-walk.ts`); this file only chooses among them.
 */

/** A JSON Schema object (boolean schemas carry no title or advice, so they are skipped). */
export type Schema = Record<string, unknown>;

/** True when `value` is a schema object (not `true`/`false`, not an array). */
export function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a JSON Pointer (`/rows/0/a~1b`, or a `#/...` fragment) into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  const bare = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (bare === '') return [];
  return bare
    .slice(1)
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        // Ajv writes schema paths as URI fragments: names with odd characters are %-encoded.
        decoded = decodeURIComponent(segment);
      } catch {
        // Not %-encoded after all: use the segment as it is.
      }
      return decoded.replaceAll('~1', '/').replaceAll('~0', '~');
    });
}

/** Escapes one name for a JSON Pointer segment. */
export function escapeSegment(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The value a local `#/...` pointer names in `root` (undefined when it names nothing). */
export function resolvePointer(root: Schema, pointer: string): unknown {
  let node: unknown = root;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isSchema(node) && Object.hasOwn(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

// A form schema is small (the build lint caps it), but `$ref` can loop: stop following there.
const MAX_SCHEMAS = 500;

/**
 * The schemas that apply to the same value as `schema`: itself, then what its local `$ref` and
 * `allOf` bring in (always), and with `branches` also what `anyOf`, `oneOf`, `if`/`then`/`else` and
 * schema dependencies may bring in. The schema itself comes first, so its own title wins over one
 * from a referenced definition; a choice's title never names the field.
 */
export function applicableSchemas(root: Schema, schema: Schema, branches: boolean): Schema[] {
  const found: Schema[] = [];
  const seen = new Set<Schema>();
  const visit = (node: Schema | undefined): void => {
    if (!node || seen.has(node) || found.length >= MAX_SCHEMAS) return;
    seen.add(node);
    found.push(node);
    if (typeof node.$ref === 'string') visit(resolveRef(root, node.$ref)?.schema);
    for (const child of childrenOf(node, '#'))
      if (ALWAYS_APPLY.has(child.keyword) || (branches && MAY_APPLY.has(child.keyword)))
        visit(child.schema);
  };
  visit(schema);
  return found;
}

/** Keywords whose subschemas always describe the same value (a field's own title may be there). */
const ALWAYS_APPLY = new Set(['allOf']);
/** Keywords whose subschemas may describe the same value, depending on it (`if`, `not` never define a field). */
const MAY_APPLY = new Set(['anyOf', 'oneOf', 'then', 'else', 'dependencies', 'dependentSchemas']);
/** Keywords that declare what a property or an item is. */
const FIELD_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'additionalItems',
  'prefixItems',
]);

function childSchemas(schema: Schema, segment: string): Schema[] {
  const index = /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : undefined;
  return childrenOf(schema, '#')
    .filter((child) => FIELD_KEYWORDS.has(child.keyword) && describes(child, segment, index))
    .map((child) => child.schema);
}

/** Whether `child` describes the property or item named `segment` of its parent's value. */
function describes(child: Child, segment: string, index: number | undefined): boolean {
  const { step } = child;
  switch (step.kind) {
    case 'property':
      return step.name === segment;
    case 'pattern':
      return matches(step.pattern, segment);
    case 'otherProperties':
      return !step.names.includes(segment) && !step.patterns.some((p) => matches(p, segment));
    case 'index':
      return index === step.index;
    case 'items':
      return index !== undefined && index >= step.from;
    default:
      return false;
  }
}

function matches(pattern: string, name: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(name);
  } catch {
    // A pattern this engine cannot read says nothing about the name.
    return false;
  }
}

/**
 * The schemas that define the field at `path` (instance path segments from the form's root): the
 * declarations reached through `properties`, `patternProperties`, `additionalProperties` and
 * `items` of every schema that may apply on the way (conditional and alternative ones included),
 * each with what its `$ref`/`allOf` bring in. Empty when the path leads outside the schema.
 */
export function subschemasAt(root: Schema, path: readonly string[]): Schema[] {
  let current = [root];
  for (const segment of path) {
    const next: Schema[] = [];
    for (const parent of current)
      for (const schema of applicableSchemas(root, parent, true))
        for (const child of childSchemas(schema, segment))
          if (!next.includes(child)) next.push(child);
    if (next.length === 0) return [];
    current = next;
  }
  const defined: Schema[] = [];
  for (const schema of current)
    for (const found of applicableSchemas(root, schema, false))
      if (!defined.includes(found)) defined.push(found);
  return defined;
}
