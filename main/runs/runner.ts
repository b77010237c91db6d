import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { AUDIT_TYPES } from '../audit/journal.js';
import type { ResolvedScript } from '../catalogue/catalogue-service.js';
import type { RunRequest } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import { SELF } from '../shared/process-identity.js';
import { RunAdmission } from './admission.js';
import type { ScriptProcess } from './child-process.js';
import type { LogIndex } from './log-index.js';
import { stripRun } from './run-outcome.js';
import { RunQueue } from './run-queue.js';
import { RunRecords } from './run-records.js';
import { prepareRun, type PreparedRun } from './run-spec.js';
import type { StoredRun } from './run-store.js';
import type { RunnerDeps } from './runner-deps.js';
import { recoverUnfinished } from './recovery.js';
import { triggerRecord, USER_TRIGGER, type RunTrigger } from './run-trigger.js';
import { ScriptTampered } from './script-integrity.js';
import { Supervisor } from './supervisor.js';

/**
 * Runs approved scripts. Admission checks a request (inputs against the verified schema, secrets,
 * the venv); the run is then described (its spec) and either started at once or queued when
 * `maxConcurrentRuns` are going. A run starts by spawning the venv's interpreter held at the
 * bootstrap's gate while the started event is journaled durably; only then does the script's code
 * run (a refused journal kills the waiting interpreter). The supervisor watches the live process
 * and records how it ended.
 */
export class Runner {
  private readonly queue = new RunQueue();
  private readonly now: () => Date;
  private readonly admission: RunAdmission;
  private readonly records: RunRecords;
  private readonly supervisor: Supervisor;
  private closing = false;
  /** The head of the queue is being checked again before it starts. */
  private rechecking = false;
  /** Runs whose interpreter is starting while their script folder's check ends: slots taken. */
  private starting = 0;

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.admission = new RunAdmission(deps);
    this.records = new RunRecords({ ...deps, now: this.now });
    this.supervisor = new Supervisor({
      records: this.records,
      emit: deps.emit,
      maxOutputBytes: deps.maxOutputBytes,
      now: this.now,
      onSlotFree: () => this.startQueued(),
    });
  }

  /** Checks the form inputs against the verified schema and the file system; nothing runs. */
  validateInputs(
    scriptId: string,
    inputs: Record<string, unknown>,
  ): Promise<{ script: ResolvedScript; inputs: Record<string, unknown> }> {
    return this.admission.validateInputs(scriptId, inputs);
  }

  /** Journals a run request refused before it reached the runner (the CLI's unreadable inputs). */
  journalRefusal(request: RunRequest, refusal: ApiFailure): void {
    this.admission.journalRefusal(request, refusal);
  }

  /**
   * Starts a run, or queues it when `maxConcurrentRuns` are running, and returns its id; the
   * outcome arrives as events and in `finished`. Everything that can refuse the run (inputs,
   * secrets, the environment, the journal) is checked before this returns. `trigger`: who asked
   * (a person unless main's scheduler says otherwise), journaled with the request.
   */
  async start(
    request: RunRequest,
    trigger: RunTrigger = USER_TRIGGER,
  ): Promise<{ runId: string; finished: Promise<StoredRun> }> {
    if (this.closing)
      throw new ApiFailure('unsupported', 'ScriptDesk is closing; run it again after it restarts.');
    const admitted = await this.admission.admit(request, trigger);
    const runId = randomUUID();
    const runDir = path.join(this.deps.runsDir, runId);
    let finished!: Promise<StoredRun>;
    try {
      let done!: (run: StoredRun) => void;
      finished = new Promise<StoredRun>((resolve) => (done = resolve));
      const prepared = await prepareRun({
        runId,
        runDir,
        request,
        admitted,
        identity: this.deps.identity,
        now: this.now,
        digest: (text) => this.deps.journal.digest(text),
        done,
        trigger,
      });
      const startsNow = this.slotsTaken() < this.deps.maxConcurrentRuns && !this.queue.length;
      const requested = () => this.journalRequested(prepared, request, startsNow, trigger);
      if (startsNow) {
        prepared.stored.status = 'running';
        prepared.stored.message = 'Running';
        await this.startNow(prepared, request, () => {
          this.deps.runs.insert(prepared.stored, SELF);
          requested();
        });
      } else {
        prepared.writeFiles();
        this.records.record(() => {
          this.deps.runs.insert(prepared.stored, SELF);
          requested();
        });
        this.queue.push(prepared);
        this.deps.emit({ name: 'run.status', payload: stripRun(prepared.stored) });
      }
    } catch (error) {
      admitted.release();
      await rm(runDir, { recursive: true, force: true });
      throw error;
    }
    return { runId, finished };
  }

  /**
   * Starts the interpreter at once, so its start-up (held at the bootstrap's gate) overlaps the
   * writing of the run's files, the rest of the check of the script's folder and the durable
   * commit of the run's start; only then
   * is the script's code let through. A folder that differs refuses the run (journaled with its
   * id, as a queued run's is) and kills the waiting interpreter before any of the script ran.
   */
  private async startNow(run: PreparedRun, request: RunRequest, write: () => void): Promise<void> {
    this.starting++;
    let child: ScriptProcess | null = null;
    let started = false;
    try {
      child = this.supervisor.spawnGated(run);
      run.writeFiles();
      try {
        await run.verified.entry;
      } catch (error) {
        if (error instanceof ScriptTampered)
          this.admission.journalRefusal(request, error, run.stored.runId, run.trigger);
        throw error;
      }
      if (this.closing)
        throw new ApiFailure(
          'unsupported',
          'ScriptDesk is closing; run it again after it restarts.',
        );
      this.records.recordStartOrKill(child, write, run);
      this.supervisor.launch(run, child);
      started = true;
    } finally {
      this.starting--;
      if (!started) {
        child?.killTree(0);
        // Had the slot looked taken to a request that queued meanwhile, it must not wait on.
        this.startQueued();
      }
    }
  }

  /** Slots in use: running runs and runs whose interpreter is starting. */
  private slotsTaken(): number {
    return this.supervisor.size + this.starting;
  }

  /** Journals `run.requested`: who asked for what, and whether it waits in the queue. */
  private journalRequested(
    run: PreparedRun,
    request: RunRequest,
    startsNow: boolean,
    trigger: RunTrigger,
  ): void {
    const { stored } = run;
    this.deps.journal.append(AUDIT_TYPES.runRequested, run.subject, {
      runId: stored.runId,
      scriptId: stored.scriptId,
      scriptVersion: stored.scriptVersion,
      user: this.deps.identity.user,
      host: this.deps.identity.host,
      dryRun: stored.dryRun,
      reason: request.reason ?? null,
      requestedAt: stored.startedAt,
      queued: !startsNow,
      ahead: startsNow ? 0 : this.queue.length,
      ...triggerRecord(trigger),
    });
  }

  /**
   * Starts queued runs while there are free slots. The next one is verified again first (its
   * files may have changed while it waited), staying at the head of the queue meanwhile: it can
   * still be cancelled, and later requests still queue behind it. One check at a time.
   */
  private startQueued(): void {
    const next = this.queue.peek();
    if (this.closing || this.rechecking || !next) return;
    if (this.slotsTaken() >= this.deps.maxConcurrentRuns) return;
    this.rechecking = true;
    void next.verified.recheck().then(
      () => this.startChecked(next, null),
      (error: unknown) => this.startChecked(next, error),
    );
  }

  /** Starts `next` after its check, unless it was cancelled or ScriptDesk began closing meanwhile. */
  private startChecked(next: PreparedRun, refusal: unknown): void {
    this.rechecking = false;
    if (this.closing || this.queue.peek() !== next) return this.startQueued();
    this.queue.next();
    next.stored.startedAt = this.now().toISOString();
    let child: ScriptProcess;
    try {
      if (refusal) throw refusal;
      child = this.supervisor.spawnGated(next);
      this.records.recordStartOrKill(
        child,
        () =>
          this.deps.runs.update(next.stored.runId, {
            status: 'running',
            message: 'Running',
            startedAt: next.stored.startedAt,
          }),
        next,
      );
    } catch (error) {
      if (error instanceof ScriptTampered) {
        const { scriptId, dryRun, runId } = next.stored;
        const reason = next.record.reason as string | null;
        this.admission.journalRefusal(
          { scriptId, inputs: {}, dryRun, reason: reason ?? undefined },
          error,
          runId,
          next.trigger,
        );
      }
      this.records.endUnstarted(next, 'failed', (error as Error).message);
      this.emitQueuePositions();
      return this.startQueued();
    }
    this.supervisor.launch(next, child);
    this.emitQueuePositions();
    this.startQueued();
  }

  private emitQueuePositions(): void {
    for (const run of this.queue.all())
      this.deps.emit({ name: 'run.status', payload: stripRun(run.stored) });
  }

  /** Whether a run is going, starting or waiting in the queue (updates are not installed then). */
  busy(): boolean {
    return (
      this.queue.length > 0 || this.supervisor.size > 0 || this.starting > 0 || this.rechecking
    );
  }

  /** Where a queued run is in the queue (0: it starts next), or null when it is not queued. */
  queuePositionOf(runId: string): number | null {
    return this.queue.positionOf(runId);
  }

  /** The latest progress of an active run, if it reported any. */
  progressOf(runId: string): { percent: number; label: string } | null {
    return this.supervisor.progressOf(runId);
  }

  /** The newest log lines of an active run from memory (null when it is not running here). */
  /** The index of an active run's log file, while it runs here. */
  logIndexOf(runId: string): LogIndex | null {
    return this.supervisor.logIndexOf(runId);
  }

  logTailOf(runId: string): { lines: string[]; seq: number } | null {
    return this.supervisor.logTailOf(runId);
  }

  /** Stops a running script or takes a queued run out of the queue; false when it is neither. */
  cancel(runId: string): boolean {
    const queued = this.queue.remove(runId);
    if (queued) {
      this.records.endUnstarted(queued, 'cancelled', 'Cancelled before it started.');
      this.emitQueuePositions();
      return true;
    }
    return this.supervisor.stop(runId, 'cancelled');
  }

  /** Ends every queued run and stops every running one (app shutdown), waiting until they are recorded. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const run of this.queue.drain())
      this.records.endUnstarted(run, 'cancelled', 'ScriptDesk was closed before this run started.');
    await this.supervisor.stopAll();
  }

  /** Records runs a crash or power loss left unfinished as interrupted (see {@link recoverUnfinished}). */
  recoverUnfinished(): Promise<StoredRun[]> {
    return recoverUnfinished(
      { ...this.deps, now: this.now },
      (runId) => this.supervisor.has(runId) || this.queue.positionOf(runId) !== null,
    );
  }
}
