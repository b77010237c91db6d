import { isObject, type JsonObject } from './schema-walk.js';
import { USED_UI_OPTIONS } from './ui-schema-lint.js';

/**
 * A copy of a catalogue's uiSchema holding only what ScriptDesk uses: every `ui:` option (and
 * `ui:options` entry) outside {@link USED_UI_OPTIONS} is left out, at every level. The build lint
 * warns that such options are ignored (`ui:autocomplete`, `ui:options.yearsRange`, `ui:classNames`,
 * `ui:hideError`, ...); this is what makes "ignored" true, and it also drops anything a
 * hand-signed catalogue slipped past the lint (`ui:field`, templates, markdown). Field keys, tuple
 * lists and option values are kept as written.
 */
export function usedUiSchema(uiSchema: unknown): JsonObject {
  return isObject(uiSchema) ? (keepUsed(uiSchema) as JsonObject) : {};
}

function keepUsed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(keepUsed);
  if (!isObject(node)) return node;
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'ui:options') {
      if (isObject(value))
        kept[key] = Object.fromEntries(
          Object.entries(value).filter(([name]) => USED_UI_OPTIONS.includes(name)),
        );
    } else if (key.startsWith('ui:')) {
      if (USED_UI_OPTIONS.includes(key.slice(3))) kept[key] = value;
    } else kept[key] = keepUsed(value);
  }
  return kept;
}
