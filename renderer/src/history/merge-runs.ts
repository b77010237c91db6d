import type { RunListItem, RunSummary } from '../../../main/contract/api.js';

/**
 * The listed runs with newer summaries (from `run.status` events) applied, in the listed order.
 * Only runs on the page change: a run the page did not list may not match its filters.
 */
export function mergeRuns(
  listed: readonly RunListItem[],
  updates: ReadonlyMap<string, RunSummary>,
): RunListItem[] {
  return listed.map((run) => {
    const update = updates.get(run.runId);
    return update ? { ...run, ...update } : run;
  });
}
