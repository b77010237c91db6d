import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { HOST_OS } from '../platform/os.js';
import {
  descendantsIn,
  parsePsListing,
  PS_LISTING,
  treeStopPlan,
  type ListedProcess,
} from '../platform/process-tree.js';

/**
 * Finding a process tree's members on Linux from /proc: by parent (a tree walk) and by an
 * environment entry every member inherits (a marker). On macOS, by parent from one `ps` listing
 * (the platform module's plan); on Windows the Job Object does this work and these find nothing.
 *
 * Reading every process costs about 25 µs each, a few milliseconds on a desktop: too much after
 * every run. But the kernel hands out pids in a cycle, so every process started after a given one
 * has a pid in the cyclic range from it to the last pid handed out (/proc/loadavg), unless the
 * cycle has come all the way round since, which the fork counter (/proc/stat) rules out. A
 * {@link PidWindow} opened at a spawn keeps the scans after it to that range: usually a few pids.
 *
 * The reads are synchronous on purpose: a /proc file is read in microseconds, while an
 * asynchronous read costs four thread-pool round trips (open, stat, read, close), which made the
 * scan after a run 10-50 times slower (about 1-3 ms instead of 0.1).
 */

/** Pids handed out after `base`, as far as the fork counter says the cycle has not come round. */
export interface PidWindow {
  base: number;
  forks: number;
}

/** A process as it can be recognised again: pid and start time (clock ticks since boot). */
export interface SeenProcess {
  pid: number;
  started: string;
}

const PLAN = treeStopPlan(HOST_OS);
const LINUX = PLAN.descendants === 'proc';
/** Pids below this are never handed out again after boot (the kernel's RESERVED_PIDS). */
const RESERVED_PIDS = 300;
/** Below this many candidates, each pid is looked up directly instead of listing /proc. */
const PROBE_AT_MOST = 512;

let pidMax: number | undefined;

/** The window of pids started after `base` (a process just spawned); null without /proc. */
export function openPidWindow(base: number): PidWindow | null {
  if (!LINUX) return null;
  const forks = forkCount(readProc('/proc/stat')?.toString('latin1') ?? '');
  return Number.isFinite(forks) ? { base, forks } : null;
}

/**
 * The live processes in `window` (or all, without one) whose environment holds `entry`
 * ("NAME=value"). Does not find one that cleared or replaced its environment, nor another user's
 * (it cannot be read); a zombie's environment reads empty.
 */
export function processesWithEnvironment(entry: string, window: PidWindow | null): number[] {
  if (!LINUX) return [];
  const first = Buffer.from(`${entry}\0`);
  const inner = Buffer.from(`\0${entry}\0`);
  return candidates(window).filter((pid) => {
    const environment = readProc(`/proc/${pid}/environ`);
    return (
      environment !== null && (environment.indexOf(first) === 0 || environment.includes(inner))
    );
  });
}

/**
 * Every live descendant of `root` among the processes in `window` (or all, without one), found by
 * parent pids, whatever its process group, session or environment. Complete when `root` is a child
 * subreaper: nothing below it can have been re-parented away.
 */
export function descendantsOf(root: number, window: PidWindow | null): SeenProcess[] {
  if (PLAN.descendants === 'ps') return psDescendants(root);
  if (!LINUX) return [];
  const children = new Map<number, SeenProcess[]>();
  for (const pid of candidates(window)) {
    const fields = statFields(pid);
    if (!fields || fields[0] === 'Z' || fields[0] === 'X') continue;
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), { pid, started: fields[19] ?? '' }]);
  }
  const found: SeenProcess[] = [];
  for (let queue = [root]; queue.length;) {
    const next: number[] = [];
    for (const parent of queue)
      for (const child of children.get(parent) ?? []) {
        found.push({ pid: child.pid, started: child.started });
        next.push(child.pid);
      }
    queue = next;
  }
  return found;
}

/** True while `seen` runs: the same start time, not a zombie. */
export function stillRuns(seen: SeenProcess): boolean {
  if (PLAN.identity === 'ps-start-time')
    return psListing().some((entry) => entry.pid === seen.pid && entry.started === seen.started);
  const fields = statFields(seen.pid);
  return fields !== null && fields[19] === seen.started && fields[0] !== 'Z' && fields[0] !== 'X';
}

/**
 * Every live descendant of `root` from one `ps` listing (macOS's way; `ps` on Linux takes the same
 * options, which is how it is tested here). Costs one `ps` (about 10 ms), so it runs only when a
 * run is being stopped, never after every run.
 */
export function psDescendants(root: number): SeenProcess[] {
  return descendantsIn(psListing(), root).map(({ pid, started }) => ({ pid, started }));
}

/** Every process `ps` lists, zombies left out; empty when `ps` cannot run. */
export function psListing(): ListedProcess[] {
  const text = runPs(PS_LISTING.args);
  return text === null ? [] : parsePsListing(text).filter((entry) => !entry.state.startsWith('Z'));
}

/**
 * `ps` with `args` (no shell, the C locale so times read the same everywhere); its output, or
 * null when it fails, as it does for a `-p` naming no live process.
 */
export function runPs(args: readonly string[]): string | null {
  try {
    return execFileSync(PS_LISTING.command, [...args], {
      encoding: 'utf8',
      env: { LC_ALL: 'C', PATH: '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
  } catch {
    return null;
  }
}

/** Sends `signal` to each pid; one that is gone is not an error. */
export function signalEach(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** The pids worth reading: those of the window, or every process. */
function candidates(window: PidWindow | null): number[] {
  const range = window ? pidRange(window) : null;
  if (range && range.size <= PROBE_AT_MOST) {
    const pids: number[] = [];
    for (let pid = range.from; pids.length < range.size;) {
      pid = pid + 1 >= range.max ? RESERVED_PIDS : pid + 1;
      pids.push(pid);
    }
    return pids;
  }
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const all = names.filter((name) => /^\d+$/.test(name)).map(Number);
  if (!range) return all;
  const { from, to } = range;
  // In order, or gone round once: then after the base, or from the first reusable pid up to last.
  return all.filter((pid) =>
    from <= to ? pid > from && pid <= to : pid > from || (pid >= RESERVED_PIDS && pid <= to),
  );
}

/**
 * The cyclic range of pids handed out since the window opened (after `from`, up to `to`, wrapping
 * at `max`), or null when the fork counter says the cycle may have come round to its base since.
 */
function pidRange(
  window: PidWindow,
): { from: number; to: number; max: number; size: number } | null {
  const loadavg = readProc('/proc/loadavg')?.toString('latin1');
  const stat = readProc('/proc/stat')?.toString('latin1');
  if (!loadavg || !stat) return null;
  // "0.10 0.20 0.30 running/total last": the number of tasks, and the last pid handed out.
  const [, , , tasks, last] = loadavg.trim().split(/\s+/);
  const to = Number(last);
  const total = Number(tasks?.split('/')[1]);
  const max = (pidMax ??= Number(readProc('/proc/sys/kernel/pid_max')?.toString('latin1')));
  const handedOut = forkCount(stat) - window.forks;
  // Going round skips the pids in use, so it takes fewer forks than pids: allow for every task.
  if (!Number.isFinite(to + total + handedOut + max) || handedOut + total >= max - RESERVED_PIDS)
    return null;
  const from = window.base;
  const size = from <= to ? to - from : max - from - 1 + (to - RESERVED_PIDS + 1);
  return { from, to, max, size };
}

/** A /proc file's bytes, or null when it cannot be read (the process is gone, or not ours). */
function readProc(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

/** The fields of /proc/<pid>/stat after the command name (state first), or null when gone. */
function statFields(pid: number): string[] | null {
  const stat = readProc(`/proc/${pid}/stat`)?.toString('latin1');
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : null;
}

/** The number of forks since boot, from /proc/stat's "processes" line (NaN without one). */
function forkCount(stat: string): number {
  return Number(/^processes (\d+)$/m.exec(stat)?.[1]);
}
