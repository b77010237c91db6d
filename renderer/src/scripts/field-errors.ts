import type { ErrorSchema } from '@rjsf/utils';

/** Where a problem is in the inputs: property names and array indexes from the root. */
export type FieldPath = readonly string[];

/** One problem placed on a field of the form. */
export interface PlacedError {
  path: FieldPath;
  message: string;
  /** The fields whose values made this field required (an `if`, a dependency), if any. */
  triggers?: readonly FieldPath[];
}

/** What the user has done so far, which decides the problems shown. */
export interface Interaction {
  /** Run was pressed: every problem is shown. */
  attempted: boolean;
  /** Widget ids of the fields the user has left (blur). */
  touched: ReadonlySet<string>;
  /** Widget ids of the fields the user has changed. */
  changed: ReadonlySet<string>;
}

function reaches(ids: ReadonlySet<string>, path: FieldPath): boolean {
  const id = widgetId(path);
  for (const other of ids) if (other === id || other.startsWith(`${id}_`)) return true;
  return false;
}

/**
 * The problems to show now: all of them once Run was pressed; before, a field's own problems once
 * the user has left it, and a requirement a condition adds as soon as the user has changed (or
 * left) a field the condition looks at — on the newly required field itself, beside the rest.
 */
export function shownErrors(all: readonly PlacedError[], done: Interaction): PlacedError[] {
  if (done.attempted) return [...all];
  return all.filter(
    ({ path, triggers = [] }) =>
      reaches(done.touched, path) ||
      triggers.some((trigger) => reaches(done.touched, trigger) || reaches(done.changed, trigger)),
  );
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
