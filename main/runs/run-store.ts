import {
  RECENT_SCRIPTS,
  type OutputEntry,
  type RunStatus,
  type RunSummary,
} from '../contract/api.js';
import type { Db } from '../storage/database.js';
import type { ProcessIdentity } from '../shared/process-identity.js';
import type { LevelCounts } from './log-levels.js';

/** A run as stored: its summary plus where its files are. */
export interface StoredRun extends RunSummary {
  outputs: OutputEntry[];
  runDir: string;
  /** How many log lines the run wrote (the `seq` of its last line). */
  logLines: number;
  /** Its error and warning log lines, counted when it ended; null before that or for older runs. */
  logLevels: LevelCounts | null;
  /** The inputs as journaled (sensitive values redacted); null for runs recorded before them. */
  inputs: Record<string, unknown> | null;
  /** The reason or ticket given for the run, if any. */
  reason: string | null;
  /** The OS account that asked for the run; null for runs recorded before it was kept. */
  user: string | null;
  /** The schedule that started the run; null when a person did. */
  scheduleId: string | null;
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
  log_errors: number | null;
  log_warnings: number | null;
  owner_pid: number | null;
  owner_started: string | null;
  pid: number | null;
  pid_started: string | null;
  inputs: string | null;
  reason: string | null;
  user: string | null;
  schedule_id: string | null;
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
    logLevels:
      row.log_errors === null || row.log_warnings === null
        ? null
        : { errors: row.log_errors, warnings: row.log_warnings },
    inputs: row.inputs === null ? null : (JSON.parse(row.inputs) as Record<string, unknown>),
    reason: row.reason,
    user: row.user,
    scheduleId: row.schedule_id,
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
        `INSERT INTO runs (run_id, script_id, script_version, title, status, dry_run, started_at, finished_at, exit_code, message, outputs, run_dir, log_lines, log_errors, log_warnings, owner_pid, owner_started, inputs, reason, user, schedule_id)
         VALUES (@runId, @scriptId, @scriptVersion, @title, @status, @dryRun, @startedAt, @finishedAt, @exitCode, @message, @outputs, @runDir, @logLines, @logErrors, @logWarnings, @ownerPid, @ownerStarted, @inputs, @reason, @user, @scheduleId)`,
      )
      .run({
        ...run,
        logLevels: undefined,
        logErrors: run.logLevels?.errors ?? null,
        logWarnings: run.logLevels?.warnings ?? null,
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
        | 'status'
        | 'startedAt'
        | 'finishedAt'
        | 'exitCode'
        | 'message'
        | 'outputs'
        | 'logLines'
        | 'logLevels'
      >
    >,
  ): void {
    const current = this.get(runId);
    if (!current) throw new Error(`run ${runId} is not in the run store`);
    const next = { ...current, ...change };
    this.db
      .prepare(
        'UPDATE runs SET status = ?, started_at = ?, finished_at = ?, exit_code = ?, message = ?, outputs = ?, log_lines = ?, log_errors = ?, log_warnings = ? WHERE run_id = ?',
      )
      .run(
        next.status,
        next.startedAt,
        next.finishedAt,
        next.exitCode,
        next.message,
        JSON.stringify(next.outputs),
        next.logLines,
        next.logLevels?.errors ?? null,
        next.logLevels?.warnings ?? null,
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
    return this.search({}, limit, 0).runs;
  }

  /**
   * One page of the runs that match `filter`, most recent first, and how many match in all. Every
   * condition is a bound parameter; the text is matched literally (its `%` and `_` are escaped).
   */
  search(filter: RunFilter, limit: number, offset: number): { runs: StoredRun[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.text) {
      where.push(
        "(title LIKE @text ESCAPE '\\' OR script_id LIKE @text ESCAPE '\\' OR reason LIKE @text ESCAPE '\\')",
      );
      params.text = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (filter.scriptId) {
      where.push('script_id = @scriptId');
      params.scriptId = filter.scriptId;
    }
    if (filter.statuses?.length) {
      const names = filter.statuses.map((status, index) => {
        params[`status${index}`] = status;
        return `@status${index}`;
      });
      where.push(`status IN (${names.join(', ')})`);
    }
    if (filter.dryRun !== undefined) {
      where.push('dry_run = @dryRun');
      params.dryRun = filter.dryRun ? 1 : 0;
    }
    if (filter.startedFrom) {
      where.push('started_at >= @startedFrom');
      params.startedFrom = filter.startedFrom;
    }
    if (filter.startedBefore) {
      where.push('started_at < @startedBefore');
      params.startedBefore = filter.startedBefore;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const runs = this.db
      .prepare<Record<string, unknown>, RunRow>(
        // The page's rows are found on the index alone, then only they are read in full: a page
        // far down (OFFSET 99,950) skips index entries, not whole rows with their inputs.
        `SELECT * FROM runs WHERE rowid IN (SELECT rowid FROM runs ${clause} ORDER BY started_at DESC, rowid DESC LIMIT @limit OFFSET @offset)
         ORDER BY started_at DESC, rowid DESC`,
      )
      .all({ ...params, limit, offset })
      .map(fromRow);
    // A page that is not full, or the first page with nothing after it, already says the count.
    const total =
      runs.length < limit && (runs.length > 0 || offset === 0)
        ? offset + runs.length
        : this.db
            .prepare<Record<string, unknown>, { n: number }>(
              `SELECT count(*) AS n FROM runs ${clause}`,
            )
            .get(params)!.n;
    return { runs, total };
  }

  /**
   * The values `field` had in the newest `limit` runs of `scriptId` that recorded their inputs,
   * newest first (a sensitive value shows as recorded: redacted).
   */
  recentInputs(scriptId: string, field: string, limit: number): unknown[] {
    return this.db
      .prepare<[string, number], { inputs: string }>(
        'SELECT inputs FROM runs WHERE script_id = ? AND inputs IS NOT NULL ORDER BY started_at DESC LIMIT ?',
      )
      .all(scriptId, limit)
      .map((row) => (JSON.parse(row.inputs) as Record<string, unknown>)[field]);
  }

  /**
   * The newest finished dry run of `scriptId` whose recorded inputs equal `recorded` (both as the
   * journal holds them, compared by `sameInputs`), among its last `limit` dry runs.
   */
  latestDryRunWith(
    scriptId: string,
    sameInputs: (inputs: Record<string, unknown>) => boolean,
    limit = 200,
  ): StoredRun | null {
    const rows = this.db
      .prepare<[string, number], RunRow>(
        'SELECT * FROM runs WHERE script_id = ? AND dry_run = 1 AND finished_at IS NOT NULL AND inputs IS NOT NULL ORDER BY started_at DESC LIMIT ?',
      )
      .all(scriptId, limit);
    for (const row of rows) {
      const run = fromRow(row);
      if (run.inputs && sameInputs(run.inputs)) return run;
    }
    return null;
  }

  /** Every script this device has runs of, with the title of its newest run, by title. */
  scripts(): { scriptId: string; title: string }[] {
    return this.db
      .prepare<[], { scriptId: string; title: string }>(
        'SELECT script_id AS scriptId, title, max(started_at) AS newest FROM runs GROUP BY script_id ORDER BY title COLLATE NOCASE',
      )
      .all()
      .map(({ scriptId, title }) => ({ scriptId, title }));
  }

  /**
   * Of `scriptIds`, the ones run most recently on this device (newest first, at most
   * {@link RECENT_SCRIPTS}). One index step per script (runs_script), so it costs the
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

/** What History asks for: every field narrows the runs; none given means every run. */
export interface RunFilter {
  /** Found in the script's title or id, or in the run's reason (case-insensitive for ASCII). */
  text?: string;
  scriptId?: string;
  statuses?: readonly RunStatus[];
  dryRun?: boolean;
  /** ISO timestamps: runs started at or after `startedFrom`, and before `startedBefore`. */
  startedFrom?: string;
  startedBefore?: string;
}
