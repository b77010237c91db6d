/**
 * The SQL pieces of the migration (both stores: the event types, columns and upsert; SQLite:
 * the rest) that derives `audit_runs` (one row per run) and
 * `audit_run_inputs` from stored run events. The same expressions serve the trigger (on `NEW`)
 * and the backfill of events already stored (on `e`), so both fill the rows alike.
 *
 * Every value read from a body is type-checked and length-capped in SQL: a device's odd event
 * must never make the insert fail (that would refuse its whole batch) nor put a huge key in an
 * index. A value that does not fit is left NULL; the signed body keeps it.
 */

export const RUN_REQUESTED = 'dev.scriptdesk.run.requested';
export const RUN_STARTED = 'dev.scriptdesk.run.started';
export const RUN_FINISHED = 'dev.scriptdesk.run.finished';
export const RUN_INTERRUPTED = 'dev.scriptdesk.run.interrupted';
export const RUN_TYPES = `('${RUN_REQUESTED}', '${RUN_STARTED}', '${RUN_FINISHED}', '${RUN_INTERRUPTED}')`;

/** Longest text kept in an indexed column, and in `reason`. */
const INDEXED_TEXT = 300;
const REASON_TEXT = 4000;

/** The console's tables. Each index ends in the keyset `(time, source, run_id)`. */
export const RUN_TABLES = `CREATE TABLE audit_runs (
     source TEXT NOT NULL,
     run_id TEXT NOT NULL,
     time TEXT NOT NULL,
     script_id TEXT,
     script_version TEXT,
     user_name TEXT,
     host TEXT,
     status TEXT,
     exit_code INTEGER,
     reason TEXT,
     catalogue_version INTEGER,
     dry_run INTEGER,
     started_at TEXT,
     finished_at TEXT,
     requested_sequence INTEGER,
     started_sequence INTEGER,
     finished_sequence INTEGER,
     PRIMARY KEY (source, run_id)
   ) STRICT;
   CREATE INDEX audit_runs_time ON audit_runs(time, source, run_id);
   CREATE INDEX audit_runs_script ON audit_runs(script_id, time, source, run_id);
   CREATE INDEX audit_runs_version ON audit_runs(script_version, time, source, run_id);
   CREATE INDEX audit_runs_user ON audit_runs(user_name, time, source, run_id);
   CREATE INDEX audit_runs_source ON audit_runs(source, time, run_id);
   CREATE INDEX audit_runs_status ON audit_runs(status, time, source, run_id);
   CREATE TABLE audit_run_inputs (
     source TEXT NOT NULL,
     run_id TEXT NOT NULL,
     field TEXT NOT NULL,
     value TEXT NOT NULL,
     time TEXT NOT NULL,
     PRIMARY KEY (source, run_id, field)
   ) STRICT;
   CREATE INDEX audit_run_inputs_value ON audit_run_inputs(field, value, time, source, run_id);`;

export const RUN_COLUMNS =
  'source, run_id, time, script_id, script_version, user_name, host, status, exit_code, reason, catalogue_version, dry_run, started_at, finished_at, requested_sequence, started_sequence, finished_sequence';

/** `json_extract` of `data.<field>` of the row `e`. */
export function json(e: string, field: string): string {
  return `json_extract(${e}.body, '$.data.${field}')`;
}

function jsonType(e: string, field: string): string {
  return `json_type(${e}.body, '$.data.${field}')`;
}

function text(e: string, field: string, max = INDEXED_TEXT): string {
  return `CASE WHEN ${jsonType(e, field)} = 'text' AND length(${json(e, field)}) <= ${max} THEN ${json(e, field)} END`;
}

function integer(e: string, field: string): string {
  return `CASE WHEN ${jsonType(e, field)} = 'integer' THEN ${json(e, field)} END`;
}

/** The run has a usable id: a string of at most 300 characters. */
export function runIdGuard(e: string): string {
  return `${jsonType(e, 'runId')} = 'text' AND length(${json(e, 'runId')}) <= ${INDEXED_TEXT}`;
}

/** The values of {@link RUN_COLUMNS} that the event `e` contributes (NULL where it says nothing). */
export function runValues(e: string): string {
  const when = (types: string[], value: string) =>
    `CASE WHEN ${e}.type IN (${types.map((type) => `'${type}'`).join(', ')}) THEN ${value} END`;
  return [
    `${e}.source`,
    json(e, 'runId'),
    `${e}.time`,
    text(e, 'scriptId'),
    text(e, 'scriptVersion'),
    text(e, 'user'),
    text(e, 'host'),
    when([RUN_FINISHED, RUN_INTERRUPTED], text(e, 'status')),
    when([RUN_FINISHED], integer(e, 'exitCode')),
    text(e, 'reason', REASON_TEXT),
    integer(e, 'catalogueVersion'),
    `CASE ${jsonType(e, 'dryRun')} WHEN 'true' THEN 1 WHEN 'false' THEN 0 END`,
    text(e, 'startedAt', 40),
    text(e, 'finishedAt', 40),
    when([RUN_REQUESTED], `${e}.sequence`),
    when([RUN_STARTED], `${e}.sequence`),
    when([RUN_FINISHED, RUN_INTERRUPTED], `${e}.sequence`),
  ].join(',\n       ');
}

/** A later event of a known run fills what is still missing; the run's `time` stays its first. */
export const RUN_UPSERT = `ON CONFLICT (source, run_id) DO UPDATE SET ${RUN_COLUMNS.split(', ')
  .filter((column) => !['source', 'run_id', 'time'].includes(column))
  .map((column) => `${column} = coalesce(excluded.${column}, audit_runs.${column})`)
  .join(', ')}`;

/** A scalar input as text: strings as they are, numbers as written, booleans as true/false. */
const INPUT_VALUE = `CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END`;
const INPUT_GUARD = `j.type IN ('text', 'integer', 'real', 'true', 'false') AND length(j.key) <= 200 AND length(CAST(j.value AS TEXT)) <= 200`;

/**
 * Records the scalar top-level inputs of the run-started events in `from` (which names the event
 * `e` and `json_each(… '$.data.inputs') AS j`), with their run's time for the filter's keyset.
 */
export function inputsInsert(e: string, from: string): string {
  return `INSERT INTO audit_run_inputs (source, run_id, field, value, time)
     SELECT ${e}.source, ${json(e, 'runId')}, j.key, ${INPUT_VALUE}, r.time
     FROM ${from}, audit_runs AS r
     WHERE ${e}.type = '${RUN_STARTED}' AND ${runIdGuard(e)}
       AND ${jsonType(e, 'inputs')} = 'object' AND ${INPUT_GUARD}
       AND r.source = ${e}.source AND r.run_id = ${json(e, 'runId')}
     ON CONFLICT DO NOTHING`;
}
