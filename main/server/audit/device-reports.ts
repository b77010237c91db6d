import { settledCount, type DeviceReport } from './alert-queue.js';
import type { CheckedEvent } from './ingest-plan.js';
import type { EventResult } from '../../audit/protocol.js';

/**
 * What a batch tells the server about its devices: each source with a validly signed event was
 * seen now. The backlog a device reported (its journal's undelivered events, this batch
 * included) counts only for a batch of one source, less the events it may now forget.
 */
export function deviceReportsOf(
  batch: readonly CheckedEvent[],
  results: readonly EventResult[],
  receivedAt: string,
  backlog: number | undefined,
): DeviceReport[] {
  const signed = batch.flatMap((item, index) =>
    item.kind === 'signed' ? [{ source: item.event.source, result: results[index]! }] : [],
  );
  const sources = [...new Set(signed.map((item) => item.source))].sort();
  const left =
    sources.length === 1 && backlog !== undefined
      ? Math.max(0, backlog - settledCount(signed.map((item) => item.result)))
      : null;
  return sources.map((source) => ({ source, lastSeen: receivedAt, backlog: left }));
}
