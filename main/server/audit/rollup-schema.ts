import { durationBucketSql, type SqlDialect } from './duration-buckets.js';

/**
 * Migration 6 of both stores (issue 16, Insights at a million events): per-day rollups of
 * `audit_runs`, kept by triggers on it, so the Insights page sums a few rows per day instead of
 * grouping every run of the range. A run's row is inserted by its first event and updated by the
 * others, in any order and batch: the UPDATE trigger takes the old row's contribution away and
 * adds the new one, so a rollup always equals the same grouping done over `audit_runs`.
 *
 * A key column may be NULL in `audit_runs` (an unknown script or user, an unfinished run), and a
 * primary key may not (nor would NULLs meet in ON CONFLICT): a NULL key is stored as '' or 0 with
 * its bit set in `nulls` (bit i for the i-th nullable key), which keeps NULL apart from '' and 0.
 */

/**
 * The statuses counted as failures: the script failed, ran out of time or output, or the desk
 * stopped under it. Not `expected` (an exit the script declares normal) nor `cancelled`.
 */
export const FAILED_STATUSES = ['failed', 'retriable', 'timeout', 'output_limit', 'interrupted'];

/** The run row `r` failed (a condition). */
export function failedCondition(r: string): string {
  return `${r}.status IN (${FAILED_STATUSES.map((s) => `'${s}'`).join(', ')})`;
}

/** 1 when the run row `r` failed, else 0. */
export function failedSql(r: string): string {
  return `CASE WHEN ${failedCondition(r)} THEN 1 ELSE 0 END`;
}

interface Key {
  column: string;
  type: 'text' | 'integer' | 'number';
  nullable: boolean;
  /** Its value for the run row `r`; the run's own column by default. */
  value?: (dialect: SqlDialect, r: string) => string;
}

/** One rollup table: runs per day and key, with failures and the last run's time if asked. */
export interface RollupTable {
  name: string;
  keys: readonly Key[];
  failed: boolean;
  lastRun: boolean;
  /** The bucket of a run (NULL: left out), when the row keeps a histogram of runs per bucket. */
  bucket?: (dialect: SqlDialect, r: string) => string;
}

const SCRIPT: Key = { column: 'script_id', type: 'text', nullable: true };

export const OUTCOMES: RollupTable = {
  name: 'audit_rollup_outcomes',
  keys: [
    SCRIPT,
    { column: 'status', type: 'text', nullable: true },
    { column: 'exit_code', type: 'number', nullable: true },
  ],
  failed: false,
  lastRun: false,
};
export const USERS: RollupTable = {
  name: 'audit_rollup_users',
  keys: [{ column: 'user_name', type: 'text', nullable: true }],
  failed: true,
  lastRun: true,
};
export const DEVICES: RollupTable = {
  name: 'audit_rollup_devices',
  keys: [
    { column: 'source', type: 'text', nullable: false },
    { column: 'catalogue_version', type: 'number', nullable: true },
  ],
  failed: true,
  lastRun: true,
};
/**
 * Per day and script, a histogram of durations (see duration-buckets.ts): `{"bucket": runs}`, JSON
 * text in SQLite and jsonb in PostgreSQL. One row per day and script, so 30 days of 40 scripts are
 * 1,200 rows however many runs. Runs without a duration are left out.
 */
export const DURATIONS: RollupTable & Required<Pick<RollupTable, 'bucket'>> = {
  name: 'audit_rollup_durations',
  keys: [SCRIPT],
  failed: false,
  lastRun: false,
  bucket: durationBucketSql,
};
export const TABLES = [OUTCOMES, USERS, DEVICES, DURATIONS];

/** The columns of `audit_runs` a rollup reads: an UPDATE changing none of them changes none. */
export const READ = [
  'time',
  'source',
  'script_id',
  'user_name',
  'status',
  'exit_code',
  'catalogue_version',
  'started_at',
  'finished_at',
];

const TYPES = {
  sqlite: {
    text: 'TEXT',
    integer: 'INTEGER',
    number: 'INTEGER',
    json: 'TEXT',
    strict: ' STRICT',
  },
  postgres: {
    text: 'text COLLATE "C"',
    integer: 'bigint',
    number: 'numeric',
    json: 'jsonb',
    strict: '',
  },
} as const;

/** SQLite: the histogram `h` with `runs` added to the count of `bucket`. */
function histogramAdd(h: string, bucket: string, runs: string): string {
  const path = `'$."' || (${bucket}) || '"'`;
  return `json_set(${h}, ${path}, coalesce(json_extract(${h}, ${path}), 0) + ${runs})`;
}

/** The aggregate building a histogram from (bucket, runs) rows. */
export const HISTOGRAM_AGG = {
  sqlite: 'json_group_object(CAST($1 AS TEXT), $2)',
  postgres: 'jsonb_object_agg(($1)::text, $2)',
} as const;
export const histogramSql = (template: string, bucket: string, runs: string) =>
  template.replace('$1', bucket).replace('$2', runs);

const valueOf = (dialect: SqlDialect, key: Key, r: string) =>
  key.value ? key.value(dialect, r) : `${r}.${key.column}`;
const nullables = (table: RollupTable) => table.keys.filter((key) => key.nullable);
const bit = (table: RollupTable, key: Key) => 2 ** nullables(table).indexOf(key);

/** The key as stored: NULL as '' or 0 (its bit in `nulls` says it was NULL). */
export function stored(dialect: SqlDialect, key: Key, r: string): string {
  const value = valueOf(dialect, key, r);
  return key.nullable ? `coalesce(${value}, ${key.type === 'text' ? "''" : '0'})` : value;
}

export function nullsOf(dialect: SqlDialect, table: RollupTable, r: string): string {
  const bits = nullables(table).map(
    (key) => `CASE WHEN ${valueOf(dialect, key, r)} IS NULL THEN ${bit(table, key)} ELSE 0 END`,
  );
  return bits.length === 0 ? '0' : bits.join(' + ');
}

/** Where the only value must be known (the duration bucket). */
export function known(dialect: SqlDialect, table: RollupTable, r: string): string {
  return table.bucket ? `${table.bucket(dialect, r)} IS NOT NULL` : 'TRUE';
}

export const keyColumns = (table: RollupTable) => [
  'day',
  ...table.keys.map((k) => k.column),
  'nulls',
];

export function columns(table: RollupTable): string {
  return [
    ...keyColumns(table),
    'runs',
    ...(table.failed ? ['failed'] : []),
    ...(table.lastRun ? ['last_run'] : []),
    ...(table.bucket ? ['histogram'] : []),
  ].join(', ');
}

export function createTable(dialect: SqlDialect, table: RollupTable): string {
  const type = TYPES[dialect];
  return `CREATE TABLE ${table.name} (
     day ${type.text} NOT NULL,
     ${table.keys.map((key) => `${key.column} ${type[key.type]} NOT NULL,`).join('\n     ')}
     nulls ${type.integer} NOT NULL,
     runs ${type.integer} NOT NULL,${table.failed ? `\n     failed ${type.integer} NOT NULL,` : ''}${
       table.lastRun ? `\n     last_run ${type.text},` : ''
     }${table.bucket ? `\n     histogram ${type.json} NOT NULL,` : ''}
     PRIMARY KEY (${keyColumns(table).join(', ')})
   )${type.strict};`;
}

/**
 * SQLite's row triggers: adds (sign 1) or takes away (sign -1) the run row `r` (NEW or OLD).
 * PostgreSQL folds its changes at commit instead (postgres-rollups.ts).
 */
function apply(table: RollupTable, r: string, sign: 1 | -1): string {
  const dialect: SqlDialect = 'sqlite';
  const t = table.name;
  const updates = [
    `runs = ${t}.runs + excluded.runs`,
    ...(table.failed ? [`failed = ${t}.failed + excluded.failed`] : []),
    ...(table.lastRun ? [`last_run = max(${t}.last_run, excluded.last_run)`] : []),
    ...(table.bucket
      ? [`histogram = ${histogramAdd(`${t}.histogram`, table.bucket(dialect, r), String(sign))}`]
      : []),
  ];
  const histogram = table.bucket
    ? `, json_object(CAST((${table.bucket(dialect, r)}) AS TEXT), ${sign})`
    : '';
  return `INSERT INTO ${t} (${columns(table)})
     SELECT substr(${r}.time, 1, 10), ${table.keys.map((key) => stored(dialect, key, r)).join(', ')},
       ${nullsOf(dialect, table, r)}, ${sign}${table.failed ? `, ${sign} * (${failedSql(r)})` : ''}${
         table.lastRun ? `, ${r}.time` : ''
       }${histogram}
     WHERE ${known(dialect, table, r)}
     ON CONFLICT (${keyColumns(table).join(', ')}) DO UPDATE SET ${updates.join(', ')};`;
}

/** SQLite: the row of `table` that the run row `r` counts in. */
function rowOf(table: RollupTable, r: string): string {
  return [
    `day = substr(${r}.time, 1, 10)`,
    ...table.keys.map((key) => `${key.column} = ${stored('sqlite', key, r)}`),
    `nulls = ${nullsOf('sqlite', table, r)}`,
  ].join(' AND ');
}

/**
 * After OLD was taken away: when OLD was its row's last run and the run left that row or its time
 * changed (`moved`), the row's last run is looked up again (through the time or source index,
 * within the day); a row with no runs left is removed. A run's later events change its status,
 * not its time or keys: they never look anything up (a look-up per event scanned the day's runs).
 */
function retire(table: RollupTable, moved: string): string {
  const statements: string[] = [];
  if (table.lastRun) {
    const same = table.keys.map((key) =>
      key.nullable
        ? `a.${key.column} IS NOT DISTINCT FROM OLD.${key.column}`
        : `a.${key.column} = OLD.${key.column}`,
    );
    statements.push(`UPDATE ${table.name} SET last_run = (
       SELECT max(a.time) FROM audit_runs AS a
       WHERE a.time >= substr(OLD.time, 1, 10) AND a.time < substr(OLD.time, 1, 10) || '~'
         AND substr(a.time, 1, 10) = substr(OLD.time, 1, 10) AND ${same.join(' AND ')})
     WHERE ${rowOf(table, 'OLD')} AND runs > 0 AND last_run = OLD.time AND (${moved});`);
  }
  statements.push(`DELETE FROM ${table.name} WHERE ${rowOf(table, 'OLD')} AND runs = 0;`);
  return statements.join('\n     ');
}

/** OLD and NEW differ in a column the rollups read. */
export const MOVED = READ.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(
  ' OR ',
);

/** The run left `table`'s row (a key or the day changed) or its time changed within it. */
export const leftRow = (table: RollupTable) =>
  ['time', ...table.keys.map((key) => key.column)]
    .map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`)
    .join(' OR ');

/** Fills a rollup from the runs already stored: one set-based INSERT…SELECT. */
export function backfill(dialect: SqlDialect, table: RollupTable): string {
  const keyCount = table.keys.length + 2;
  if (table.bucket) {
    // Runs per bucket first, then one histogram per row.
    const keys = table.keys.map((key) => `g.${key.column}`).join(', ');
    return `INSERT INTO ${table.name} (${columns(table)})
     SELECT g.day, ${keys}, g.nulls, sum(g.runs), ${histogramSql(HISTOGRAM_AGG[dialect], 'g.bucket', 'g.runs')}
     FROM (
       SELECT substr(r.time, 1, 10) AS day,
         ${table.keys.map((key) => `${stored(dialect, key, 'r')} AS ${key.column}`).join(', ')},
         ${nullsOf(dialect, table, 'r')} AS nulls, ${table.bucket(dialect, 'r')} AS bucket,
         count(*) AS runs
       FROM audit_runs AS r WHERE ${known(dialect, table, 'r')}
       GROUP BY ${Array.from({ length: keyCount + 1 }, (_, i) => i + 1).join(', ')}
     ) AS g
     GROUP BY g.day, ${keys}, g.nulls;`;
  }
  return `INSERT INTO ${table.name} (${columns(table)})
     SELECT substr(r.time, 1, 10), ${table.keys.map((key) => stored(dialect, key, 'r')).join(', ')},
       ${nullsOf(dialect, table, 'r')}, count(*)${table.failed ? `, sum(${failedSql('r')})` : ''}${
         table.lastRun ? ', max(r.time)' : ''
       }
     FROM audit_runs AS r WHERE ${known(dialect, table, 'r')}
     GROUP BY ${Array.from({ length: keyCount }, (_, i) => i + 1).join(', ')};`;
}

export const each = (statement: (table: RollupTable) => string) =>
  TABLES.map(statement).join('\n     ');

/** Migration 6 of the SQLite store. */
export function sqliteRollupMigration(): string {
  const d: SqlDialect = 'sqlite';
  return `${TABLES.map((table) => createTable(d, table)).join('\n   ')}
   CREATE TRIGGER audit_runs_rollup_insert AFTER INSERT ON audit_runs BEGIN
     ${each((table) => apply(table, 'NEW', 1))}
   END;
   CREATE TRIGGER audit_runs_rollup_update AFTER UPDATE ON audit_runs WHEN ${MOVED} BEGIN
     ${each((table) => apply(table, 'OLD', -1))}
     ${each((table) => apply(table, 'NEW', 1))}
     ${each((table) => retire(table, leftRow(table)))}
   END;
   CREATE TRIGGER audit_runs_rollup_delete AFTER DELETE ON audit_runs BEGIN
     ${each((table) => apply(table, 'OLD', -1))}
     ${each((table) => retire(table, 'TRUE'))}
   END;
   ${each((table) => backfill(d, table))}`;
}

/**
 * The rows of a rollup within whole days [firstDay, lastDay] (two `?`), keys decoded back to
 * NULL, in the same columns as {@link runRows} gives for single runs.
 */
export function rollupRows(table: RollupTable): string {
  const keys = table.keys.map((key) =>
    key.nullable
      ? `CASE WHEN (g.nulls & ${bit(table, key)}) = 0 THEN g.${key.column} END AS ${key.column}`
      : `g.${key.column}`,
  );
  const extra = [
    ...(table.failed ? ['g.failed'] : []),
    ...(table.lastRun ? ['g.last_run'] : []),
    ...(table.bucket ? ['CAST(g.histogram AS TEXT) AS histogram'] : []),
  ];
  return `SELECT g.day, ${[...keys, 'g.runs', ...extra].join(', ')}
     FROM ${table.name} AS g WHERE g.day >= ? AND g.day <= ?`;
}

/** Each run with a bucket within [from, to) (two `?`): its keys of `table` and its bucket. */
export function bucketRows(
  dialect: SqlDialect,
  table: RollupTable & Required<Pick<RollupTable, 'bucket'>>,
): string {
  const keys = table.keys.map((key) => `${valueOf(dialect, key, 'r')} AS ${key.column}`);
  return `SELECT ${keys.join(', ')}, ${table.bucket(dialect, 'r')} AS bucket
     FROM audit_runs AS r WHERE r.time >= ? AND r.time < ? AND ${known(dialect, table, 'r')}`;
}

/** Each run of `audit_runs` within [from, to) (two `?`) as one rollup row of `table`. */
export function runRows(dialect: SqlDialect, table: RollupTable): string {
  const keys = table.keys.map((key) => `${valueOf(dialect, key, 'r')} AS ${key.column}`);
  const extra = [
    ...(table.failed ? [`${failedSql('r')} AS failed`] : []),
    ...(table.lastRun ? ['r.time AS last_run'] : []),
  ];
  return `SELECT substr(r.time, 1, 10) AS day, ${[...keys, '1 AS runs', ...extra].join(', ')}
     FROM audit_runs AS r WHERE r.time >= ? AND r.time < ? AND ${known(dialect, table, 'r')}`;
}
