import type { RunStatus } from '../../../main/contract/api.js';

/** True while a run can still change (and be cancelled): waiting for a free slot, or running. */
export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Where a queued run stands, in words: "starts next" or "3 runs ahead". */
export function queuePlace(queuePosition: number | null): string {
  if (queuePosition === null || queuePosition <= 0) return 'starts next';
  return `${queuePosition} ${queuePosition === 1 ? 'run' : 'runs'} ahead`;
}
