import type { ErrorSchema } from '@rjsf/utils';

/** Where a problem is in the inputs: property names and array indexes from the root. */
export type FieldPath = readonly string[];

/** One problem placed on a field of the form. */
export interface PlacedError {
  path: FieldPath;
  message: string;
}

// Segments that would reach object prototypes instead of creating nested error entries.
const UNSAFE_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor', '__errors']);

/** Splits a JSON Pointer (`/rows/0/amount`) into its unescaped segments; `""` is the whole form. */
export function pointerToPath(pointer: string): FieldPath {
  if (!pointer) return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The DOM id RJSF gives the widget of a field (default prefix `root`, separator `_`). */
export function widgetId(path: FieldPath): string {
  return ['root', ...path].join('_');
}

/** True when RJSF can show an error at `path` (the whole form has no field of its own). */
export function isPlaceable(path: FieldPath): boolean {
  return path.length > 0 && path.every((segment) => !UNSAFE_SEGMENTS.has(segment));
}

/** Builds the RJSF `ErrorSchema` for a list of placed errors, dropping repeated messages. */
export function toErrorSchema(errors: readonly PlacedError[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const { path, message } of errors) {
    if (!isPlaceable(path)) continue;
    let node = root;
    for (const segment of path) {
      if (!Object.hasOwn(node, segment)) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    const list = (node.__errors ??= []) as string[];
    if (!list.includes(message)) list.push(message);
  }
  return root as ErrorSchema;
}

/** Flattens an RJSF `ErrorSchema` into placed errors (in the schema's key order). */
export function fromErrorSchema(schema: ErrorSchema, path: FieldPath = []): PlacedError[] {
  const found: PlacedError[] = [];
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === '__errors') {
      if (Array.isArray(value))
        for (const message of value) found.push({ path, message: String(message) });
    } else if (typeof value === 'object' && value !== null) {
      found.push(...fromErrorSchema(value as ErrorSchema, [...path, key]));
    }
  }
  return found;
}

/** The value at `path` in the form data, as text for comparing (undefined when absent). */
export function valueFingerprint(data: unknown, path: FieldPath): string | undefined {
  let node: unknown = data;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment))
      return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node === undefined ? undefined : JSON.stringify(node);
}
