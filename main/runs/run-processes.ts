import { setTimeout as delay } from 'node:timers/promises';
import { HOST_OS } from '../platform/os.js';
import { treeStopPlan } from '../platform/process-tree.js';
import {
  isStillRunning,
  signalProcessGroup,
  type ProcessIdentity,
} from '../shared/process-identity.js';
import {
  descendantsOf,
  openPidWindow,
  processesWithEnvironment,
  signalEach,
  stillRuns,
  type PidWindow,
  type SeenProcess,
} from '../shared/process-scan.js';

/** The variable the runner sets to the run's id for every run; each descendant inherits it. */
export const RUN_MARKER_VARIABLE = 'SCRIPTDESK_RUN_ID';

/** How long the clean-up after a run keeps killing what it finds before it gives up. */
export const SWEEP_MS = 2000;

/**
 * A run's processes below its interpreter, on Linux (where the bootstrap makes the interpreter a
 * child subreaper, see `reaper.ts`) and macOS (by `ps`): what ScriptDesk saw of them while it
 * lived, and on Linux the run's marker (`SCRIPTDESK_RUN_ID=<id>`, inherited by every descendant)
 * to find them after it is gone.
 */
export class RunProcesses {
  private readonly seen = new Map<number, SeenProcess>();

  private constructor(
    private readonly interpreter: number,
    private readonly marker: string | null,
    private readonly window: PidWindow | null,
  ) {}

  /**
   * For the interpreter just spawned with `env`; null when it runs no run, or on an OS whose
   * Job Object ends the tree instead (Windows, see platform/process-tree.ts).
   */
  static of(interpreter: number, env: Readonly<Record<string, string>>): RunProcesses | null {
    const runId = env[RUN_MARKER_VARIABLE];
    if (!runId || treeStopPlan(HOST_OS).descendants === 'job-object') return null;
    return new RunProcesses(interpreter, runMarker(runId), openPidWindow(interpreter));
  }

  /** For an interrupted run found at the next start: no window, every process is looked at. */
  static interrupted(interpreter: number, runId: string): RunProcesses | null {
    const marker = runMarker(runId);
    return marker ? new RunProcesses(interpreter, marker, null) : null;
  }

  /**
   * Notes every process below the interpreter while it still lives: complete, because nothing
   * below a subreaper is re-parented away, and found by parent, so even a descendant that cleared
   * its environment is remembered for when the interpreter dies first (cancel, time limit).
   */
  noteDescendants(): void {
    for (const below of descendantsOf(this.interpreter, this.window))
      this.seen.set(below.pid, below);
  }

  /** Sends `signal` to the noted processes that still run. */
  signalNoted(signal: NodeJS.Signals): void {
    signalEach(this.noted(), signal);
  }

  /**
   * After the interpreter is gone: SIGKILLs the noted processes and every process carrying the
   * run's marker until none is left, or `withinMs` passed. True when it found any. A run that
   * ended normally has none: the bootstrap killed and reaped them before its interpreter exited.
   */
  async sweep(withinMs: number): Promise<boolean> {
    const deadline = Date.now() + withinMs;
    let found = false;
    for (;;) {
      const left = new Set([
        ...this.noted(),
        ...(this.marker ? processesWithEnvironment(this.marker, this.window) : []),
      ]);
      if (!left.size) return found;
      found = true;
      signalEach(left, 'SIGKILL');
      // A killed process can still be read for a moment while it exits.
      if (Date.now() > deadline) return found;
      await delay(5);
    }
  }

  private noted(): number[] {
    return [...this.seen.values()].filter(stillRuns).map((seen) => seen.pid);
  }
}

/** `SCRIPTDESK_RUN_ID=<id>` on Linux, where /proc can find it; null elsewhere or without an id. */
function runMarker(runId: string | undefined): string | null {
  return treeStopPlan(HOST_OS).readsMarker && runId ? `${RUN_MARKER_VARIABLE}=${runId}` : null;
}

/**
 * Ends whatever a run interrupted by a crash of ScriptDesk left running, found at the next start:
 * the recorded interpreter's whole tree and process group if it still runs, then on Linux any
 * process still carrying the run's marker. True when anything was still running.
 */
export async function endInterruptedRun(
  recorded: ProcessIdentity | null,
  runId: string,
): Promise<boolean> {
  const running = recorded !== null && isStillRunning(recorded);
  const processes = RunProcesses.interrupted(recorded?.pid ?? -1, runId);
  if (running) {
    processes?.noteDescendants();
    signalProcessGroup(recorded.pid, 'SIGKILL');
    processes?.signalNoted('SIGKILL');
  }
  const swept = (await processes?.sweep(SWEEP_MS)) ?? false;
  return running || swept;
}
