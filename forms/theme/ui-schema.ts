import type { UiSchema } from '@rjsf/utils';
import { X_FILE, X_SENSITIVE } from '../vocabulary.js';

type JsonObject = Record<string, unknown>;

/** The names under which {@link scriptDeskWidgets} registers the ScriptDesk widgets. */
export type ScriptDeskWidgetName = 'path' | 'sensitive';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function allowsString(schema: JsonObject): boolean {
  const { type } = schema;
  return type === 'string' || (Array.isArray(type) && type.includes('string'));
}

/** The widget a property needs because of a ScriptDesk keyword, if any. */
function widgetFor(schema: JsonObject): ScriptDeskWidgetName | undefined {
  if (!allowsString(schema)) return undefined;
  if (isObject(schema[X_FILE])) return 'path';
  if (schema[X_SENSITIVE] === true) return 'sensitive';
  return undefined;
}

/** Follows a local `$ref` (`#/$defs/...`, `#/definitions/...`); remote references are not allowed in catalogues. */
function resolveRef(
  schema: JsonObject,
  root: JsonObject,
  seen: ReadonlySet<string>,
): JsonObject | undefined {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  if (!ref.startsWith('#') || seen.has(ref)) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[segment] : undefined;
  }
  return isObject(node)
    ? { ...node, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) }
    : undefined;
}

/** The sub-schemas whose `properties` RJSF renders at the same level as `schema`'s own. */
function sameLevelSchemas(schema: JsonObject): JsonObject[] {
  const list: unknown[] = [schema, schema.then, schema.else];
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const value = schema[key];
    if (Array.isArray(value)) list.push(...value);
  }
  if (isObject(schema.dependencies)) list.push(...Object.values(schema.dependencies));
  if (isObject(schema.dependentSchemas)) list.push(...Object.values(schema.dependentSchemas));
  return list.filter(isObject);
}

function decorate(
  schema: JsonObject,
  ui: UiSchema,
  root: JsonObject,
  seen: ReadonlySet<string>,
): UiSchema {
  const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined;
  const resolved = resolveRef(schema, root, seen);
  if (!resolved) return ui;
  const seenHere = ref ? new Set([...seen, ref]) : seen;

  let result: UiSchema = ui;
  const widget = widgetFor(resolved);
  if (widget && result['ui:widget'] === undefined) result = { ...result, 'ui:widget': widget };

  for (const part of sameLevelSchemas(resolved)) {
    const partSchema = part === resolved ? part : resolveRef(part, root, seenHere);
    if (!partSchema || !isObject(partSchema.properties)) continue;
    for (const [name, property] of Object.entries(partSchema.properties)) {
      if (!isObject(property)) continue;
      const before = isObject(result[name]) ? (result[name] as UiSchema) : {};
      const after = decorate(property, before, root, seenHere);
      if (after !== before) result = { ...result, [name]: after };
    }
  }

  if (isObject(resolved.items)) {
    const before = isObject(result.items) ? (result.items as UiSchema) : {};
    const after = decorate(resolved.items, before, root, seenHere);
    if (after !== before) result = { ...result, items: after };
  }
  return result;
}

/**
 * Returns `uiSchema` with the ScriptDesk widgets filled in: every `x-file` string property without
 * a `ui:widget` gets `path`, every `x-sensitive` one gets `sensitive`, at any depth (nested
 * objects, array items, conditional branches, local `$ref`s). The inputs are not modified.
 */
export function withScriptDeskUi(schema: JsonObject, uiSchema: UiSchema = {}): UiSchema {
  return decorate(schema, uiSchema, schema, new Set());
}
