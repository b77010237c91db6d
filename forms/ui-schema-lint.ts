import { formFields, type FieldType, type FormField, type UiPath } from './form-fields.js';
import { escapeToken, isObject, join, type JsonObject } from './schema-walk.js';
import type { ScriptDeskWidgetName } from './theme/ui-schema.js';
import { X_FILE, X_SENSITIVE } from './vocabulary.js';

export type { FieldType } from './form-fields.js';

/** The longest text a uiSchema may put on a form: a title, description, help, placeholder or label. */
export const UI_TEXT_LIMIT = 500;

const ANY_VALUE: readonly FieldType[] = ['string', 'number', 'integer', 'boolean', 'array'];
const NUMBERS: readonly FieldType[] = ['number', 'integer'];

/**
 * The `ui:widget` names a catalogue may use, with the field types each works on. The RJSF names
 * and types follow `getWidget` in @rjsf/utils (asking for a widget on another type makes RJSF
 * throw while rendering); `path` and `sensitive` are the ScriptDesk widgets in `theme/`.
 * RJSF's aliases (`hostname`, `ipv4`, `ipv6`, `data-url`, `date-time`, `files`) and component
 * names (`TextWidget`) also work there but are left out: one name per widget. RJSF's `file`
 * widget is left out on purpose: it puts a file's bytes into the form data as a data URL, past
 * main's checks of path, extension and size; file inputs use `x-file` and the `path` widget.
 */
export const UI_WIDGETS: Readonly<Record<string, readonly FieldType[]>> = {
  text: ['string', ...NUMBERS],
  textarea: ['string'],
  password: ['string'],
  email: ['string'],
  uri: ['string'],
  date: ['string'],
  datetime: ['string'],
  time: ['string'],
  color: ['string'],
  'alt-date': ['string'],
  'alt-datetime': ['string'],
  updown: NUMBERS,
  range: NUMBERS,
  radio: ['string', ...NUMBERS, 'boolean'],
  select: ANY_VALUE,
  checkbox: ['boolean'],
  checkboxes: ['array'],
  // RJSF hides any field whose widget is "hidden", objects included, without looking it up.
  hidden: [...ANY_VALUE, 'object'],
  // A masked number (a PIN) still yields a number: RJSF's number field parses what it types.
  ...({ path: ['string'], sensitive: ['string', ...NUMBERS] } satisfies Record<
    ScriptDeskWidgetName,
    readonly FieldType[]
  >),
};

/** The HTML input types `ui:inputType` may ask a text field for. */
const INPUT_TYPES = ['text', 'email', 'tel', 'url', 'search', 'number'];

/** Where a uiSchema node sits and the form field it styles (undefined: cannot be followed). */
interface Level {
  where: string;
  /** Where warnings go: what is ignored, not refused. */
  warnings: string[];
  uiPath: UiPath;
  field: FormField | undefined;
  fields: ReadonlyMap<string, FormField>;
}

/** Checks one option's value; returns "what; fix" or undefined when fine. */
type OptionCheck = (value: unknown, level: Level) => string | undefined;

/**
 * The uiSchema options a catalogue may use besides `ui:options` itself, written `ui:<name>` or
 * inside `ui:options` (RJSF reads both the same way, see `getUiOptions` in @rjsf/utils). Taken
 * from RJSF 6's `UIOptionsBaseType`, kept to what changes how a field looks and reads. Left out:
 * `classNames`/`style` (no styling from a catalogue), `autocomplete`/`autocapitalize`,
 * `enumDisabled`/`enumOrder`, `filePreview`, `hideError` (errors must show),
 * `optionsSchemaSelector`, `copyable`, `yearsRange`, and the form-wide `globalOptions`,
 * `rootFieldId` and `definitions`: the build lint warns that they are ignored, and the device
 * removes them before the form is shown (`usedUiSchema`); {@link FORBIDDEN} names what is refused.
 */
const OPTIONS: Record<string, OptionCheck> = {
  widget: checkWidget,
  order: checkOrder,
  title: checkText,
  description: checkText,
  help: checkText,
  placeholder: checkText,
  autofocus: checkBoolean,
  disabled: checkBoolean,
  readonly: checkBoolean,
  label: checkBoolean,
  inline: checkBoolean,
  addable: checkArrayFlag,
  orderable: checkArrayFlag,
  removable: checkArrayFlag,
  emptyValue: (value) =>
    value === null || ['string', 'number', 'boolean'].includes(typeof value)
      ? undefined
      : 'must be a plain value (text, a number, true, false or null)',
  enumNames: checkEnumNames,
  rows: (value) =>
    Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 100
      ? undefined
      : 'must be a whole number of lines from 1 to 100',
  sections: checkSections,
  inputType: (value) =>
    typeof value === 'string' && INPUT_TYPES.includes(value)
      ? undefined
      : `must be one of ${INPUT_TYPES.join(', ')}`,
};

/** RJSF options a catalogue may not use, with the reason and the fix. */
const FORBIDDEN: Record<string, string> = {
  field:
    'names a custom field, which is code a catalogue cannot ship; remove it (pick a built-in look with `ui:widget`)',
  enableMarkdownInDescription:
    'is not allowed: descriptions are shown as plain text; remove it and write plain sentences',
  enableMarkdownInHelp:
    'is not allowed: help is shown as plain text; remove it and write plain sentences',
};
const TEMPLATE = 'overrides an RJSF template, which is code a catalogue cannot ship; remove it';

/**
 * Checks an RJSF uiSchema (`form.ui.json`) against its form schema before it is published and
 * returns problems as "where: what; fix" lines, `where` being the JSON Pointer into the uiSchema
 * (empty when fine): every other key names a field the form schema declares at that level
 * (`items` for an array's entries; RJSF's `oneOf`/`anyOf`/`additionalProperties` uiSchema keys
 * are not supported), `ui:order` names real fields and leaves none out, widgets exist, suit the
 * field's type and agree with `x-file`/`x-sensitive`, no option names code or markup, and text
 * stays short and plain. What is harmless goes to `warnings`, if given, and is ignored: a key that
 * names no field, an option ScriptDesk does not use (`ui:autocomplete`, `yearsRange`, ...).
 */
export function lintUiSchema(
  uiSchema: unknown,
  formSchema: Record<string, unknown>,
  warnings: string[] = [],
): string[] {
  if (!isObject(uiSchema)) {
    return ['the uiSchema must be a JSON object of field names and "ui:" options; start from {}'];
  }
  const problems: string[] = [];
  const { fields } = formFields(formSchema);
  const root: Level = { where: '', warnings, uiPath: [], field: fields.get(''), fields };
  lintNode(uiSchema, root, problems);
  return problems;
}

function lintNode(node: JsonObject, level: Level, problems: string[]): void {
  for (const [key, value] of Object.entries(node)) {
    const where = `${level.where}/${escapeToken(key)}`;
    if (key === 'ui:options') lintOptions(value, level, where, problems);
    else if (key.startsWith('ui:')) lintOption(key.slice(3), value, level, where, 'ui:', problems);
    else lintField(key, value, level, where, problems);
  }
}

function lintField(
  key: string,
  value: unknown,
  level: Level,
  where: string,
  problems: string[],
): void {
  const child = childField(level, key);
  if (child === 'undeclared') {
    const hint = level.field?.isArray ? " (an array's entries go under `items`)" : '';
    level.warnings.push(
      `\`${where}\`: is not a field of form.schema.json${hint}, so it is ignored; remove it or fix the name`,
    );
  } else if (!isObject(value)) {
    problems.push(
      `\`${where}\`: must be an object of "ui:" options, like { "ui:help": "…" }; wrap the value in one`,
    );
  } else {
    const uiPath = [...level.uiPath, key];
    lintNode(value, { ...level, where, uiPath, field: child }, problems);
  }
}

/** The field `key` names under `level`, undefined when it cannot be followed, or 'undeclared'. */
function childField(level: Level, key: string): FormField | undefined | 'undeclared' {
  const { field, fields } = level;
  if (!field) return undefined;
  if (field.isArray) {
    if (key !== 'items') return 'undeclared';
    // Tuple items (a list of schemas) are not followed: their uiSchema is checked for options only.
    return fields.get(join('', ...level.uiPath, 'items'));
  }
  if (!field.properties.includes(key)) return 'undeclared';
  return fields.get(join('', ...level.uiPath, key));
}

function lintOptions(value: unknown, level: Level, where: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(
      `\`${where}\`: must be an object of options, like { "inline": true }; write it as one`,
    );
    return;
  }
  for (const [name, option] of Object.entries(value))
    lintOption(name, option, level, `${where}/${escapeToken(name)}`, '', problems);
}

function lintOption(
  name: string,
  value: unknown,
  level: Level,
  where: string,
  prefix: 'ui:' | '',
  problems: string[],
): void {
  const check = OPTIONS[name];
  let problem: string | undefined;
  if (check) problem = check(value, level);
  else if (name in FORBIDDEN) problem = FORBIDDEN[name];
  else if (name.endsWith('Template')) problem = TEMPLATE;
  else {
    const used = [...(prefix ? ['options'] : []), ...Object.keys(OPTIONS)];
    level.warnings.push(
      `\`${where}\`: is not a uiSchema option ScriptDesk uses, so it is ignored; remove it (used: ${used.map((option) => prefix + option).join(', ')})`,
    );
  }
  if (problem) problems.push(`\`${where}\`: ${problem}`);
}

function checkWidget(value: unknown, level: Level): string | undefined {
  const names = Object.keys(UI_WIDGETS);
  if (typeof value !== 'string')
    return `must be the name of a widget (text); use one of ${names.join(', ')}`;
  // RJSF's file widget: see UI_WIDGETS.
  if (value === 'file' || value === 'files' || value === 'data-url')
    return `"${value}" puts the file's bytes into the inputs, past main's checks of path, type and size; remove it and mark the field "${X_FILE}": { "kind": "file", "accept": [".csv"] } (the "path" widget is used)`;
  const types = UI_WIDGETS[value];
  if (!types) return `"${value}" is not a widget ScriptDesk has; use one of ${names.join(', ')}`;
  const keyword = keywordProblem(value, level.field);
  if (keyword) return keyword;
  const type = level.field?.type;
  if (type && !types.includes(type)) {
    const fitting = names.filter((name) => UI_WIDGETS[name]!.includes(type));
    return `"${value}" does not work on ${type === 'integer' ? 'an' : 'a'} ${type} field; use one of ${fitting.join(', ') || '(none: remove it)'}`;
  }
  return undefined;
}

/**
 * The ScriptDesk keywords decide how a field must look: a file or folder path is picked with
 * `path` (main checks what it names), a secret is masked. A widget that would show an
 * `x-sensitive` value in clear, or a `path`/`sensitive` widget on a field without the keyword
 * (nothing checked, nothing redacted), misleads whoever fills the form. The keyword counts
 * from any branch of the schema, and `x-sensitive` from any field enclosing this one, as main
 * reads them.
 */
function keywordProblem(widget: string, field: FormField | undefined): string | undefined {
  if (!field) return undefined;
  const { file: isFile, sensitive: isSensitive } = field;
  if (isFile && widget !== 'path')
    return `"${widget}" replaces the file picker of an "${X_FILE}" field; remove it (the "path" widget is used)`;
  if (isSensitive && widget !== 'sensitive' && widget !== 'password')
    return `"${widget}" would show an "${X_SENSITIVE}" field unmasked; remove it (the "sensitive" widget is used)`;
  if (widget === 'path' && !isFile)
    return `"path" needs "${X_FILE}" on the field in form.schema.json so the file is checked; add it or pick another widget`;
  if (widget === 'sensitive' && !isSensitive)
    return `"sensitive" needs "${X_SENSITIVE}": true on the field in form.schema.json so the value is redacted from audit; add it or use "password"`;
  return undefined;
}

function checkOrder(value: unknown, level: Level): string | undefined {
  const { field } = level;
  if (!Array.isArray(value))
    return 'must be a list of field names, like ["name", "*"]; write it as one';
  if (field?.isArray) return 'only applies to an object with fields; remove it';
  const fields = field?.properties;
  if (fields && fields.length === 0) return 'only applies to an object with fields; remove it';
  const seen = new Set<string>();
  for (const entry of value) {
    if (typeof entry !== 'string' || (fields && entry !== '*' && !fields.includes(entry)))
      return `${JSON.stringify(entry)} is not a field of form.schema.json; remove it or fix the name`;
    if (seen.has(entry)) return `lists "${entry}" more than once; keep one`;
    seen.add(entry);
  }
  if (fields && !seen.has('*')) {
    const missing = fields.filter((name) => !seen.has(name));
    if (missing.length)
      return `leaves out ${missing.map((name) => `"${name}"`).join(', ')} and has no "*", so the form fails to render; add them or "*"`;
  }
  return undefined;
}

/** The root's named sections (`forms/theme/sections.ts`): titles, and fields of the form. */
function checkSections(value: unknown, level: Level): string | undefined {
  const example = '[{ "title": "Address", "fields": ["street", "city"] }]';
  if (level.uiPath.length > 0) return 'only applies to the whole form (the root); move it there';
  if (!Array.isArray(value)) return `must be a list of sections, like ${example}`;
  const fields = level.field?.properties;
  const placed = new Set<string>();
  for (const [index, section] of value.entries()) {
    const at = `section ${index + 1}`;
    if (!isObject(section) || !Array.isArray(section.fields))
      return `${at} must be written like ${example}`;
    const title = checkText(section.title);
    if (title) return `${at}'s "title" ${title}`;
    for (const name of section.fields as unknown[]) {
      if (typeof name !== 'string' || (fields && !fields.includes(name)))
        return `${at} lists ${JSON.stringify(name)}, which is not a field of form.schema.json; remove it or fix the name`;
      if (placed.has(name)) return `${at} lists "${name}" again; a field belongs to one section`;
      placed.add(name);
    }
  }
  return undefined;
}

function checkText(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be text (a string in quotes)';
  if (value.length > UI_TEXT_LIMIT)
    return `is ${value.length} characters, over the limit of ${UI_TEXT_LIMIT}; shorten it`;
  return undefined;
}

function checkBoolean(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : 'must be true or false';
}

function checkArrayFlag(value: unknown, level: Level): string | undefined {
  if (level.field && !level.field.isArray) return 'only applies to a list (array) field; remove it';
  return checkBoolean(value);
}

function checkEnumNames(value: unknown): string | undefined {
  const labels = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : undefined;
  if (!labels)
    return 'must be a list of labels in the order of the enum, or an object of value to label';
  for (const label of labels) {
    const problem = checkText(label);
    if (problem) return `has a label that ${problem}`;
  }
  return undefined;
}

/** The `ui:` options a form is shown with (`ui:options` holds the same names); the rest are ignored. */
export const USED_UI_OPTIONS: readonly string[] = Object.keys(OPTIONS);
