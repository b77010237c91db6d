import {
  RECENT_SCRIPTS,
  type OutputEntry,
  type RunStatus,
  type RunSummary,
} from '../contract/api.js';
import type { Db } from '../storage/database.js';
import type { ProcessIdentity } from '../shared/process-identity.js';

/** A run as stored: its summary plus where its files are. */
export interface StoredRun extends RunSummary {
  outputs: OutputEntry[];
  runDir: string;
  /** How many log lines the run wrote (the `seq` of its last line). */
  logLines: number;
  /** The inputs as journaled (sensitive values redacted); null for runs recorded before them. */
  inputs: Record<string, unknown> | null;
  /** The reason or ticket given for the run, if any. */
  reason: string | null;
}

/** A run no finish was recorded for, with the processes that were responsible for it. */
export interface UnfinishedRun extends StoredRun {
  owner: ProcessIdentity | null;
  process: ProcessIdentity | null;
}

interface RunRow {
  run_id: string;
  script_id: string;
  script_version: string;
  title: string;
  status: RunStatus;
  dry_run: number;
  started_at: string;
  finished_at: string | null;
  exit_code: number | null;
  message: string;
  outputs: string;
  run_dir: string;
  log_lines: number;
  owner_pid: number | null;
  owner_started: string | null;
  pid: number | null;
  pid_started: string | null;
  inputs: string | null;
  reason: string | null;
}

function fromRow(row: RunRow): StoredRun {
  return {
    runId: row.run_id,
    scriptId: row.script_id,
    scriptVersion: row.script_version,
    title: row.title,
    status: row.status,
    dryRun: row.dry_run === 1,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    exitCode: row.exit_code,
    message: row.message,
    outputs: JSON.parse(row.outputs) as OutputEntry[],
    runDir: row.run_dir,
    logLines: row.log_lines,
    inputs: row.inputs === null ? null : (JSON.parse(row.inputs) as Record<string, unknown>),
    reason: row.reason,
  };
}

/** The history of runs on this device (the audit journal is the record; this is the index the UI reads). */
export class RunStore {
  constructor(private readonly db: Db) {}

  /** Runs `work` in one SQLite transaction (the journal shares this database). */
  transaction(work: () => void): void {
    this.db.transaction(work)();
  }

  /**
   * Like {@link transaction} but without waiting for the disk (`synchronous=NORMAL` for this one
   * commit), for writes that gate nothing: what a run did once it ended. A crash of ScriptDesk
   * keeps them (they are in the OS's cache); only a power loss could undo them, and they become
   * durable with the next full commit anyway. The writes that let a run start always wait for the
   * disk.
   */
  transactionWithoutFlush(work: () => void): void {
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(work)();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Records a new run, owned by `owner` (the ScriptDesk process that will supervise it). */
  insert(run: StoredRun, owner: ProcessIdentity): void {
    this.db
      .prepare(
        `INSERT INTO runs (run_id, script_id, script_version, title, status, dry_run, started_at, finished_at, exit_code, message, outputs, run_dir, log_lines, owner_pid, owner_started, inputs, reason)
         VALUES (@runId, @scriptId, @scriptVersion, @title, @status, @dryRun, @startedAt, @finishedAt, @exitCode, @message, @outputs, @runDir, @logLines, @ownerPid, @ownerStarted, @inputs, @reason)`,
      )
      .run({
        ...run,
        dryRun: run.dryRun ? 1 : 0,
        outputs: JSON.stringify(run.outputs),
        inputs: run.inputs === null ? null : JSON.stringify(run.inputs),
        ownerPid: owner.pid,
        ownerStarted: owner.started,
      });
  }

  update(
    runId: string,
    change: Partial<
      Pick<
        StoredRun,
        'status' | 'startedAt' | 'finishedAt' | 'exitCode' | 'message' | 'outputs' | 'logLines'
      >
    >,
  ): void {
    const current = this.get(runId);
    if (!current) throw new Error(`run ${runId} is not in the run store`);
    const next = { ...current, ...change };
    this.db
      .prepare(
        'UPDATE runs SET status = ?, started_at = ?, finished_at = ?, exit_code = ?, message = ?, outputs = ?, log_lines = ? WHERE run_id = ?',
      )
      .run(
        next.status,
        next.startedAt,
        next.finishedAt,
        next.exitCode,
        next.message,
        JSON.stringify(next.outputs),
        next.logLines,
        runId,
      );
  }

  /**
   * Records the script process a run started, so a later start can find it after a crash. Part
   * of the transaction that records the run's start, so the two are durable together.
   */
  setProcess(runId: string, child: ProcessIdentity): void {
    this.db
      .prepare('UPDATE runs SET pid = ?, pid_started = ? WHERE run_id = ?')
      .run(child.pid, child.started, runId);
  }

  /** Runs with no recorded finish (queued or running), oldest first. */
  unfinished(): UnfinishedRun[] {
    return this.db
      .prepare<[], RunRow>(
        'SELECT * FROM runs WHERE finished_at IS NULL ORDER BY started_at, rowid',
      )
      .all()
      .map((row) => ({
        ...fromRow(row),
        owner: row.owner_pid === null ? null : { pid: row.owner_pid, started: row.owner_started },
        process: row.pid === null ? null : { pid: row.pid, started: row.pid_started },
      }));
  }

  get(runId: string): StoredRun | null {
    const row = this.db.prepare<[string], RunRow>('SELECT * FROM runs WHERE run_id = ?').get(runId);
    return row ? fromRow(row) : null;
  }

  list(limit: number): StoredRun[] {
    return this.db
      .prepare<[number], RunRow>('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map(fromRow);
  }

  /**
   * Of `scriptIds`, the ones run most recently on this device (newest first, at most
   * {@link RECENT_SCRIPTS}). One index step per script (runs_script_started), so it costs the
   * same at 100 runs and at 100,000. A home belongs to one OS user, so its runs are that user's.
   */
  recentScripts(scriptIds: readonly string[]): string[] {
    if (scriptIds.length === 0) return [];
    return this.db
      .prepare<[string, number], { id: string }>(
        `SELECT id FROM (
           SELECT j.value AS id,
                  (SELECT MAX(started_at) FROM runs WHERE script_id = j.value) AS last
           FROM json_each(?) AS j)
         WHERE last IS NOT NULL ORDER BY last DESC, id LIMIT ?`,
      )
      .all(JSON.stringify(scriptIds), RECENT_SCRIPTS)
      .map((row) => row.id);
  }
}
