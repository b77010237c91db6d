import { REDACTED } from '../../../forms/redaction.js';

type Inputs = Record<string, unknown>;

/** What a finished run hands to its script's form: "Run again with these inputs", "Run for real". */
export interface RunAgain {
  /** The run's inputs as recorded (sensitive values redacted). */
  inputs: Inputs;
  reason: string | null;
  /** Whether the new run starts as a dry run ("Run for real" after a dry run: false). */
  dryRun: boolean;
  /** Whether the earlier run was a dry run. */
  fromDryRun: boolean;
  /** When the earlier run started, to say where the values came from. */
  startedAt: string;
}

/** The form's opening values from an earlier run, and what could not be carried over. */
export interface Prefill {
  data: Inputs;
  /** Top-level fields the earlier run had that the form no longer has. */
  dropped: string[];
  /** Fields whose values were sensitive (never recorded): the user enters them again. */
  reenter: string[];
}

function withoutRedacted(value: unknown, path: string, reenter: string[]): unknown {
  if (value === REDACTED) {
    reenter.push(path);
    return undefined;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => withoutRedacted(item, `${path}/${index}`, reenter));
    // An item cannot be left out without moving the ones after it: the list is asked for again.
    return items.some((item) => item === undefined) ? undefined : items;
  }
  if (value !== null && typeof value === 'object') {
    const kept: Inputs = {};
    for (const [key, child] of Object.entries(value)) {
      const next = withoutRedacted(child, `${path}/${key}`, reenter);
      if (next !== undefined) kept[key] = next;
    }
    return kept;
  }
  return value;
}

/**
 * The form's opening values from `inputs` as a run recorded them: sensitive values (recorded
 * only as "[redacted]") left out to be entered again, and top-level fields the form's schema no
 * longer declares left out and named. The rest is carried over as it was; the form judges it
 * against its current schema like anything typed.
 */
export function prefillFrom(schema: Record<string, unknown>, inputs: Inputs): Prefill {
  const declared = schema.properties;
  const known =
    declared !== null && typeof declared === 'object' ? Object.keys(declared) : undefined;
  const data: Inputs = {};
  const dropped: string[] = [];
  const reenter: string[] = [];
  for (const [key, value] of Object.entries(inputs)) {
    if (known && !known.includes(key)) {
      dropped.push(key);
      continue;
    }
    const kept = withoutRedacted(value, `/${key}`, reenter);
    if (kept !== undefined) data[key] = kept;
  }
  return { data, dropped, reenter };
}

/** Where a form's opening values come from: an earlier run, or a preset the user chose. */
export type FormOpening =
  | { kind: 'run'; again: RunAgain; prefill: Prefill }
  | { kind: 'preset'; name: string; admin: boolean; prefill: Prefill };

/**
 * A request to open a script's form filled from an earlier run, from the run page to the form
 * (which opens on another route). Taken once by the form that opens for that script.
 */
const requests = new Map<string, RunAgain>();

export function requestRunAgain(scriptId: string, request: RunAgain): void {
  requests.set(scriptId, request);
}

/** The request for `scriptId`, if any, without removing it (a render may run twice). */
export function pendingRunAgain(scriptId: string): RunAgain | undefined {
  return requests.get(scriptId);
}

/** Removes `request` once the form has used it (not a newer one made since). */
export function clearRunAgain(scriptId: string, request: RunAgain | undefined): void {
  if (request && requests.get(scriptId) === request) requests.delete(scriptId);
}
