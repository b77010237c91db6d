import type { OutputFile, RunStatus, RunSummary } from '../contract/api.js';
import type { Db } from '../storage/database.js';

/** A run as stored: its summary plus where its files are. */
export interface StoredRun extends RunSummary {
  outputs: OutputFile[];
  runDir: string;
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
    outputs: JSON.parse(row.outputs) as OutputFile[],
    runDir: row.run_dir,
  };
}

/** The history of runs on this device (the audit journal is the record; this is the index the UI reads). */
export class RunStore {
  constructor(private readonly db: Db) {}

  insert(run: StoredRun): void {
    this.db
      .prepare(
        `INSERT INTO runs (run_id, script_id, script_version, title, status, dry_run, started_at, finished_at, exit_code, message, outputs, run_dir)
         VALUES (@runId, @scriptId, @scriptVersion, @title, @status, @dryRun, @startedAt, @finishedAt, @exitCode, @message, @outputs, @runDir)`,
      )
      .run({ ...run, dryRun: run.dryRun ? 1 : 0, outputs: JSON.stringify(run.outputs) });
  }

  update(
    runId: string,
    change: Partial<Pick<StoredRun, 'status' | 'finishedAt' | 'exitCode' | 'message' | 'outputs'>>,
  ): void {
    const current = this.get(runId);
    if (!current) throw new Error(`run ${runId} is not in the run store`);
    const next = { ...current, ...change };
    this.db
      .prepare(
        'UPDATE runs SET status = ?, finished_at = ?, exit_code = ?, message = ?, outputs = ? WHERE run_id = ?',
      )
      .run(
        next.status,
        next.finishedAt,
        next.exitCode,
        next.message,
        JSON.stringify(next.outputs),
        runId,
      );
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
}
