import type { OsName } from './os.js';

/**
 * How a run's whole process tree is stopped on an OS, as data (the runner and the recovery
 * follow it; `main/runs/README.md` tells the whole story):
 *
 * - Linux: the interpreter leads its own process group and becomes a child subreaper, so nothing
 *   it starts can escape to init while it lives; main also finds the tree through /proc (by parent
 *   and by the run's marker variable) and recognises a process after a restart by its start time.
 * - macOS: its own process group, and a scan of `ps` by parent pid for descendants that left the
 *   group (`setsid`); a process is recognised again by its start time from `ps`.
 * - Windows: no process groups or signals. The bootstrap puts the interpreter in a Job Object with
 *   kill-on-job-close before any script code runs; every process the script starts joins the job,
 *   and the job's only handle is the interpreter's (not inherited), so ending the interpreter
 *   (`TerminateProcess`) ends the whole tree, and so does the interpreter exiting on its own.
 *   Only the pid is known to recognise a process after a restart.
 */
export interface TreeStopPlan {
  /** Spawn the interpreter as the leader of a new process group (`detached` in Node). */
  ownProcessGroup: boolean;
  /** What a stop signal is sent to: the whole group (`-pid`) or the process itself. */
  signalTarget: 'group' | 'process';
  /** How descendants that left the group are found. */
  descendants: 'proc' | 'ps' | 'job-object';
  /** Whether the run's marker variable can be read from other processes (/proc/<pid>/environ). */
  readsMarker: boolean;
  /** How a recorded process is told apart from a later one that reused its pid. */
  identity: 'proc-start-time' | 'ps-start-time' | 'pid-only';
  /** What the bootstrap arms before the gate: a subreaper, a Job Object, or nothing. */
  bootstrapGuard: 'subreaper' | 'job-object' | 'none';
}

export function treeStopPlan(os: OsName): TreeStopPlan {
  switch (os) {
    case 'linux':
      return {
        ownProcessGroup: true,
        signalTarget: 'group',
        descendants: 'proc',
        readsMarker: true,
        identity: 'proc-start-time',
        bootstrapGuard: 'subreaper',
      };
    case 'darwin':
      return {
        ownProcessGroup: true,
        signalTarget: 'group',
        descendants: 'ps',
        readsMarker: false,
        identity: 'ps-start-time',
        bootstrapGuard: 'none',
      };
    case 'win32':
      return {
        ownProcessGroup: false,
        signalTarget: 'process',
        descendants: 'job-object',
        readsMarker: false,
        identity: 'pid-only',
        bootstrapGuard: 'job-object',
      };
  }
}

/** The pid `process.kill` is given to signal `pid`'s tree: the group (`-pid`) or the process. */
export function signalTargetOf(os: OsName, pid: number): number {
  return treeStopPlan(os).signalTarget === 'group' ? -pid : pid;
}

/**
 * The `ps` command that lists every process with its parent, state and start time: the same
 * options on macOS (BSD `ps`) and Linux (procps), run with `LC_ALL=C` so the time reads the same.
 */
export const PS_LISTING = {
  command: 'ps',
  args: ['-A', '-o', 'pid=,ppid=,stat=,lstart='],
} as const;

export interface ListedProcess {
  pid: number;
  ppid: number;
  /** The state letters (`S`, `R+`, `Z`…). */
  state: string;
  /** The start time as `ps` prints it (`lstart`): compared as text, never parsed as a date. */
  started: string;
}

/** Parses the output of {@link PS_LISTING}; a line that is not "pid ppid state start" is skipped. */
export function parsePsListing(text: string): ListedProcess[] {
  const out: ListedProcess[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(\S.*?)\s*$/.exec(line);
    if (match)
      out.push({
        pid: Number(match[1]),
        ppid: Number(match[2]),
        state: match[3]!,
        started: match[4]!,
      });
  }
  return out;
}

/** Every descendant of `root` in a listing, found by parent pids, nearest first. */
export function descendantsIn(listing: readonly ListedProcess[], root: number): ListedProcess[] {
  const children = new Map<number, ListedProcess[]>();
  for (const entry of listing)
    if (entry.pid !== entry.ppid)
      children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const found: ListedProcess[] = [];
  const seen = new Set<number>([root]);
  for (let queue = [root]; queue.length;) {
    const next: number[] = [];
    for (const parent of queue)
      for (const child of children.get(parent) ?? [])
        if (!seen.has(child.pid)) {
          seen.add(child.pid);
          found.push(child);
          next.push(child.pid);
        }
    queue = next;
  }
  return found;
}
