import type { ErrorObject } from 'ajv';
import type { FieldError } from '../main/contract/errors.js';
import { closestBranchErrors } from './error-branches.js';
import {
  escapeSegment,
  isSchema,
  pointerSegments,
  resolvePointer,
  subschemasAt,
  type Schema,
} from './error-schema-path.js';
import { predicateOf } from './error-wording.js';
import { X_ERROR } from './vocabulary.js';

/**
 * Ajv's problems in plain words, the same on both sides: main's authority (the API's
 * `invalid_inputs` fields, the CLI) and the renderer's live feedback call this module, so a field
 * says the same thing whoever noticed the problem. Pure: no React, no Node modules.
 *
 * A message is a sentence about the field, named by its title (uiSchema `ui:title`, else schema
 * `title`, else its property name in words): "Most frequent values to list must be at most 50."
 * The author's `x-error` text follows as a second sentence.
 */

/** A field error and the fields whose values made it one (a condition's `if`, a dependency). */
export interface DescribedError extends FieldError {
  /** JSON Pointers of the fields that made this field required; empty for plain problems. */
  triggers: string[];
}

/** What besides the schema may name things: the form's uiSchema (`ui:title`, `ui:enumNames`). */
export interface WordingOptions {
  uiSchema?: Record<string, unknown>;
}

const REQUIRED_FAMILY = new Set(['required', 'dependencies', 'dependentRequired']);
const CONDITIONS = new Set(['then', 'else', 'dependencies', 'dependentSchemas']);

/** Turns Ajv's errors into field errors in plain words (deduplicated, in Ajv's order). */
export function toFieldErrors(
  errors: readonly ErrorObject[] | null | undefined,
  schema: Record<string, unknown>,
  options: WordingOptions = {},
): FieldError[] {
  return describeErrors(errors, schema, options).map(({ path, message }) => ({ path, message }));
}

/** {@link toFieldErrors} with, for each, the fields whose values made it a problem. */
export function describeErrors(
  errors: readonly ErrorObject[] | null | undefined,
  schema: Record<string, unknown>,
  options: WordingOptions = {},
): DescribedError[] {
  if (!errors?.length) return [];
  const described: DescribedError[] = [];
  const seen = new Set<string>();
  for (const error of closestBranchErrors(errors, schema)) {
    const one = describe(error, schema, options.uiSchema);
    const key = `${one.path}\u0000${one.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    described.push(one);
  }
  return described;
}

function describe(
  error: ErrorObject,
  root: Schema,
  uiSchema: Record<string, unknown> | undefined,
): DescribedError {
  const params = error.params as Record<string, unknown>;
  const objectPath = pointerSegments(error.instancePath);
  const named =
    params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty ?? undefined;
  const path = named === undefined ? objectPath : [...objectPath, String(named)];
  const fieldSchemas = subschemasAt(root, path);
  // The schema holding the failed keyword; a `false` schema is itself the whole problem.
  const holder =
    error.keyword === 'false schema'
      ? undefined
      : resolvePointer(root, error.schemaPath.replace(/\/[^/]*$/, ''));
  const ui = uiAt(uiSchema, path);
  // An undeclared field has no title: it is named as it was sent.
  const label =
    named !== undefined && params.missingProperty === undefined
      ? `"${String(named)}"`
      : labelOf(root, path, uiSchema);
  const predicate = predicateOf(error, {
    holder: isSchema(holder) ? holder : undefined,
    enumName: (value, index) => enumNameOf(ui, value, index),
    siblingLabel: (name) => labelOf(root, [...objectPath, name], uiSchema),
  });
  // A requirement's advice is the missing field's own; other advice sits with the keyword first.
  const advice = adviceFor(
    error.keyword,
    REQUIRED_FAMILY.has(error.keyword) ? fieldSchemas : [holder, ...fieldSchemas],
  );
  const message = [sentence(`${label} ${predicate}`), advice ? sentence(advice) : '']
    .filter(Boolean)
    .join(' ');
  return { path: toPointer(path), message, triggers: triggersOf(error, root, objectPath) };
}

/** A fragment as a sentence: capital first letter, full stop unless it already ends one. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

function toPointer(path: readonly string[]): string {
  return path.map((segment) => `/${escapeSegment(segment)}`).join('');
}

/** "reportTitle" → "Report title", "csv_file" → "Csv file", "topN" → "Top N". */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/[_\-\s]+/g, ' ')
    .trim()
    .split(' ')
    .map((word) => (/^[A-Z][a-z]/.test(word) ? word.toLowerCase() : word));
  const text = words.join(' ');
  return text ? text[0]!.toUpperCase() + text.slice(1) : name;
}

/** The field's name for people: `ui:title`, else `title`, else the property name in words. */
function labelOf(
  root: Schema,
  path: readonly string[],
  uiSchema: Record<string, unknown> | undefined,
): string {
  if (path.length === 0) return 'The form';
  const last = path.at(-1)!;
  const ui = uiAt(uiSchema, path);
  const uiTitle = ui?.['ui:title'] ?? (isSchema(ui?.['ui:options']) ? ui['ui:options'].title : '');
  const title = [uiTitle, ...subschemasAt(root, path).map((schema) => schema.title)].find(
    (candidate): candidate is string => typeof candidate === 'string' && candidate.trim() !== '',
  );
  const isIndex = /^\d+$/.test(last);
  const base = title?.trim().replace(/\s*\(optional\)$/i, '');
  if (isIndex)
    return `${base ?? `${labelOf(root, path.slice(0, -1), uiSchema)} entry`} ${Number(last) + 1}`;
  return base || humanise(last);
}

/** The uiSchema node of the field at `path` (array entries share their `items` node). */
function uiAt(
  uiSchema: Record<string, unknown> | undefined,
  path: readonly string[],
): Record<string, unknown> | undefined {
  let node: unknown = uiSchema;
  for (const segment of path) {
    if (!isSchema(node)) return undefined;
    node = /^\d+$/.test(segment) && isSchema(node.items) ? node.items : node[segment];
  }
  return isSchema(node) ? node : undefined;
}

function enumNameOf(
  ui: Record<string, unknown> | undefined,
  value: unknown,
  index: number,
): string | undefined {
  const options = isSchema(ui?.['ui:options']) ? ui['ui:options'] : {};
  const names = ui?.['ui:enumNames'] ?? options.enumNames;
  const name = Array.isArray(names)
    ? names[index]
    : isSchema(names)
      ? names[String(value)]
      : undefined;
  return typeof name === 'string' ? name : undefined;
}

/** The author's `x-error` for this keyword: the first of `schemas` that has one. */
function adviceFor(keyword: string, schemas: readonly unknown[]): string | undefined {
  const keys = REQUIRED_FAMILY.has(keyword) ? [keyword, 'required'] : [keyword];
  for (const schema of schemas) {
    if (!isSchema(schema)) continue;
    const advice = schema[X_ERROR];
    if (typeof advice === 'string' && advice.trim()) return advice;
    if (isSchema(advice))
      for (const key of keys) {
        const text = advice[key];
        if (typeof text === 'string' && text.trim()) return text;
      }
  }
  return undefined;
}

/**
 * The fields whose values made a field required: the `if` properties of a `then`/`else`, the key
 * of a dependency. Only for requirements of the object the condition sits on (the common case).
 */
function triggersOf(error: ErrorObject, root: Schema, objectPath: readonly string[]): string[] {
  if (!REQUIRED_FAMILY.has(error.keyword)) return [];
  const params = error.params as Record<string, unknown>;
  if (error.keyword !== 'required') return [toPointer([...objectPath, String(params.property)])];
  const segments = pointerSegments(error.schemaPath);
  let at = -1;
  for (let i = segments.length - 2; i >= 0 && at < 0; i -= 1)
    if (CONDITIONS.has(segments[i]!)) at = i;
  if (at < 0) return [];
  const tail = segments.slice(at + 1);
  if (tail.includes('properties') || tail.includes('items')) return [];
  const keyword = segments[at]!;
  if (keyword === 'dependencies' || keyword === 'dependentSchemas')
    return [toPointer([...objectPath, tail[0]!])];
  const condition = resolvePointer(root, `#${toPointer([...segments.slice(0, at), 'if'])}`);
  if (!isSchema(condition)) return [];
  const names = new Set<string>([
    ...(isSchema(condition.properties) ? Object.keys(condition.properties) : []),
    ...(Array.isArray(condition.required) ? condition.required.map(String) : []),
  ]);
  return [...names].map((name) => toPointer([...objectPath, name]));
}
