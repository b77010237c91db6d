import { readdirSync, readFileSync } from 'node:fs';

/**
 * Linux process checks for tests, read straight from /proc and independent of the code under
 * test (which has its own scan), so a bug there cannot hide a survivor here.
 */

/** A process as it was seen: its pid and its start time (clock ticks since boot). */
export interface SeenProcess {
  pid: number;
  started: string;
}

/** The start time of `pid`, whatever its state (a zombie still exists), or null when no such process exists. */
function startOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** The process `pid` as it is now; throws when it does not exist. */
export function seeProcess(pid: number): SeenProcess {
  const started = startOf(pid);
  if (started === null) throw new Error(`no process ${pid}`);
  return { pid, started };
}

/** True while `seen` exists in any state, a zombie included (a pid reused since does not count). */
export function stillExists(seen: SeenProcess): boolean {
  return startOf(seen.pid) === seen.started;
}

/** The parent pid of `pid`, or null when no such process exists. */
export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** The pids of processes whose environment holds SCRIPTDESK_RUN_ID=`runId`. */
export function processesOfRun(runId: string): number[] {
  const entry = `SCRIPTDESK_RUN_ID=${runId}`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** True while `seen` runs: exists and is not a zombie (dead, waiting for its parent to collect it). */
export function stillRunning(seen: SeenProcess): boolean {
  try {
    const stat = readFileSync(`/proc/${seen.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] === seen.started && fields[0] !== 'Z' && fields[0] !== 'X';
  } catch {
    return false;
  }
}

/** Sends SIGKILL to `seen` if it still exists (cleanup after a failed test). */
export function killIfLeft(seen: SeenProcess): void {
  if (!stillExists(seen)) return;
  try {
    process.kill(seen.pid, 'SIGKILL');
  } catch {
    // gone
  }
}
