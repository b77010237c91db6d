import type { UiSchema } from '@rjsf/utils';
import { formFields, type FormField, type UiPath } from '../form-fields.js';
import { isObject, type JsonObject } from '../schema-walk.js';

/** The names under which {@link scriptDeskWidgets} registers the ScriptDesk widgets. */
export type ScriptDeskWidgetName = 'path' | 'sensitive';

/** The widget a field needs because of a ScriptDesk keyword, if its type can take it. */
function widgetFor(field: FormField): ScriptDeskWidgetName | undefined {
  const { types } = field;
  if (field.file && types.has('string')) return 'path';
  if (field.sensitive && (types.has('string') || types.has('number') || types.has('integer')))
    return 'sensitive';
  return undefined;
}

/**
 * Returns `uiSchema` with what the schema's keywords decide about a field filled in: every
 * `x-file` string without a `ui:widget` gets `path`; every `x-sensitive` string, number or
 * integer (or one inside an `x-sensitive` object or array) gets `sensitive`; every field fixed
 * by `const` is read-only. Fields are found by the one schema walker, so nested objects, array
 * items, tuples, added properties, every branch and local `$ref`s are included (a recursive
 * `$ref` once). The inputs are not modified.
 */
export function withScriptDeskUi(schema: JsonObject, uiSchema: UiSchema = {}): UiSchema {
  let result: unknown = uiSchema;
  for (const field of formFields(schema).fields.values()) {
    const widget = widgetFor(field);
    if (widget || field.constant) {
      result = updateAt(result, field.uiPath, (ui) => ({
        ...ui,
        ...(widget && ui['ui:widget'] === undefined ? { 'ui:widget': widget } : {}),
        ...(field.constant ? { 'ui:readonly': true } : {}),
      }));
    }
  }
  return result as UiSchema;
}

/**
 * A copy of `ui` with the node at `path` replaced by `change(node)`, creating nodes on the way.
 * A tuple index turns the `items` entry into a list, each entry starting from what `items`
 * said for all of them.
 */
function updateAt(ui: unknown, path: UiPath, change: (node: JsonObject) => JsonObject): unknown {
  if (path.length === 0) return change(isObject(ui) ? ui : {});
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const list: unknown[] = Array.isArray(ui) ? [...ui] : [];
    const shared = isObject(ui) ? ui : {};
    while (list.length <= key) list.push(shared);
    list[key] = updateAt(list[key], rest, change);
    return list;
  }
  const node = isObject(ui) ? ui : {};
  return { ...node, [key!]: updateAt(node[key!], rest, change) };
}
