import type { RunStatus } from '../../../main/contract/api.js';

/** True while a run can still change (and be cancelled). */
export function isActive(status: RunStatus): boolean {
  return status === 'queued' || status === 'running';
}
