import path from 'node:path';
import type { ApiEvent } from '../contract/api.js';
import {
  startScriptProcess,
  type OutputChunk,
  type OutputStream,
  type ScriptProcess,
} from './child-process.js';
import { loaderArgs } from './bootstrap.js';
import { CompiledBootstraps } from './compiled-bootstrap.js';
import { listOutputs } from './outputs.js';
import type { LogIndex } from './log-index.js';
import { RunLog } from './run-log.js';
import { endedMessage, statusFromExitCode, stripRun, type Ending } from './run-outcome.js';
import type { RunRecords } from './run-records.js';
import { inheritedEnvironment, type PreparedRun } from './run-spec.js';
import type { StoredRun } from './run-store.js';
import { secretScrubber } from './scrubber.js';

/** A run whose script is going: its process, its log, its progress and how it ends. */
interface ActiveRun {
  process: ScriptProcess;
  endedBy: Ending | null;
  log: RunLog;
  progress: { percent: number; label: string } | null;
  finished: Promise<StoredRun>;
}

/** The progress protocol: a stdout line `::progress <0-100> <label>`. */
const PROGRESS_LINE = /^::progress\s+(\d{1,3}(?:\.\d+)?)\s*(.*)$/;

interface SupervisorDeps {
  records: RunRecords;
  emit: (event: ApiEvent) => void;
  maxOutputBytes: number;
  now: () => Date;
  /** Called once a run has ended and is recorded: its slot is free. */
  onSlotFree: () => void;
}

/**
 * Watches the live processes of started runs: starts each interpreter held at the bootstrap's
 * gate, lets it through once its start is journaled, streams its output to the run's log (taking
 * out progress lines), enforces the time limit and output cap, stops it on request, and records
 * how it ended.
 */
export class Supervisor {
  private readonly active = new Map<string, ActiveRun>();
  /** Each interpreter's compiled bootstrap, once it has one (see `LOADER` in bootstrap.ts). */
  readonly bootstraps = new CompiledBootstraps();

  constructor(private readonly deps: SupervisorDeps) {}

  /** How many runs are going. */
  get size(): number {
    return this.active.size;
  }

  has(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Starts a run's interpreter, waiting at the bootstrap's gate until {@link launch} lets it through. */
  spawnGated(run: PreparedRun): ScriptProcess {
    // The venv's interpreter is its runtime's (the venv check says so), so the runtime's
    // compiled bootstrap is the venv's too.
    const compiled = this.bootstraps.take({
      executable: run.runtime.executable,
      env: inheritedEnvironment(),
      cwd: path.dirname(run.runtime.executable),
    });
    return startScriptProcess({
      executable: run.executable,
      args: compiled ? loaderArgs(run.args) : run.args,
      gatedBootstrap: compiled,
      cwd: run.stored.runDir,
      env: run.env,
      maxOutputBytes: this.deps.maxOutputBytes,
      scrub: secretScrubber(run.secrets) ?? undefined,
      gatedSource: run.verified.entry,
    });
  }

  /** Supervises a run whose start is journaled, and lets its script run. */
  launch(run: PreparedRun, child: ScriptProcess): void {
    const { stored, script } = run;
    const { runId } = stored;
    stored.status = 'running';
    stored.message = 'Running';
    const log = new RunLog(path.join(stored.runDir, 'log.txt'), runId, (payload) =>
      this.deps.emit({ name: 'run.log', payload }),
    );
    const active: ActiveRun = {
      process: child,
      endedBy: null,
      log,
      progress: null,
      finished: Promise.resolve(stored),
    };
    child.onOutput((stream, chunk) => this.onOutput(active, runId, stream, chunk));
    child.onOutputLimit(() => this.stop(runId, 'output_limit'));
    const timer = setTimeout(
      () => this.stop(runId, 'timeout'),
      script.manifest.timeoutSeconds * 1000,
    );
    active.finished = child.exited
      .catch(() => ({ code: null, signal: null }))
      .then(async (exit) => {
        clearTimeout(timer);
        await log.close().catch(() => {});
        return this.finish(run, exit.code, exit.signal, active.endedBy, log);
      })
      .finally(() => {
        this.active.delete(runId);
        run.releaseVenv();
        this.deps.onSlotFree();
      });
    void active.finished.then(run.done);
    this.active.set(runId, active);
    child.release();
    this.deps.emit({ name: 'run.status', payload: stripRun(stored) });
  }

  /** Stops a running script; false when the run is not going here. */
  stop(runId: string, reason: Ending): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    active.endedBy ??= reason;
    active.process.killTree();
    return true;
  }

  /** Stops every running script (app shutdown) and waits until each end is recorded. */
  async stopAll(): Promise<void> {
    for (const runId of this.active.keys()) this.stop(runId, 'shutdown');
    await Promise.allSettled([...this.active.values()].map((a) => a.finished));
  }

  /** The latest progress of an active run, if it reported any. */
  progressOf(runId: string): { percent: number; label: string } | null {
    return this.active.get(runId)?.progress ?? null;
  }

  /** The index of an active run's log file (null when it is not running here). */
  logIndexOf(runId: string): LogIndex | null {
    return this.active.get(runId)?.log.index ?? null;
  }

  /** The newest log lines of an active run from memory (null when it is not running here). */
  logTailOf(runId: string): { lines: string[]; seq: number } | null {
    return this.active.get(runId)?.log.tailLines() ?? null;
  }

  private onOutput(
    active: ActiveRun,
    runId: string,
    stream: OutputStream,
    chunk: OutputChunk,
  ): Promise<void> | undefined {
    let logged = chunk;
    if (stream === 'stdout' && chunk.bytes.includes('::progress')) {
      const kept: string[] = [];
      const text = chunk.bytes.toString('utf8', 0, chunk.bytes.length - 1);
      for (const line of text.split('\n')) {
        const progress = line.startsWith('::progress') ? PROGRESS_LINE.exec(line) : null;
        if (!progress) {
          kept.push(line);
          continue;
        }
        active.progress = { percent: Math.min(100, Number(progress[1])), label: progress[2] ?? '' };
        this.deps.emit({ name: 'run.progress', payload: { runId, ...active.progress } });
      }
      logged = {
        bytes: Buffer.from(kept.length ? `${kept.join('\n')}\n` : '', 'utf8'),
        lines: kept.length,
      };
    }
    return active.log.write(stream, logged);
  }

  private async finish(
    run: PreparedRun,
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    endedBy: Ending | null,
    log: RunLog,
  ): Promise<StoredRun> {
    const outputs = await listOutputs(path.join(run.stored.runDir, 'outputs'));
    const { status, message } = endedBy
      ? endedMessage(endedBy, run.script, this.deps.maxOutputBytes)
      : statusFromExitCode(exitCode, signal, run.script);
    return this.deps.records.recordFinished(run, {
      status,
      message,
      exitCode,
      finishedAt: this.deps.now().toISOString(),
      outputs,
      logLines: log.lines,
      logLevels: log.index.levels,
    });
  }
}
