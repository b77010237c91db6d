import { AUDIT_TYPES, JournalUnavailable } from '../audit/journal.js';
import type { RunStatus } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import { processIdentity } from '../shared/process-identity.js';
import type { ScriptProcess } from './child-process.js';
import { stripRun } from './run-outcome.js';
import type { PreparedRun } from './run-spec.js';
import type { StoredRun } from './run-store.js';
import type { RunnerDeps } from './runner-deps.js';

type RecordsDeps = Pick<
  RunnerDeps,
  'journal' | 'runs' | 'identity' | 'emit' | 'journalFile' | 'logError'
> & { now: () => Date };

/** What a finished run records: its end as the history row and the `run.finished` event hold it. */
export type RunEnding = Pick<
  StoredRun,
  'status' | 'message' | 'exitCode' | 'finishedAt' | 'outputs' | 'logLines' | 'logLevels'
>;

/**
 * Writes a run's history row and its audit events together. The writes that let a script start
 * wait for the disk (a run starts only after its start is durable); a run's end gates nothing and
 * is written without a flush of its own.
 */
export class RunRecords {
  constructor(private readonly deps: RecordsDeps) {}

  /**
   * Journals what a run needs journaled before it may go on, durably and in one transaction with
   * its run-history row; when the journal cannot be written the run does not start.
   */
  record(write: () => void, startedRun?: PreparedRun): void {
    try {
      this.deps.runs.transaction(() => {
        write();
        if (startedRun) this.journalStarted(startedRun);
      });
    } catch (error) {
      throw journalFailure(error, this.deps.journalFile);
    }
  }

  /**
   * Records a run's start while its interpreter is starting, held at the bootstrap's gate: the
   * flush to disk overlaps Python's own start-up instead of adding to it. The process is recorded
   * with the start. If the journal refuses, the process is killed before any of the script ran.
   */
  recordStartOrKill(child: ScriptProcess, write: () => void, run: PreparedRun): void {
    try {
      this.record(() => {
        write();
        const identity = processIdentity(child.pid);
        if (identity) this.deps.runs.setProcess(run.stored.runId, identity);
      }, run);
    } catch (error) {
      child.killTree(0);
      throw error;
    }
  }

  private journalStarted(run: PreparedRun): void {
    this.deps.journal.append(AUDIT_TYPES.runStarted, run.subject, {
      ...run.record,
      startedAt: run.stored.startedAt,
    });
    for (const name of run.secrets.keys())
      this.deps.journal.append(AUDIT_TYPES.secretUsed, run.subject, {
        name,
        scriptId: run.stored.scriptId,
        runId: run.stored.runId,
        user: this.deps.identity.user,
      });
  }

  /** Records the end of a run that never started (cancelled in the queue, or its start failed). */
  endUnstarted(run: PreparedRun, status: RunStatus, message: string): void {
    const finishedAt = this.deps.now().toISOString();
    const done: StoredRun = { ...run.stored, status, message, finishedAt };
    try {
      this.deps.runs.transactionWithoutFlush(() => {
        this.deps.journal.append(AUDIT_TYPES.runFinished, run.subject, {
          ...this.finishedRecord(done, run),
          startedAt: null,
        });
        this.deps.runs.update(done.runId, { status, message, finishedAt });
      });
    } catch (error) {
      this.deps.logError?.(
        `[scriptdesk] run ${done.runId} ended before it started but could not be recorded: ${(error as Error).message}`,
      );
    }
    run.releaseVenv();
    this.deps.emit({ name: 'run.status', payload: stripRun(done) });
    run.done(done);
  }

  /** Records the end of a run whose script ran, and tells the UI. */
  recordFinished(run: PreparedRun, ending: RunEnding): StoredRun {
    const done: StoredRun = { ...run.stored, ...ending };
    try {
      // Not flushed: a run's end gates nothing, and if a power loss undid it the next start
      // would find the run unfinished and record it as interrupted (see transactionWithoutFlush).
      this.deps.runs.transactionWithoutFlush(() => {
        this.deps.journal.append(AUDIT_TYPES.runFinished, run.subject, {
          ...this.finishedRecord(done, run),
          dryRun: done.dryRun,
        });
        this.deps.runs.update(done.runId, ending);
      });
    } catch (error) {
      // The run has ended either way; the next start finds it unfinished and records it then.
      this.deps.logError?.(
        `[scriptdesk] the end of run ${done.runId} could not be recorded: ${(error as Error).message}`,
      );
    }
    this.deps.emit({ name: 'run.status', payload: stripRun(done) });
    return done;
  }

  private finishedRecord(run: StoredRun, prepared: PreparedRun): Record<string, unknown> {
    return {
      runId: run.runId,
      scriptId: run.scriptId,
      scriptVersion: run.scriptVersion,
      catalogueVersion: prepared.script.catalogueVersion,
      ...(prepared.script.catalogueCommit
        ? { catalogueCommit: prepared.script.catalogueCommit }
        : {}),
      user: this.deps.identity.user,
      host: this.deps.identity.host,
      status: run.status,
      exitCode: run.exitCode,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      outputs: run.outputs,
    };
  }
}

/** The refusal of a run whose events the journal could not take, saying why and what to do. */
export function journalFailure(error: unknown, journalFile: string | undefined): ApiFailure {
  return new ApiFailure(
    'journal_unavailable',
    `The run was not started because the audit journal cannot be written: ${journalProblem(error, journalFile)}`,
  );
}

/**
 * Why the journal could not be written, for the person who asked for the run: what happened and
 * what to do, from SQLite's error code. Never includes anything of the event.
 */
export function journalProblem(error: unknown, file = 'the journal'): string {
  if (error instanceof JournalUnavailable) return `${error.message.replace(/\.$/, '')}.`;
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  if (code === 'SQLITE_FULL') return 'the disk is full. Free some space and run it again.';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'SQLITE_PERM'
  )
    return `${file} is read-only. Ask IT to make it writable for you, then run it again.`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `${file} is locked by another program. Close it (or wait a moment) and run it again.`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return `${file} is damaged. Contact support before running anything else; nothing was run.`;
  if (code.startsWith('SQLITE_IOERR'))
    return `${file} could not be written (${code}: the file may be read-only, or the disk full or failing). Make sure it is writable and the disk has space, then run it again.`;
  return `${(error as Error).message.replace(/\.$/, '')}. Contact support if this keeps happening.`;
}
