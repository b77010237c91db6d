import type { RunSummary } from '../../../main/contract/api.js';

/** The listed runs with newer summaries (from `run.status` events) applied, most recent first. */
export function mergeRuns(
  listed: readonly RunSummary[],
  updates: ReadonlyMap<string, RunSummary>,
): RunSummary[] {
  const byId = new Map(listed.map((run) => [run.runId, run]));
  for (const [runId, run] of updates) byId.set(runId, run);
  return [...byId.values()].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}
