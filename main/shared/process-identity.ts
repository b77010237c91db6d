import { readFileSync } from 'node:fs';
import { HOST_OS } from '../platform/os.js';
import { signalTargetOf, treeStopPlan } from '../platform/process-tree.js';
import { runPs } from './process-scan.js';

/**
 * A process as it can be recognised later: its pid plus its start time (on Linux in clock ticks
 * since boot, from /proc; on macOS as `ps` prints it, to the second), so a pid the OS has since
 * given to another program is not mistaken for it. On Windows only the pid is known, and a live
 * pid is taken to be the same process (see platform/process-tree.ts).
 */
export interface ProcessIdentity {
  pid: number;
  started: string | null;
}

/** The identity of a running process, or null when it is gone (a zombie counts as gone). */
export function processIdentity(pid: number): ProcessIdentity | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (treeStopPlan(HOST_OS).identity === 'proc-start-time') {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
    // "pid (comm) state ... starttime": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    return { pid, started: fields[19] ?? null };
  }
  if (treeStopPlan(HOST_OS).identity === 'ps-start-time') return psIdentity(pid);
  try {
    process.kill(pid, 0);
    return { pid, started: null };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? { pid, started: null } : null;
  }
}

/** True when the process recorded as `recorded` is still running (same pid, same start). */
export function isStillRunning(recorded: ProcessIdentity): boolean {
  const now = processIdentity(recorded.pid);
  return now !== null && (recorded.started === null || now.started === recorded.started);
}

/**
 * Sends `signal` to the process group `pid` leads (every process a script or tool started runs in
 * its own group, so its descendants go with it); on Windows to the process alone. A group that
 * is already gone is not an error.
 */
export function signalProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(signalTargetOf(HOST_OS, pid), signal);
  } catch {
    // already gone
  }
}

/** This ScriptDesk process. */
export const SELF: ProcessIdentity = processIdentity(process.pid) ?? {
  pid: process.pid,
  started: null,
};

/**
 * A process's identity from `ps -o stat=,lstart= -p PID` (macOS's way; procps takes the same
 * options, which is how it is tested here): null when it is gone or a zombie.
 */
export function psIdentity(pid: number): ProcessIdentity | null {
  const line = runPs(['-o', 'stat=,lstart=', '-p', String(pid)])?.trim();
  if (!line) return null; // ps exits 1 when no such process
  const match = /^(\S+)\s+(\S.*)$/.exec(line);
  if (!match || match[1]!.startsWith('Z')) return null;
  return { pid, started: match[2]! };
}
