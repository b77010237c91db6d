import type { ErrorObject } from 'ajv';
import { isSchema, type Schema } from './error-schema-path.js';

/** What a problem's words may draw on besides the Ajv error itself. */
export interface WordingContext {
  /** The schema that holds the failed keyword, when it was found. */
  holder: Schema | undefined;
  /** The label the uiSchema gives a value of an `enum` (`ui:enumNames`), if any. */
  enumName: (value: unknown, index: number) => string | undefined;
  /** The label of another field of the same object (for "required when X is filled in"). */
  siblingLabel: (name: string) => string;
}

// Longer lists of choices are cut: a message is a line, not the whole list.
const MAX_CHOICES = 8;

/** A number as people write it: "100,000,000", "0.01", "2026" (no grouping below 10,000). */
export function formatNumber(value: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value);
  return value.toLocaleString('en-US', {
    maximumFractionDigits: 20,
    useGrouping: Math.abs(value) >= 10_000,
  });
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? `1 ${one}` : `${formatNumber(count)} ${many}`;
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a group of fields',
  null: 'left empty',
};

const FORMAT_WORDS: Record<string, string> = {
  date: 'a date like 2026-12-31',
  time: 'a time with its time zone, like 17:30:00+01:00',
  'date-time': 'a date and time with its time zone, like 2026-12-31T17:30:00Z',
  'iso-time': 'a time like 17:30:00',
  'iso-date-time': 'a date and time like 2026-12-31T17:30:00',
  duration: 'a duration like P3D (3 days) or PT1H30M (1 hour 30 minutes)',
  email: 'an email address like name@example.com',
  hostname: 'a host name like server.example.com',
  ipv4: 'an IPv4 address like 192.168.1.10',
  ipv6: 'an IPv6 address like 2001:db8::1',
  uri: 'a full address like https://example.com/page',
  url: 'a full address like https://example.com/page',
  'uri-reference': 'an address or a path like /page',
  'uri-template': 'an address template like https://example.com/{id}',
  uuid: 'an identifier like 123e4567-e89b-12d3-a456-426614174000',
  regex: 'a valid regular expression',
  'json-pointer': 'a JSON Pointer like /items/0',
  'relative-json-pointer': 'a relative JSON Pointer like 1/name',
  byte: 'base64 text like aGVsbG8=',
  int32: 'a whole number between -2,147,483,648 and 2,147,483,647',
  int64: 'a whole number of at most 19 digits',
  float: 'a number',
  double: 'a number',
};

/** A value of the schema (never of the user's input) for a list of choices. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (value === null) return 'empty';
  return JSON.stringify(value);
}

/** "one of: A, B, C" — quoted when a label holds a comma, cut after {@link MAX_CHOICES}. */
export function choiceList(labels: readonly string[]): string {
  const quote = labels.some((label) => label.includes(',') || label.trim() === '');
  const shown = labels.slice(0, MAX_CHOICES).map((label) => (quote ? `"${label}"` : label));
  const more = labels.length > MAX_CHOICES ? `, … (${labels.length} choices in all)` : '';
  return `one of: ${shown.join(', ')}${more}`;
}

/** The labels of an `enum`: `ui:enumNames` where given, else the values themselves. */
function enumLabels(values: readonly unknown[], context: WordingContext): string[] {
  const declared = isSchema(context.holder) ? context.holder.enum : undefined;
  return values.map((value, index) => {
    const at = Array.isArray(declared) ? declared.indexOf(value) : index;
    const name = context.enumName(value, at);
    return name?.trim() ? name : formatValue(value);
  });
}

/** "must be one of: …" for a `oneOf`/`anyOf` whose branches are all `const`/`enum` choices. */
function combinatorWords(error: ErrorObject, context: WordingContext): string {
  if (Array.isArray((error.params as { passingSchemas?: unknown }).passingSchemas))
    return 'fits more than one of the choices; it must fit exactly one';
  const branches = isSchema(context.holder) ? context.holder[error.keyword] : undefined;
  const labels = Array.isArray(branches) ? branchChoiceLabels(branches) : undefined;
  return labels ? `must be ${choiceList(labels)}` : 'does not fit any of the choices';
}

/** The labels of a list of choices written as `oneOf`/`anyOf` of `const`/`enum` schemas. */
export function branchChoiceLabels(branches: readonly unknown[]): string[] | undefined {
  const labels: string[] = [];
  for (const branch of branches) {
    if (!isSchema(branch)) return undefined;
    const title = typeof branch.title === 'string' && branch.title.trim() ? branch.title : '';
    if ('const' in branch) labels.push(title || formatValue(branch.const));
    else if (Array.isArray(branch.enum))
      labels.push(...(title ? [title] : branch.enum.map(formatValue)));
    else return undefined;
  }
  return labels;
}

function multipleOfWords(step: number): string {
  if (step === 1) return 'must be a whole number';
  const places = Math.round(-Math.log10(step));
  if (places > 0 && places <= 15 && Math.abs(10 ** -places - step) < 10 ** -(places + 6))
    return `must have at most ${plural(places, 'decimal place', 'decimal places')}`;
  return `must be a multiple of ${formatNumber(step)}`;
}

function typeWords(type: unknown): string {
  const names = String(type).split(',');
  return `must be ${names.map((name) => TYPE_NOUNS[name] ?? name).join(' or ')}`;
}

/**
 * The plain-word predicate of one Ajv problem, said of the field ("must be at most 50"); the
 * caller puts the field's label in front. Every keyword Ajv reports has a sentence; an unknown one
 * says "is not valid" rather than Ajv's own wording.
 */
export function predicateOf(error: ErrorObject, context: WordingContext): string {
  const params = error.params as Record<string, unknown>;
  const limit = Number(params.limit);
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'dependencies':
    case 'dependentRequired':
      return `is required when ${context.siblingLabel(String(params.property))} is filled in`;
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'is not a field of this form';
    case 'type':
      return typeWords(params.type);
    case 'enum':
      return `must be ${choiceList(enumLabels(asArray(params.allowedValues), context))}`;
    case 'const':
      return `must be ${formatValue(params.allowedValue)}`;
    case 'minLength':
      return limit <= 1
        ? 'must not be empty'
        : `must be at least ${plural(limit, 'character', 'characters')}`;
    case 'maxLength':
      return `must be at most ${plural(limit, 'character', 'characters')}`;
    case 'pattern':
      return 'is not in the expected format';
    case 'format': {
      const format = String(params.format);
      return FORMAT_WORDS[format] ? `must be ${FORMAT_WORDS[format]}` : `is not a valid ${format}`;
    }
    case 'minimum':
      return `must be at least ${formatNumber(params.limit)}`;
    case 'maximum':
      return `must be at most ${formatNumber(params.limit)}`;
    case 'exclusiveMinimum':
      return `must be more than ${formatNumber(params.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${formatNumber(params.limit)}`;
    case 'multipleOf':
      return multipleOfWords(Number(params.multipleOf));
    case 'minItems':
      return limit === 1
        ? 'must have at least one entry'
        : `must have at least ${plural(limit, 'entry', 'entries')}`;
    case 'maxItems':
    case 'additionalItems':
    case 'items':
      return `must have at most ${plural(limit, 'entry', 'entries')}`;
    case 'uniqueItems': {
      const [first, second] = [Number(params.j), Number(params.i)].sort((a, b) => a - b);
      return `must not list the same entry twice (entries ${(first ?? 0) + 1} and ${(second ?? 0) + 1} are the same)`;
    }
    case 'contains':
    case 'minContains':
    case 'maxContains':
      return 'does not have the entries it needs';
    case 'minProperties':
      return `must have at least ${plural(limit, 'field', 'fields')} filled in`;
    case 'maxProperties':
      return `must have at most ${plural(limit, 'field', 'fields')} filled in`;
    case 'propertyNames':
      return `has a field named "${String(params.propertyName)}", which is not allowed`;
    case 'oneOf':
    case 'anyOf':
      return combinatorWords(error, context);
    case 'not':
      return 'is not an accepted value';
    case 'if':
      return 'does not fit the other values of this form';
    case 'false schema':
      return 'is not allowed here';
    default:
      return 'is not valid';
  }
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
