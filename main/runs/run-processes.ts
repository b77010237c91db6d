import { setTimeout as delay } from 'node:timers/promises';
import {
  killProcessesWithEnvironment,
  sweepProcessesWithEnvironment,
} from '../shared/marked-processes.js';
import {
  isStillRunning,
  signalProcessGroup,
  type ProcessIdentity,
} from '../shared/process-identity.js';

/** The variable the runner sets to the run's id for every run; each descendant inherits it. */
export const RUN_MARKER_VARIABLE = 'SCRIPTDESK_RUN_ID';

/** How long the reaper gets to reap a run's processes once they were killed, before it is killed too. */
export const REAPER_GRACE_MS = 1000;

/** How long a sweep by the marker keeps killing what it finds before it gives up. */
export const SWEEP_MS = 2000;

/**
 * The marker (`SCRIPTDESK_RUN_ID=<id>`) by which a run's processes are found on Linux, or null
 * where there is no /proc to find them in, or for a process that is not a run (no run id).
 */
export function runMarker(env: Readonly<Record<string, string>>): string | null {
  const runId = env[RUN_MARKER_VARIABLE];
  return process.platform === 'linux' && runId ? `${RUN_MARKER_VARIABLE}=${runId}` : null;
}

/**
 * Ends whatever a run interrupted by a crash of ScriptDesk left running, found at the next start:
 * first every process of the run but its reaper (the recorded interpreter), which then reaps them
 * and anything they started that cleared its environment, and exits; then the reaper's process
 * group if it did not; then, on Linux, any process still carrying the run's marker (say, one
 * re-parented to init because its reaper was killed). True when anything was still running.
 */
export async function endInterruptedRun(
  recorded: ProcessIdentity | null,
  runId: string,
): Promise<boolean> {
  const reaperRunning = recorded !== null && isStillRunning(recorded);
  const marker = runMarker({ [RUN_MARKER_VARIABLE]: runId });
  if (reaperRunning && marker) {
    await killProcessesWithEnvironment(marker, recorded.pid);
    const deadline = Date.now() + REAPER_GRACE_MS;
    while (isStillRunning(recorded) && Date.now() < deadline) await delay(10);
  }
  if (reaperRunning && isStillRunning(recorded)) signalProcessGroup(recorded.pid, 'SIGKILL');
  const swept = marker ? await sweepProcessesWithEnvironment(marker, SWEEP_MS) : false;
  return reaperRunning || swept;
}
