import type { Ajv } from 'ajv';
import { INPUT_LIMITS } from '../main/shared/input-limits.js';
import { toFieldErrors } from './error-messages.js';
import { formFields } from './form-fields.js';
import { isObject, walkSchema, WALK_LIMITS, type SchemaVisit } from './schema-walk.js';
import {
  ERROR_TEXT_KEYWORDS,
  MAX_ERROR_TEXT_LENGTH,
  X_ERROR,
  X_FILE,
  X_SENSITIVE,
} from './vocabulary.js';

/** Limits that keep a form schema something a person can fill and a machine can check quickly. */
export const SCHEMA_LIMITS = { maxProperties: 1000, maxDepth: 8, maxArrayItems: 1000 } as const;

/**
 * Checks a form schema before it is published and returns problems as "where: what, fix" lines
 * (empty when fine): it compiles in strict mode, describes an object that refuses undeclared
 * keys, every `$ref` names a subschema of this document (and no nested `$id` moves where one
 * points), `x-file`/`x-sensitive` sit where they mean something, it stays within
 * {@link SCHEMA_LIMITS}, the text length devices accept (`INPUT_LIMITS`) and the walker's bounds, its `x-error` texts have the shape the messages need, and its defaults are valid. Every subschema is
 * reached through the one walker in `schema-walk.ts`, as the rules that read the form reach it.
 */
export function lintFormSchema(ajv: Ajv, schema: unknown): string[] {
  if (!isObject(schema)) return ['the schema must be a JSON object'];
  const problems: string[] = [];
  if (schema.type !== 'object')
    problems.push('`type` must be "object": a form is an object of fields');
  if (schema.additionalProperties !== false) {
    problems.push('`additionalProperties` must be false so undeclared inputs are refused');
  }
  let properties = 0;
  const document = walkSchema(schema, 'document', (visit) => {
    const where = visit.pointer === '#' ? '#' : visit.pointer.slice(1);
    problems.push(...lintSubschema(visit, where));
    if (isObject(visit.schema.properties))
      properties += Object.keys(visit.schema.properties).length;
  });
  for (const { pointer, ref } of document.unresolved) {
    const where = pointer === '#' ? '#' : pointer.slice(1);
    problems.push(
      ref.startsWith('#')
        ? `${where}/$ref: "${ref}" names nothing in this schema; point it at a subschema, like "#/$defs/name"`
        : `${where}/$ref: "${ref}" points outside the schema; only local "#/..." references are allowed`,
    );
  }
  if (properties > SCHEMA_LIMITS.maxProperties) {
    problems.push(
      `has ${properties} properties, over the limit of ${SCHEMA_LIMITS.maxProperties}; split the script`,
    );
  }
  // Every rule that reads the form (redaction, file checks, widgets) must see all of it.
  if (document.truncated || formFields(schema).gaps.truncated) {
    problems.push(
      `is too large to check: over ${WALK_LIMITS.maxVisits} subschemas once "$ref"s are followed, or nested over ${WALK_LIMITS.maxDepth} levels; simplify the form`,
    );
  }
  if (problems.length) return problems;

  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    return [`does not compile: ${(error as Error).message}`];
  }
  const defaults = collectDefaults(schema);
  if (!validate(defaults)) {
    // A required field without a default is fine: the user fills it in.
    const wrong = (validate.errors ?? []).filter((error) => !NOT_FOR_DEFAULTS.has(error.keyword));
    for (const error of toFieldErrors(wrong, schema)) {
      const reason = error.message.replace(/\.$/, '');
      problems.push(`default of ${error.path || '(form)'}: ${reason}; fix the "default"`);
    }
  }
  return problems;
}

/** The problems of one subschema where it is written: nesting, references, arrays, keywords. */
function lintSubschema(visit: SchemaVisit, where: string): string[] {
  const { schema: node, depth, keywords } = visit;
  const problems: string[] = [];
  if (depth === SCHEMA_LIMITS.maxDepth + 1)
    problems.push(
      `${where}: nested deeper than ${SCHEMA_LIMITS.maxDepth} levels; flatten the form`,
    );
  if ('$id' in node && depth > 0) {
    // A nested $id moves where "#/..." points for Ajv but not for the rules reading the form.
    problems.push(`${where}/$id: only the whole form may have an "$id"; remove it`);
  }
  if (typeof node.maxItems === 'number' && node.maxItems > SCHEMA_LIMITS.maxArrayItems) {
    problems.push(
      `${where}/maxItems: ${node.maxItems} is over the limit of ${SCHEMA_LIMITS.maxArrayItems}`,
    );
  }
  // Devices refuse longer text before validating (INPUT_LIMITS): such a field could never be filled.
  if (typeof node.maxLength === 'number' && node.maxLength > INPUT_LIMITS.maxStringLength) {
    problems.push(
      `${where}/maxLength: ${node.maxLength} is over the limit of ${INPUT_LIMITS.maxStringLength} characters a device accepts in one value; lower it, or take the data as a file input`,
    );
  }
  if (node.type === 'array' && typeof node.maxItems !== 'number') {
    problems.push(`${where}: an array needs "maxItems" (at most ${SCHEMA_LIMITS.maxArrayItems})`);
  }
  const marks = [X_SENSITIVE, X_FILE].filter((keyword) => keyword in node);
  if (marks.length && keywords.includes('propertyNames')) {
    problems.push(
      `${where}: "${marks[0]}" under "propertyNames" describes key names, which are never masked, redacted or checked; put it on the value's schema`,
    );
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (X_FILE in node && node.type !== undefined && !types.includes('string')) {
    problems.push(
      `${where}: "${X_FILE}" marks a path, so the field must be "type": "string"; fix the type`,
    );
  }
  if (X_ERROR in node) problems.push(...errorTextProblems(node[X_ERROR], `${where}/${X_ERROR}`));
  if ('errorMessage' in node)
    problems.push(
      `${where}/errorMessage: ajv-errors' "errorMessage" is not supported; write the advice as "${X_ERROR}" (a sentence, or an object keyed by keyword)`,
    );
  return problems;
}

// Requirements say nothing about defaults; `if` goes too: its `then` problems that are not
// requirements are reported on their own.
const NOT_FOR_DEFAULTS = new Set(['required', 'dependencies', 'dependentRequired', 'if']);

/** An `x-error` is a sentence, or an object mapping worded keywords to sentences. */
function errorTextProblems(value: unknown, where: string): string[] {
  const shape = `must be a sentence of 1 to ${MAX_ERROR_TEXT_LENGTH} characters, or an object that maps keywords (such as "pattern") to such sentences`;
  const isText = (text: unknown) =>
    typeof text === 'string' && text.trim() !== '' && text.length <= MAX_ERROR_TEXT_LENGTH;
  if (typeof value === 'string') return isText(value) ? [] : [`${where}: ${shape}`];
  if (!isObject(value) || Object.keys(value).length === 0) return [`${where}: ${shape}`];
  const known: readonly string[] = ERROR_TEXT_KEYWORDS;
  const problems: string[] = [];
  for (const [keyword, text] of Object.entries(value)) {
    if (!known.includes(keyword))
      problems.push(
        `${where}/${keyword}: "${keyword}" is not a keyword whose problems are worded; use one of ${known.join(', ')}`,
      );
    else if (!isText(text)) problems.push(`${where}/${keyword}: ${shape}`);
  }
  return problems;
}

/** The object a form starts with: every top-level property's default. */
function collectDefaults(schema: Record<string, unknown>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  if (isObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) {
      if (isObject(property) && 'default' in property) defaults[name] = property.default;
    }
  }
  return defaults;
}
