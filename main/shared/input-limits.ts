/**
 * The most a run's inputs may hold. Every way inputs enter main (the CLI's `--inputs`, the web
 * host's request bodies, IPC) is held to these before anything recurses into the inputs (schema
 * validation, redaction, hashing, JSON.stringify all recurse) or reads them whole. A form that
 * passes the catalogue lint (`forms/schema-lint.ts`: at most 8 levels, 1000 items per list,
 * strings within `maxStringLength`) never comes near them.
 */
export const INPUT_LIMITS = {
  /** Bytes of the inputs as JSON: the file, or the value written compactly. */
  maxBytes: 2 * 1024 * 1024,
  /** Levels of nesting of objects and lists; the top-level object is level 1. */
  maxDepth: 32,
  /** Characters (UTF-16 code units) of one text value or key. */
  maxStringLength: 64 * 1024,
  /** Items of one list. */
  maxArrayLength: 10_000,
  /** Values of every kind together, the top-level object included. */
  maxValues: 100_000,
} as const;

/** What is wrong with inputs over a limit: a sentence naming the limit and the fix, and where. */
export interface InputsProblem {
  /** JSON Pointer of the value at fault ("" for the inputs as a whole). */
  path: string;
  /** Starts in lower case, so a caller can put the place before it ("inputs.json: the ..."). */
  message: string;
}

const FLATTEN = 'Flatten the data or pass a file path instead.';
const USE_A_FILE = 'Put large data in a file and pass its path instead.';

/** The size limit and its fix, for every message about inputs too large to read. */
export const INPUTS_SIZE_LIMIT = `at most ${INPUT_LIMITS.maxBytes} bytes (${INPUT_LIMITS.maxBytes / (1024 * 1024)} MiB) are accepted. ${USE_A_FILE}`;

/**
 * The sentence for inputs too large to read: `bytes` is their size when known (a regular file),
 * null when reading stopped at the limit (stdin, a pipe, a device).
 */
export function inputsSizeProblem(bytes: number | null): string {
  const size = bytes === null ? `more than ${INPUT_LIMITS.maxBytes}` : `${bytes}`;
  return `the inputs are ${size} bytes; ${INPUTS_SIZE_LIMIT}`;
}

/** One value waiting to be visited; the path is rebuilt from `parent` only when reported. */
interface Pending {
  value: unknown;
  depth: number;
  parent: Pending | null;
  key: string;
}

/**
 * Checks a parsed value against {@link INPUT_LIMITS} without recursion (an explicit stack), so a
 * value nested a million levels deep is measured, not a stack overflow. Returns the first problem
 * in document order, or null. Past the depth limit it walks on only to measure the real depth
 * (within the value and byte limits; "at least N" when another limit ends the walk first).
 * Accepts what JSON carries: objects, lists, text, finite numbers, true/false, null; `undefined`
 * counts as JSON writes it (left out of objects, null in lists).
 */
export function inputsProblem(root: unknown): InputsProblem | null {
  const stack: Pending[] = [{ value: root, depth: 1, parent: null, key: '' }];
  let visited = 0;
  let bytes = 0;
  let deepest = 0; // the deepest container past the limit; 0 while there is none
  // Once the depth limit is passed, that is the problem to report; any other ends the walk early.
  const report = (problem: InputsProblem) => (deepest ? depthProblem(deepest, true) : problem);
  for (let item = stack.pop(); item; item = stack.pop()) {
    visited += 1;
    const { value, depth } = item;
    const isContainer = typeof value === 'object' && value !== null;
    if (isContainer && depth > INPUT_LIMITS.maxDepth) deepest = Math.max(depth, deepest);
    const problem = valueProblem(item);
    if (problem) return report(problem);
    const count = !isContainer
      ? 0
      : Array.isArray(value)
        ? value.length
        : Object.keys(value).length;
    if (visited + stack.length + count > INPUT_LIMITS.maxValues)
      return report({ path: '', message: VALUES_PROBLEM });
    const children = count ? childrenOf(item) : [];
    bytes += encodedBytes(value) + Math.max(0, children.length - 1); // commas between children
    // A member of an object also writes its key and a colon.
    if (item.parent && !Array.isArray(item.parent.value)) bytes += encodedBytes(item.key) + 1;
    if (bytes > INPUT_LIMITS.maxBytes)
      return report({ path: '', message: inputsSizeProblem(null) });
    for (let index = children.length - 1; index >= 0; index -= 1) stack.push(children[index]!);
  }
  return deepest ? depthProblem(deepest, false) : null;
}

/** A problem with one value itself: its key, text or list too long, or not JSON. */
function valueProblem(item: Pending): InputsProblem | null {
  const { value, key, parent } = item;
  if (parent && !Array.isArray(parent.value) && key.length > INPUT_LIMITS.maxStringLength)
    return { path: pointer(item), message: `a key at ${where(item)} is ${key.length} ${CHARS}` };
  if (typeof value === 'string' && value.length > INPUT_LIMITS.maxStringLength)
    return {
      path: pointer(item),
      message: `the text at ${where(item)} is ${value.length} ${CHARS}`,
    };
  if (Array.isArray(value) && value.length > INPUT_LIMITS.maxArrayLength)
    return {
      path: pointer(item),
      message: `the list at ${where(item)} has ${value.length} ${ITEMS}`,
    };
  const kind = nonJsonKind(value);
  if (kind === null) return null;
  return {
    path: pointer(item),
    message: `the value at ${where(item)} is ${kind}, which JSON cannot carry; only text, numbers, true/false, null, lists and objects are accepted.`,
  };
}

const CHARS = `characters long; at most ${INPUT_LIMITS.maxStringLength} characters are accepted in one value. ${USE_A_FILE}`;
const ITEMS = `items; at most ${INPUT_LIMITS.maxArrayLength} items are accepted in one list. ${USE_A_FILE}`;
const VALUES_PROBLEM = `the inputs hold more than ${INPUT_LIMITS.maxValues} values; at most ${INPUT_LIMITS.maxValues} are accepted. ${USE_A_FILE}`;

function depthProblem(depth: number, partial: boolean): InputsProblem {
  const levels = `${partial ? 'at least ' : ''}${depth}`;
  return {
    path: '',
    message: `the inputs are nested ${levels} levels deep; at most ${INPUT_LIMITS.maxDepth} levels are accepted. ${FLATTEN}`,
  };
}

/** The children of a list or an object, to visit next; `undefined` as JSON writes it. */
function childrenOf(item: Pending): Pending[] {
  const depth = item.depth + 1;
  if (Array.isArray(item.value))
    return Array.from(item.value, (value: unknown, index) => ({
      value: value ?? null,
      depth,
      parent: item,
      key: `${index}`,
    }));
  const object = item.value as Record<string, unknown>;
  return Object.keys(object)
    .filter((key) => object[key] !== undefined)
    .map((key) => ({ value: object[key], depth, parent: item, key }));
}

/** What a value is when it is not JSON data (null when it is). */
function nonJsonKind(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : `${value}`;
    case 'object': {
      if (value === null || Array.isArray(value)) return null;
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype === Object.prototype || prototype === null) return null;
      return `a ${(value as object).constructor?.name || 'special object'}`;
    }
    default:
      return `a ${typeof value}`;
  }
}

/** The JSON Pointer of a value; keys over 40 characters are shortened (they go in messages). */
function pointer(item: Pending): string {
  const parts: string[] = [];
  for (let at: Pending | null = item; at?.parent; at = at.parent) {
    const key = at.key.length > 40 ? `${at.key.slice(0, 40)}…` : at.key;
    parts.push(key.replaceAll('~', '~0').replaceAll('/', '~1'));
  }
  return parts
    .reverse()
    .map((part) => `/${part}`)
    .join('');
}

function where(item: Pending): string {
  return item.parent ? pointer(item) : 'the top level';
}

/** Bytes of a text or scalar as compact JSON; a container counts its two brackets here. */
function encodedBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Length(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`.length;
  return 4 - (typeof value === 'object' && value !== null ? 2 : 0); // null, or {} / []
}

/** UTF-8 length of JSON text (JSON.stringify has already escaped lone surrogates). */
function utf8Length(text: string): number {
  let length = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      length += 4; // a surrogate pair: one four-byte character
      index += 1;
    } else length += 3;
  }
  return length;
}
