import { POSTGRES_DURATION_BUCKET } from './duration-buckets.js';
import {
  backfill,
  columns,
  createTable,
  each,
  failedSql,
  HISTOGRAM_AGG,
  histogramSql,
  keyColumns,
  known,
  leftRow,
  MOVED,
  nullsOf,
  READ,
  stored,
  TABLES,
  type RollupTable,
} from './rollup-schema.js';

/**
 * Migration 6 of the PostgreSQL store: the same rollups as SQLite's (rollup-schema.ts), kept
 * another way. A row trigger that upserts four rollup rows for every change of a run made each
 * stored event cost about 2 ms of PL/pgSQL, and every batch of every device updated the same few
 * rows (today × script) over and over within its transaction: concurrent ingestion fell from
 * about 1,850 to 100 events/s. Here the row trigger only appends the change to
 * `audit_rollup_pending` (the run's old row with -1, its new row with +1); at commit a deferred
 * trigger folds the transaction's changes into the rollups with one grouped upsert per table, in
 * key order, under a transaction-scoped advisory lock (two commits never lock rollup rows in
 * opposite orders). A reader never sees a change that is not folded: it commits with the fold.
 */

/** Advisory lock (one bigint key) of the fold: next to the migrations' 0x5344_4155_0000. */
const FOLD_LOCK = 0x5344_4155_0001n;
/** The transaction-local setting that says the fold of this transaction has run. */
const FOLDED = 'scriptdesk.rollups_folded';

const PENDING = 'audit_rollup_pending';
const lastRunTables = TABLES.filter((table) => table.lastRun);
/** Whether a taken-away (-1) row's run left `table`'s row: its last run may need looking up. */
const leftColumn = (table: RollupTable) => `left_${table.name}`;
const pendingColumns = ['sign', ...lastRunTables.map(leftColumn), ...READ];

function appendChange(r: 'OLD' | 'NEW', sign: 1 | -1, left: (table: RollupTable) => string) {
  const values = [String(sign), ...lastRunTables.map(left), ...READ.map((c) => `${r}.${c}`)];
  return `INSERT INTO ${PENDING} (${pendingColumns.join(', ')}) VALUES (${values.join(', ')});`;
}

/** The stored key of `table` for the pending row `r`, as a list of `expression AS column`. */
function keysOf(table: RollupTable, r: string): string[] {
  return table.keys.map((key) => `${stored('postgres', key, r)} AS ${key.column}`);
}

/** One grouped upsert of the pending changes into `table`, in key order. */
function fold(table: RollupTable): string {
  const t = table.name;
  const keyCount = table.keys.length + 2;
  const positions = Array.from({ length: keyCount }, (_, i) => i + 1).join(', ');
  const grouped = [
    'substr(r.time, 1, 10) AS day',
    ...keysOf(table, 'r'),
    `${nullsOf('postgres', table, 'r')} AS nulls`,
  ];
  const updates = [
    `runs = ${t}.runs + excluded.runs`,
    ...(table.failed ? [`failed = ${t}.failed + excluded.failed`] : []),
    ...(table.lastRun ? [`last_run = greatest(${t}.last_run, excluded.last_run)`] : []),
    ...(table.bucket
      ? [
          `histogram = (SELECT coalesce(jsonb_object_agg(e.k, e.n), '{}'::jsonb) FROM (
             SELECT k, sum(v::bigint) AS n FROM (
               SELECT * FROM jsonb_each_text(${t}.histogram)
               UNION ALL SELECT * FROM jsonb_each_text(excluded.histogram)) AS b(k, v)
             GROUP BY k) AS e WHERE e.n <> 0)`,
        ]
      : []),
  ];
  const conflict = `ON CONFLICT (${keyColumns(table).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  if (table.bucket) {
    const keys = ['g.day', ...table.keys.map((key) => `g.${key.column}`), 'g.nulls'].join(', ');
    return `INSERT INTO ${t} (${columns(table)})
       SELECT ${keys}, sum(g.runs), ${histogramSql(HISTOGRAM_AGG.postgres, 'g.bucket', 'g.runs')}
       FROM (SELECT ${grouped.join(', ')}, ${table.bucket('postgres', 'r')} AS bucket,
               sum(r.sign) AS runs
             FROM ${PENDING} AS r WHERE ${known('postgres', table, 'r')}
             GROUP BY ${positions}, ${keyCount + 1} HAVING sum(r.sign) <> 0) AS g
       GROUP BY ${keys} ORDER BY ${keys}
       ${conflict};`;
  }
  return `INSERT INTO ${t} (${columns(table)})
     SELECT ${grouped.join(', ')}, sum(r.sign)${
       table.failed ? `, sum(r.sign * (${failedSql('r')}))` : ''
     }${table.lastRun ? ', max(r.time) FILTER (WHERE r.sign > 0)' : ''}
     FROM ${PENDING} AS r WHERE ${known('postgres', table, 'r')}
     GROUP BY ${positions} ORDER BY ${positions}
     ${conflict};`;
}

/**
 * After the fold: a row whose last run was taken away by a run that left it (or whose time
 * changed) has its last run looked up again, within the day; rows left with no runs go.
 */
function retire(table: RollupTable): string {
  const t = table.name;
  const gone = `SELECT DISTINCT substr(r.time, 1, 10) AS day, ${keysOf(table, 'r').join(', ')},
       ${nullsOf('postgres', table, 'r')} AS nulls, r.time
     FROM ${PENDING} AS r WHERE r.sign < 0`;
  const matches = keyColumns(table).map((column) => `${t}.${column} = g.${column}`);
  const statements = [];
  if (table.lastRun) {
    const same = [
      ...table.keys.map((key) => `${stored('postgres', key, 'a')} = ${t}.${key.column}`),
      `${nullsOf('postgres', table, 'a')} = ${t}.nulls`,
    ];
    statements.push(`UPDATE ${t} SET last_run = (
       SELECT max(a.time) FROM audit_runs AS a
       WHERE a.time >= ${t}.day AND a.time < ${t}.day || '~' AND substr(a.time, 1, 10) = ${t}.day
         AND ${same.join(' AND ')})
     FROM (${gone} AND r.${leftColumn(table)}) AS g
     WHERE ${matches.join(' AND ')} AND ${t}.last_run = g.time AND ${t}.runs > 0;`);
  }
  statements.push(`DELETE FROM ${t} USING (${gone}) AS g
     WHERE ${matches.join(' AND ')} AND ${t}.runs = 0;`);
  return statements.join('\n     ');
}

/** Migration 6 of the PostgreSQL store. */
export function postgresRollupMigration(): string {
  const columnsOfRuns = READ.map((column) => `r.${column}`).join(', ');
  const leftFlags = lastRunTables.map((table) => `TRUE AS ${leftColumn(table)}`).join(', ');
  return `${POSTGRES_DURATION_BUCKET}
   ${TABLES.map((table) => createTable('postgres', table)).join('\n   ')}
   CREATE TABLE ${PENDING} AS
     SELECT 1::smallint AS sign, ${leftFlags}, ${columnsOfRuns} FROM audit_runs AS r WITH NO DATA;
   CREATE FUNCTION audit_runs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' THEN
       ${appendChange('OLD', -1, (table) => `(${leftRow(table)})`)}
     ELSIF TG_OP = 'DELETE' THEN
       ${appendChange('OLD', -1, () => 'TRUE')}
     END IF;
     IF TG_OP IN ('INSERT', 'UPDATE') THEN
       ${appendChange('NEW', 1, () => 'FALSE')}
     END IF;
     RETURN NULL;
   END
   $$;
   CREATE TRIGGER audit_runs_rollup_insert AFTER INSERT ON audit_runs
     FOR EACH ROW EXECUTE FUNCTION audit_runs_rollup();
   CREATE TRIGGER audit_runs_rollup_update AFTER UPDATE ON audit_runs
     FOR EACH ROW WHEN (${MOVED}) EXECUTE FUNCTION audit_runs_rollup();
   CREATE TRIGGER audit_runs_rollup_delete AFTER DELETE ON audit_runs
     FOR EACH ROW EXECUTE FUNCTION audit_runs_rollup();
   CREATE FUNCTION audit_rollup_fold() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     -- Fired at commit once per pending row: the first folds them all, the others return.
     IF current_setting('${FOLDED}', TRUE) IS NOT DISTINCT FROM txid_current()::text THEN
       RETURN NULL;
     END IF;
     PERFORM set_config('${FOLDED}', txid_current()::text, TRUE);
     PERFORM pg_advisory_xact_lock(${FOLD_LOCK});
     ${TABLES.map(fold).join('\n     ')}
     ${TABLES.map(retire).join('\n     ')}
     DELETE FROM ${PENDING};
     RETURN NULL;
   END
   $$;
   CREATE CONSTRAINT TRIGGER audit_rollup_pending_fold AFTER INSERT ON ${PENDING}
     DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION audit_rollup_fold();
   ${each((table) => backfill('postgres', table))}`;
}
