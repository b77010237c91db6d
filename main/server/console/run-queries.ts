import type { AuditStore, StoreKind } from '../audit/audit-store.js';
import { SQLITE_REASON_TABLE } from '../audit/run-search-schema.js';
import type { RunSummary } from './console-types.js';
import type { RunFilters, RunKey } from './run-filters.js';

/**
 * The console's run list over `audit_runs` (one row per run, kept by the database from the run
 * events). Paging is by keyset `(time, source, run_id)`, newest first, and every filter but the
 * reason text has an index ending in that keyset, so a page reads about `limit` index entries
 * however many runs there are. With an input filter the walk starts in `audit_run_inputs`, whose
 * index `(field, value, time, source, run_id)` gives the same order. The reason text is a
 * substring search narrowed by a trigram index (migration 5; see {@link reasonConditions}).
 */

interface RunRow {
  source: string;
  run_id: string;
  time: string;
  script_id: string | null;
  script_version: string | null;
  user_name: string | null;
  host: string | null;
  status: string | null;
  exit_code: number | null;
  reason: string | null;
  catalogue_version: number | null;
  dry_run: number | boolean | null;
  started_at: string | null;
  finished_at: string | null;
  requested_sequence: number | null;
  started_sequence: number | null;
  finished_sequence: number | null;
}

const COLUMNS = [
  'source',
  'run_id',
  'time',
  'script_id',
  'script_version',
  'user_name',
  'host',
  'status',
  'exit_code',
  'reason',
  'catalogue_version',
  'dry_run',
  'started_at',
  'finished_at',
  'requested_sequence',
  'started_sequence',
  'finished_sequence',
];

/**
 * The reason filter: a case-insensitive substring (the text lower-cased, `%`, `_` and `!` taken
 * literally). `lower(r.reason) LIKE` is always the judge. PostgreSQL's trigram index is on that
 * very expression, so its planner uses it for this SQL; on SQLite a text of 3+ characters first
 * narrows the runs through the FTS5 trigram table (migration 5, `audit/run-search-schema.ts`). That
 * table folds case per character and the text is lower-cased, so every run the LIKE accepts is
 * among its candidates; a shorter text matches nearly every run, and a page fills fast by scan.
 */
function reasonConditions(kind: StoreKind, reason: string, params: unknown[]): string[] {
  const lowered = reason.toLowerCase();
  const clauses = [`lower(r.reason) LIKE ? ESCAPE '!'`];
  params.push(`%${lowered.replace(/[!%_]/g, (c) => `!${c}`)}%`);
  if (kind === 'sqlite' && [...lowered].length >= 3) {
    clauses.push(
      `r.rowid IN (SELECT rowid FROM ${SQLITE_REASON_TABLE} WHERE ${SQLITE_REASON_TABLE} MATCH ?)`,
    );
    // One FTS5 phrase: the whole text, its double quotes doubled, so no character is syntax.
    params.push(`"${lowered.replace(/"/g, '""')}"`);
  }
  return clauses;
}

/** The WHERE conditions of `filters` on `audit_runs AS r` (and `i`, the input row, if joined). */
export function runConditions(kind: StoreKind, filters: RunFilters, params: unknown[]): string[] {
  const clauses: string[] = [];
  const equal: [keyof RunFilters, string][] = [
    ['script', 'r.script_id'],
    ['version', 'r.script_version'],
    ['user', 'r.user_name'],
    ['device', 'r.source'],
    ['status', 'r.status'],
  ];
  for (const [name, column] of equal) {
    const wanted = filters[name];
    if (typeof wanted === 'string') {
      clauses.push(`${column} = ?`);
      params.push(wanted);
    }
  }
  // With an input filter, the range is on the input row's copy of the time, so its index serves.
  const time = filters.input ? 'i.time' : 'r.time';
  if (filters.since !== undefined) {
    clauses.push(`${time} >= ?`);
    params.push(filters.since);
  }
  if (filters.until !== undefined) {
    clauses.push(`${time} < ?`);
    params.push(filters.until);
  }
  if (filters.reason !== undefined) clauses.push(...reasonConditions(kind, filters.reason, params));
  if (filters.input) {
    clauses.push('i.field = ?', 'i.value = ?');
    params.push(filters.input.field, filters.input.value);
  }
  return clauses;
}

/** The FROM clause: the runs, joined to their input rows when an input is filtered on. */
function fromClause(filters: RunFilters): string {
  return filters.input
    ? 'audit_run_inputs AS i JOIN audit_runs AS r ON r.source = i.source AND r.run_id = i.run_id'
    : 'audit_runs AS r';
}

/** One page of runs, newest first, strictly after `after`. */
export async function listRuns(
  store: AuditStore,
  filters: RunFilters,
  after: RunKey | undefined,
  limit: number,
): Promise<RunSummary[]> {
  const params: unknown[] = [];
  const clauses = runConditions(store.kind, filters, params);
  const t = filters.input ? 'i' : 'r';
  if (after) {
    clauses.push(`(${t}.time, ${t}.source, ${t}.run_id) < (?, ?, ?)`);
    params.push(after.time, after.source, after.runId);
  }
  params.push(limit);
  const sql = `SELECT ${COLUMNS.map((c) => `r.${c}`).join(', ')} FROM ${fromClause(filters)}
    ${clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''}
    ORDER BY ${t}.time DESC, ${t}.source DESC, ${t}.run_id DESC LIMIT ?`;
  return (await store.select<RunRow>(sql, params)).map(toSummary);
}

/** One run by its device and id, or undefined. */
export async function findRun(
  store: AuditStore,
  source: string,
  runId: string,
): Promise<RunSummary | undefined> {
  const rows = await store.select<RunRow>(
    `SELECT ${COLUMNS.join(', ')} FROM audit_runs WHERE source = ? AND run_id = ?`,
    [source, runId],
  );
  return rows[0] && toSummary(rows[0]);
}

function toSummary(row: RunRow): RunSummary {
  return {
    source: row.source,
    runId: row.run_id,
    time: row.time,
    scriptId: row.script_id,
    scriptVersion: row.script_version,
    user: row.user_name,
    host: row.host,
    status: row.status,
    exitCode: row.exit_code,
    reason: row.reason,
    catalogueVersion: row.catalogue_version,
    dryRun: row.dry_run === null ? null : Boolean(row.dry_run),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    sequences: {
      requested: row.requested_sequence,
      started: row.started_sequence,
      finished: row.finished_sequence,
    },
  };
}
