/**
 * Finds, inside a form schema, the subschemas an error talks about: the schema of the field at an
 * instance path (for its title and `x-error`), and the schema an Ajv `schemaPath` points at.
 *
 * `subschemasAt` is a small stand-in for the shared schema walker (`schema-walk.ts`, being written
 * separately): it is the one function to switch to the walker once that is merged.
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
  const visit = (node: unknown): void => {
    if (!isSchema(node) || seen.has(node) || found.length >= MAX_SCHEMAS) return;
    seen.add(node);
    found.push(node);
    if (typeof node.$ref === 'string' && node.$ref.startsWith('#'))
      visit(resolvePointer(root, node.$ref));
    if (Array.isArray(node.allOf)) for (const part of node.allOf) visit(part);
    if (!branches) return;
    for (const key of ['anyOf', 'oneOf'])
      if (Array.isArray(node[key])) for (const branch of node[key]) visit(branch);
    for (const key of ['then', 'else']) visit(node[key]);
    for (const key of ['dependencies', 'dependentSchemas'])
      if (isSchema(node[key])) for (const branch of Object.values(node[key])) visit(branch);
  };
  visit(schema);
  return found;
}

function childSchemas(schema: Schema, segment: string): Schema[] {
  const children: unknown[] = [];
  if (isSchema(schema.properties) && Object.hasOwn(schema.properties, segment))
    children.push(schema.properties[segment]);
  if (isSchema(schema.patternProperties)) {
    for (const [pattern, child] of Object.entries(schema.patternProperties)) {
      try {
        if (new RegExp(pattern, 'u').test(segment)) children.push(child);
      } catch {
        // A pattern this engine cannot read says nothing about the name.
      }
    }
  }
  if (/^(0|[1-9]\d*)$/.test(segment)) {
    const index = Number(segment);
    if (Array.isArray(schema.items)) children.push(schema.items[index] ?? schema.additionalItems);
    else children.push(schema.items);
  }
  if (children.length === 0) children.push(schema.additionalProperties);
  return children.filter(isSchema);
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
