/**
 * Migration 5 of both stores: what the console's reason and input filters need at a million
 * events.
 *
 * The reason filter gets an index, a case-insensitive
 * substring search (`lower(reason) LIKE '%text%'`) that no B-tree serves. Without it a text
 * that matches nothing reads every run (about 500 ms at a million events on SQLite).
 *
 * SQLite: an FTS5 table with the `trigram` tokenizer over `audit_runs.reason` (external content:
 * the text lives once, in `audit_runs`), kept by triggers on that table's insert, update and
 * delete (every run is in it, a run without a reason as an empty text, so FTS5's own
 * `integrity-check` can compare the two), and filled from the runs already stored by FTS5's
 * set-based `rebuild`. The console
 * uses it only to narrow the runs for texts of 3+ characters (a trigram needs 3) and keeps the
 * `LIKE` as the judge, so what matches is exactly what matched before (see run-queries.ts).
 *
 * PostgreSQL: a `pg_trgm` GIN index on `lower(reason)`, the very expression the filter compares,
 * so the planner uses it for the same SQL and the answers cannot change. `CREATE EXTENSION` may
 * be refused (no privilege, contrib not installed): the migration then goes on without the
 * index, and every start tries again and says once what to ask a superuser
 * ({@link ensurePostgresReasonIndex}).
 *
 * The input filter (PostgreSQL) gets right estimates: see {@link POSTGRES_INPUT_ESTIMATES}.
 */

/** The FTS5 table of run reasons (SQLite). */
export const SQLITE_REASON_TABLE = 'audit_runs_reason';

export const SQLITE_REASON_INDEX = `CREATE VIRTUAL TABLE ${SQLITE_REASON_TABLE} USING fts5(
     reason, content = 'audit_runs', content_rowid = 'rowid', tokenize = 'trigram'
   );
   CREATE TRIGGER audit_runs_reason_insert AFTER INSERT ON audit_runs
   BEGIN
     INSERT INTO ${SQLITE_REASON_TABLE} (rowid, reason) VALUES (NEW.rowid, NEW.reason);
   END;
   CREATE TRIGGER audit_runs_reason_update AFTER UPDATE OF reason ON audit_runs
     WHEN OLD.reason IS NOT NEW.reason
   BEGIN
     -- External content: the index forgets a text only when told the exact old one.
     INSERT INTO ${SQLITE_REASON_TABLE} (${SQLITE_REASON_TABLE}, rowid, reason)
       VALUES ('delete', OLD.rowid, OLD.reason);
     INSERT INTO ${SQLITE_REASON_TABLE} (rowid, reason) VALUES (NEW.rowid, NEW.reason);
   END;
   CREATE TRIGGER audit_runs_reason_delete AFTER DELETE ON audit_runs
   BEGIN
     INSERT INTO ${SQLITE_REASON_TABLE} (${SQLITE_REASON_TABLE}, rowid, reason)
       VALUES ('delete', OLD.rowid, OLD.reason);
   END;
   INSERT INTO ${SQLITE_REASON_TABLE} (${SQLITE_REASON_TABLE}) VALUES ('rebuild');`;

/** The trigram index of run reasons (PostgreSQL). */
export const POSTGRES_REASON_INDEX_NAME = 'audit_runs_reason_trgm';

/**
 * Builds the index when `pg_trgm` is installed (in whichever schema it lives), else does nothing.
 * The index is on `lower(reason)`: the filter's own expression, so the planner can use it.
 */
const CREATE_INDEX_IF_TRIGRAMS = `DO $$
   DECLARE trigrams name;
   BEGIN
     SELECT n.nspname INTO trigrams FROM pg_extension AS x
       JOIN pg_namespace AS n ON n.oid = x.extnamespace WHERE x.extname = 'pg_trgm';
     IF trigrams IS NOT NULL THEN
       EXECUTE format('CREATE INDEX IF NOT EXISTS ${POSTGRES_REASON_INDEX_NAME} ON audit_runs
         USING gin (lower(reason) %I.gin_trgm_ops)', trigrams);
     END IF;
   END
   $$`;

/**
 * Migration 5 on PostgreSQL. A refused `CREATE EXTENSION` is caught inside the block (its own
 * subtransaction), so the migration's transaction goes on and the server starts without the index.
 */
export const POSTGRES_REASON_INDEX = `DO $$
   BEGIN
     CREATE EXTENSION IF NOT EXISTS pg_trgm;
   EXCEPTION WHEN OTHERS THEN
     NULL; -- ensurePostgresReasonIndex says so at start, with the reason
   END
   $$;
   ${CREATE_INDEX_IF_TRIGRAMS};`;

/**
 * The input filter walks `audit_run_inputs_value` newest first and looks each run up, stopping at a
 * page: cheap only if the planner knows each input row has exactly one run. Joined on two
 * columns, it multiplied their selectivities (1/200 devices × 1/runs) and expected 10 rows where
 * 9,867 came (150k events), so it hashed every run and sorted (92–217 ms there, 400 ms at 1M).
 * A foreign key states the one-run fact and PostgreSQL's join estimate uses it (0.2–2 ms, the
 * same with a generic plan). `field` and `value` are correlated (`apac` is only ever a `region`):
 * multivariate MCV statistics put the estimate at 9,676 for 9,867 instead of 1,950, which picks
 * the right plan when another filter joins in. The constraint is checked set-based here.
 */
export const POSTGRES_INPUT_ESTIMATES = `ALTER TABLE audit_run_inputs ADD CONSTRAINT audit_run_inputs_run
     FOREIGN KEY (source, run_id) REFERENCES audit_runs (source, run_id) ON DELETE CASCADE;
   CREATE STATISTICS audit_run_inputs_field_value (mcv) ON field, value FROM audit_run_inputs;
   ANALYZE audit_run_inputs;`;

/** The part of a pool the check needs. */
interface Queryable {
  query(sql: string): Promise<{ rows: unknown[] }>;
}

/**
 * Run at every start after the migrations: when the index is missing (the extension was refused
 * at migration 5, or installed since), tries again, and returns a one-line notice saying why
 * there is still no index and what fixes it; `undefined` when the index is there.
 */
export async function ensurePostgresReasonIndex(
  pool: Queryable,
  location: string,
): Promise<string | undefined> {
  const exists = async () =>
    (await pool.query(`SELECT to_regclass('${POSTGRES_REASON_INDEX_NAME}') AS name`)).rows.some(
      (row) => (row as { name: unknown }).name !== null,
    );
  if (await exists()) return undefined;
  let refusal = 'not installed';
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  } catch (error) {
    refusal = (error as Error).message.replace(/\s+/g, ' ');
  }
  await pool.query(CREATE_INDEX_IF_TRIGRAMS);
  if (await exists()) return undefined;
  return (
    `scriptdesk server: audit database ${location}: the console's reason filter has no trigram ` +
    `index (CREATE EXTENSION pg_trgm: ${refusal}), so it scans the runs, slower on a large ` +
    'store; the fix: a superuser runs "CREATE EXTENSION pg_trgm;" in this database (Debian: ' +
    'package postgresql-contrib), and the next start builds the index'
  );
}
