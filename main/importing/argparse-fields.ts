import type { ArgTemplateEntry } from '../catalogue/manifest.js';
import type { ReadArgument } from './argparse-reader.js';
import {
  fieldName,
  titleFromName,
  type ImportedField,
  type JsonObject,
} from './generated-script.js';

/** What one argparse argument becomes: a field and its template entry, or only a dry-run switch. */
export type MappedArgument =
  | { kind: 'field'; field: ImportedField; entry: ArgTemplateEntry; positional: boolean }
  | { kind: 'dry-run'; entry: ArgTemplateEntry }
  | { kind: 'skipped' };

/** The options an argv template entry may name (`ARG_FLAG` in catalogue/manifest.ts). */
const TEMPLATE_FLAG = /^--?[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const DRY_RUN_FLAGS = new Set(['--dry-run', '--dry_run', '--dryrun']);
const BOOLEAN_ACTIONS = new Set([
  'store_true',
  'store_false',
  'store_const',
  'append_const',
  'count',
  'boolean_optional',
]);

/** The option people type: the first long one, else the first. */
function mainFlag(argument: ReadArgument): string {
  return argument.flags.find((flag) => flag.startsWith('--')) ?? argument.flags[0]!;
}

function label(argument: ReadArgument): string {
  return argument.positional ? `the positional ${argument.flags[0]}` : argument.flags.join('/');
}

/** The schema of one value, from `type` and `choices`. */
function valueSchema(argument: ReadArgument, todos: string[]): JsonObject {
  const schema: JsonObject = {};
  if (argument.type === 'int') schema.type = 'integer';
  else if (argument.type === 'float') schema.type = 'number';
  else schema.type = 'string';
  if (argument.type === 'path') schema['x-file'] = { kind: 'file' };
  if (argument.type === 'filetype') {
    if ((argument.mode ?? 'r').startsWith('r')) schema['x-file'] = { kind: 'file' };
    else
      todos.push(
        `${label(argument)} is a file the script writes (FileType mode "${argument.mode}"): the form takes its path as text; better, let the script write into $SCRIPTDESK_OUTPUT_DIR and drop the option`,
      );
  }
  if (argument.choices) {
    const primitive = argument.choices.filter(
      (choice) => ['string', 'number', 'boolean'].includes(typeof choice) || choice === null,
    );
    const fitting = primitive.filter((choice) =>
      schema.type === 'string'
        ? typeof choice === 'string'
        : typeof choice === 'number' && (schema.type === 'number' || Number.isInteger(choice)),
    );
    if (fitting.length !== argument.choices.length || fitting.length === 0)
      todos.push(
        `${label(argument)}: some choices are not ${schema.type === 'string' ? 'text' : 'numbers'} like its type, so the form offers only ${fitting.length} of ${argument.choices.length}; check them`,
      );
    if (fitting.length) schema.enum = fitting;
  }
  return schema;
}

/** The help text with argparse's %(default)s-style placeholders filled in as far as known. */
function description(argument: ReadArgument): string | undefined {
  if (argument.help === null) return undefined;
  const values: Record<string, unknown> = {
    default: argument.default ?? 'None',
    dest: argument.dest,
    metavar: argument.metavar ?? argument.dest,
    choices: argument.choices ? argument.choices.join(', ') : '',
    type: argument.type ?? 'str',
    const: argument.const ?? 'None',
    nargs: argument.nargs ?? 'None',
    required: argument.required ?? false,
    prog: 'the script',
  };
  return argument.help
    .replace(/%\((\w+)\)[sdrf]/g, (whole, key: string) =>
      key in values ? String(values[key]) : whole,
    )
    .replace(/%%/g, '%');
}

function fits(value: unknown, schema: JsonObject): boolean {
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) return false;
  if (schema.type === 'integer') return Number.isInteger(value);
  if (schema.type === 'number') return typeof value === 'number';
  if (schema.type === 'boolean') return typeof value === 'boolean';
  return typeof value === 'string';
}

/**
 * Maps one argparse argument to a form field and its argv template entry, as close to what a
 * person would type as the template can say; what it cannot say is a TODO.
 */
export function mapArgument(
  argument: ReadArgument,
  taken: Set<string>,
  todos: string[],
): MappedArgument {
  const action = argument.action ?? 'store';
  const flag = mainFlag(argument);
  if (action === 'help' || action === 'version') return { kind: 'skipped' };
  if (!argument.positional && !TEMPLATE_FLAG.test(flag)) {
    todos.push(
      `${label(argument)}: the option ${flag} is not one an argv template can pass (letters, digits, "-" and "_" after - or --); it was left out`,
    );
    return { kind: 'skipped' };
  }
  if (
    !argument.positional &&
    action === 'store_true' &&
    argument.flags.some((f) => DRY_RUN_FLAGS.has(f))
  )
    return {
      kind: 'dry-run',
      entry: { flag: argument.flags.find((f) => DRY_RUN_FLAGS.has(f))!, dryRun: true },
    };
  if (argument.hidden)
    todos.push(
      `${label(argument)} is hidden from --help (help=SUPPRESS) but offered in the form; remove the field and its args entry if analysts should not set it`,
    );
  const help = description(argument);
  const ui: JsonObject = {};
  if (typeof argument.metavar === 'string') ui['ui:placeholder'] = argument.metavar;

  if (BOOLEAN_ACTIONS.has(action)) {
    if (argument.positional) {
      todos.push(
        `${label(argument)} uses action="${action}", which a positional cannot; it was left out`,
      );
      return { kind: 'skipped' };
    }
    let passed = flag;
    if (action === 'boolean_optional' && argument.default === true)
      passed = flag.replace(/^--/, '--no-');
    if (action === 'count')
      todos.push(
        `${flag} counts how often it is given (action="count"); the form passes it at most once`,
      );
    if (action === 'append_const')
      todos.push(
        `${flag} appends a constant each time it is given (action="append_const"); the form passes it at most once`,
      );
    if (action === 'boolean_optional' && argument.default === undefined)
      todos.push(`${flag} is --X/--no-X without a default; the form can only pass ${passed}`);
    // Named after the option the box passes: several store_const options may share one dest.
    const name = fieldName(passed, taken);
    const field: ImportedField = {
      name,
      schema: {
        type: 'boolean',
        title: titleFromName(passed),
        ...(help ? { description: help } : {}),
        default: false,
      },
      required: false,
    };
    return { kind: 'field', field, entry: { flag: passed, input: name }, positional: false };
  }

  const known = ['store', 'append', 'extend'];
  if (!known.includes(action))
    todos.push(
      `${label(argument)} uses action="${action}", which ScriptDesk cannot read; the form takes its value as text`,
    );
  const nargs = argument.nargs;
  const value = valueSchema(argument, todos);
  let schema: JsonObject = value;
  let many: { min: number; max?: number } | null = null;
  const isAppend = action === 'append' || action === 'extend';
  if (argument.positional) {
    if (nargs === '*') many = { min: 0 };
    else if (nargs === '+') many = { min: 1 };
    else if (typeof nargs === 'number' && nargs > 1) many = { min: nargs, max: nargs };
    else if (nargs === '...')
      todos.push(
        `${label(argument)} takes the rest of the command line (argparse.REMAINDER); the form takes one value`,
      );
  } else if (isAppend) {
    if (action === 'extend' && (nargs === '+' || nargs === '*')) many = { min: 0 };
    else if (action === 'append' && (nargs === null || nargs === undefined)) many = { min: 0 };
    else {
      todos.push(
        `${flag} combines action="${action}" with nargs=${JSON.stringify(nargs)}; the form passes each entry as its own ${flag}=value, check the script reads that the same way`,
      );
      many = { min: 0 };
    }
  } else if (nargs === '+' || nargs === '*') {
    todos.push(
      `${flag} takes several values after one option (nargs="${String(nargs)}"), which the argv template cannot write; the form allows one value, or change the script to action="append"`,
    );
    many = { min: nargs === '+' ? 1 : 0, max: 1 };
  } else if (nargs === '?' && argument.const !== undefined) {
    todos.push(
      `${flag} given alone means ${JSON.stringify(argument.const)} (nargs="?" with const); the form passes a value or nothing`,
    );
  } else if (typeof nargs === 'number' && nargs > 1) {
    todos.push(
      `${flag} takes exactly ${nargs} values after one option, which the argv template cannot write; it was left out of the form (change the script to take them as separate options)`,
    );
    return { kind: 'skipped' };
  }
  if (many) {
    schema = {
      type: 'array',
      items: value,
      ...(many.min ? { minItems: many.min } : {}),
      ...(many.max ? { maxItems: many.max } : {}),
    };
    if (value['x-file']) ui.items = { 'ui:widget': 'path' };
  } else if (value['x-file']) ui['ui:widget'] = 'path';
  const name = fieldName(String(argument.dest), taken);
  schema.title = titleFromName(String(argument.dest));
  if (help) schema.description = help;
  if (argument.default !== undefined && argument.default !== null) {
    const fitting = many
      ? Array.isArray(argument.default) && argument.default.every((item) => fits(item, value))
      : fits(argument.default, value);
    if (value['x-file'] || !fitting) {
      const shown = JSON.stringify(argument.default);
      schema.description = `${help ? `${help} ` : ''}(Left empty: ${shown}.)`.trim();
    } else schema.default = argument.default;
  }
  const required = argument.positional
    ? !(nargs === '?' || nargs === '*')
    : argument.required === true;
  const field: ImportedField = {
    name,
    schema: reorder(schema),
    required,
    ...(Object.keys(ui).length ? { ui } : {}),
  };
  const entry: ArgTemplateEntry = argument.positional
    ? { positional: name }
    : { flag, input: name };
  return { kind: 'field', field, entry, positional: argument.positional };
}

/** title and description first, as people read a schema. */
function reorder(schema: JsonObject): JsonObject {
  const { title, description: text, ...rest } = schema;
  return {
    ...(rest.type !== undefined ? { type: rest.type } : {}),
    title,
    ...(text ? { description: text } : {}),
    ...rest,
  };
}
