import type pg from 'pg';
import {
  RUN_COLUMNS,
  RUN_FINISHED,
  RUN_INTERRUPTED,
  RUN_REQUESTED,
  RUN_STARTED,
  RUN_TYPES,
  RUN_UPSERT,
} from './run-schema.js';
import { POSTGRES_INPUT_ESTIMATES, POSTGRES_REASON_INDEX } from './run-search-schema.js';
import { postgresRollupMigration } from './postgres-rollups.js';

/**
 * Schema migrations, applied in order inside one transaction each and recorded in
 * `audit_schema_version`. Append only. Text columns that are compared or sorted use the "C"
 * collation, so PostgreSQL orders them bytewise, exactly like SQLite: both stores page the same.
 * `body` is `text`, never `jsonb`: the bytes the device signed must come back unchanged.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_devices (
     source text COLLATE "C" NOT NULL,
     public_key text COLLATE "C" NOT NULL,
     status text NOT NULL CHECK (status IN ('active', 'pending', 'revoked')),
     first_seen text NOT NULL,
     changed_at text NOT NULL,
     PRIMARY KEY (source, public_key)
   );
   CREATE TABLE audit_events (
     source text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     sequence bigint NOT NULL,
     type text COLLATE "C" NOT NULL,
     time text COLLATE "C" NOT NULL,
     subject text NOT NULL,
     user_name text COLLATE "C",
     script_id text COLLATE "C",
     status text COLLATE "C",
     body text NOT NULL,
     hash text NOT NULL,
     received_at text NOT NULL,
     PRIMARY KEY (source, id)
   );
   CREATE INDEX audit_events_chain ON audit_events (source, sequence, id);
   CREATE INDEX audit_events_time ON audit_events (time, source, sequence, id);
   CREATE INDEX audit_events_script ON audit_events (script_id, time);
   CREATE INDEX audit_events_user ON audit_events (user_name, time);
   CREATE TABLE audit_device_heads (
     source text COLLATE "C" PRIMARY KEY,
     sequence bigint NOT NULL,
     hash text NOT NULL
   );
   CREATE TABLE audit_flags (
     id bigserial PRIMARY KEY,
     source text COLLATE "C",
     sequence bigint,
     event_id text,
     kind text NOT NULL,
     message text NOT NULL,
     body text,
     received_at text NOT NULL,
     fingerprint text NOT NULL UNIQUE
   );
   CREATE INDEX audit_flags_source ON audit_flags (source, id);
   -- The record is append-only: the database refuses to change or remove what was received.
   CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
   END
   $$;
   CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
     FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
   CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
   CREATE TRIGGER audit_flags_append_only BEFORE UPDATE OR DELETE ON audit_flags
     FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
   CREATE TRIGGER audit_flags_no_truncate BEFORE TRUNCATE ON audit_flags
     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();`,
  // The key change a device announced with a new key (its key-rotation event), for the admin who
  // approves the key. Shown only: verify reads the change from the signed, stored events.
  `ALTER TABLE audit_devices
     ADD COLUMN rotated_from text COLLATE "C",
     ADD COLUMN rotation_sequence bigint,
     ADD COLUMN rotation_time text,
     ADD COLUMN rotation_reason text CHECK (rotation_reason IN ('key_lost', 'rotated'));`,
  // ALERTS (issue 16): the durable webhook queue, written in the same transaction as the ingest
  // that raised each alert (ids are derived from what raised it, so a repeat is a no-op), and
  // what each device last told the server (for the silent-device check). See main/server/alerts/.
  `CREATE TABLE audit_alerts (
     id text COLLATE "C" PRIMARY KEY,
     kind text NOT NULL,
     source text COLLATE "C",
     facts text NOT NULL,
     created_at text COLLATE "C" NOT NULL
   );
   CREATE INDEX audit_alerts_created ON audit_alerts (created_at, id);
   CREATE TABLE audit_alert_deliveries (
     alert_id text COLLATE "C" NOT NULL REFERENCES audit_alerts (id),
     target text COLLATE "C" NOT NULL,
     state text NOT NULL
       CHECK (state IN ('pending', 'delivering', 'delivered', 'failed-retrying', 'gave-up')),
     attempts integer NOT NULL,
     next_at text COLLATE "C" NOT NULL,
     last_error text,
     updated_at text NOT NULL,
     PRIMARY KEY (alert_id, target)
   );
   CREATE INDEX audit_alert_deliveries_due ON audit_alert_deliveries (state, next_at);
   CREATE TABLE audit_device_reports (
     source text COLLATE "C" PRIMARY KEY,
     last_seen text COLLATE "C" NOT NULL,
     backlog bigint
   );`,
  // The audit console (issue 16): one row per run, kept by the database itself from the run
  // events it stores (a trigger, and a backfill of the events already here), so the console's run
  // list pages through indexes instead of parsing every body; the runs' top-level input values
  // for the input filter; an index of flags by sequence (a run's page); and the admin log, where
  // every approve and revoke is written, append-only like the events. Values read from a body are
  // type-checked and length-capped: an odd event is left out of the run row, never refused.
  `CREATE TABLE audit_runs (
     source text COLLATE "C" NOT NULL,
     run_id text COLLATE "C" NOT NULL,
     time text COLLATE "C" NOT NULL,
     script_id text COLLATE "C",
     script_version text COLLATE "C",
     user_name text COLLATE "C",
     host text COLLATE "C",
     status text COLLATE "C",
     exit_code numeric,
     reason text,
     catalogue_version numeric,
     dry_run boolean,
     started_at text,
     finished_at text,
     requested_sequence bigint,
     started_sequence bigint,
     finished_sequence bigint,
     PRIMARY KEY (source, run_id)
   );
   CREATE INDEX audit_runs_time ON audit_runs (time, source, run_id);
   CREATE INDEX audit_runs_script ON audit_runs (script_id, time, source, run_id);
   CREATE INDEX audit_runs_version ON audit_runs (script_version, time, source, run_id);
   CREATE INDEX audit_runs_user ON audit_runs (user_name, time, source, run_id);
   CREATE INDEX audit_runs_source ON audit_runs (source, time, run_id);
   CREATE INDEX audit_runs_status ON audit_runs (status, time, source, run_id);
   CREATE TABLE audit_run_inputs (
     source text COLLATE "C" NOT NULL,
     run_id text COLLATE "C" NOT NULL,
     field text COLLATE "C" NOT NULL,
     value text COLLATE "C" NOT NULL,
     time text COLLATE "C" NOT NULL,
     PRIMARY KEY (source, run_id, field)
   );
   CREATE INDEX audit_run_inputs_value ON audit_run_inputs (field, value, time, source, run_id);
   CREATE FUNCTION audit_runs_apply(e audit_events) RETURNS void LANGUAGE plpgsql AS $$
   DECLARE
     d json;
     run text;
   BEGIN
     IF e.type NOT IN ${RUN_TYPES} THEN RETURN; END IF;
     -- json, not jsonb: a body may hold text jsonb refuses (an escaped NUL); one that still cannot be
     -- read is left out of the runs, and its event stored all the same.
     BEGIN
       d := e.body::json -> 'data';
       IF json_typeof(d -> 'runId') IS DISTINCT FROM 'string' THEN RETURN; END IF;
       run := d ->> 'runId';
       IF length(run) > 300 THEN RETURN; END IF;
       INSERT INTO audit_runs (${RUN_COLUMNS}) VALUES (
         e.source, run, e.time,
         ${pgText('scriptId')}, ${pgText('scriptVersion')}, ${pgText('user')}, ${pgText('host')},
         CASE WHEN e.type IN ('${RUN_FINISHED}', '${RUN_INTERRUPTED}') THEN ${pgText('status')} END,
         CASE WHEN e.type = '${RUN_FINISHED}' THEN ${pgNumber('exitCode')} END,
         ${pgText('reason', 4000)}, ${pgNumber('catalogueVersion')},
         CASE WHEN json_typeof(d -> 'dryRun') = 'boolean' THEN (d ->> 'dryRun')::boolean END,
         ${pgText('startedAt', 40)}, ${pgText('finishedAt', 40)},
         CASE WHEN e.type = '${RUN_REQUESTED}' THEN e.sequence END,
         CASE WHEN e.type = '${RUN_STARTED}' THEN e.sequence END,
         CASE WHEN e.type IN ('${RUN_FINISHED}', '${RUN_INTERRUPTED}') THEN e.sequence END
       ) ${RUN_UPSERT};
       IF e.type = '${RUN_STARTED}' AND json_typeof(d -> 'inputs') = 'object' THEN
         INSERT INTO audit_run_inputs (source, run_id, field, value, time)
           SELECT e.source, run, i.key, i.value #>> '{}', r.time
           FROM json_each(d -> 'inputs') AS i, audit_runs AS r
           WHERE r.source = e.source AND r.run_id = run
             AND json_typeof(i.value) IN ('string', 'number', 'boolean')
             AND length(i.key) <= 200 AND length(i.value #>> '{}') <= 200
           ON CONFLICT DO NOTHING;
       END IF;
     EXCEPTION WHEN invalid_text_representation OR untranslatable_character
       OR numeric_value_out_of_range THEN
       RETURN;
     END;
   END
   $$;
   CREATE FUNCTION audit_runs_record() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     PERFORM audit_runs_apply(NEW);
     RETURN NULL;
   END
   $$;
   CREATE TRIGGER audit_events_runs AFTER INSERT ON audit_events
     FOR EACH ROW EXECUTE FUNCTION audit_runs_record();
   DO $$
   DECLARE e audit_events;
   BEGIN
     FOR e IN SELECT * FROM audit_events WHERE type IN ${RUN_TYPES} ORDER BY source, sequence LOOP
       PERFORM audit_runs_apply(e);
     END LOOP;
   END
   $$;
   CREATE INDEX audit_flags_sequence ON audit_flags (source, sequence);
   CREATE TABLE audit_admin_log (
     id bigserial PRIMARY KEY,
     at text NOT NULL,
     actor text NOT NULL,
     action text NOT NULL CHECK (action IN ('approve', 'revoke')),
     source text COLLATE "C" NOT NULL,
     public_key text,
     outcome text NOT NULL
   );
   CREATE TRIGGER audit_admin_log_append_only BEFORE UPDATE OR DELETE ON audit_admin_log
     FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
   CREATE TRIGGER audit_admin_log_no_truncate BEFORE TRUNCATE ON audit_admin_log
     FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();`,
  // 5: the reason filter's trigram index, when pg_trgm may be installed, and the input filter's
  // estimates (run-search-schema.ts).
  `${POSTGRES_REASON_INDEX}
   ${POSTGRES_INPUT_ESTIMATES}`,
  // 6: the Insights rollups: per-day sums of `audit_runs` kept by triggers on it, backfilled
  // from the runs already stored; the Insights page reads whole days from them. See rollup-schema.ts.
  postgresRollupMigration(),
];

/** A text field of the event's data `d`, NULL when it is not a string or longer than `max`. */
function pgText(field: string, max = 300): string {
  return `CASE WHEN json_typeof(d -> '${field}') = 'string' AND length(d ->> '${field}') <= ${max} THEN d ->> '${field}' END`;
}

/** A number field of `d`, NULL when it is not a JSON number. */
function pgNumber(field: string): string {
  return `CASE WHEN json_typeof(d -> '${field}') = 'number' THEN (d ->> '${field}')::numeric END`;
}

/** Advisory lock of the migrations: a single bigint key, a key space apart from the sources'. */
const MIGRATION_LOCK = 0x5344_4155_0000n;

/** Brings the schema up to date in one transaction; refuses a schema newer than this code. */
export async function migratePostgres(pool: pg.Pool, location: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Two servers starting at once on an empty database must not both create the tables.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS audit_schema_version (version integer NOT NULL)',
    );
    const result = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM audit_schema_version',
    );
    const current = result.rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length)
      throw new Error(
        `audit database ${location} has schema version ${current}, newer than this ScriptDesk knows (${MIGRATIONS.length}); update ScriptDesk`,
      );
    for (let version = current; version < MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version]!);
      await client.query('INSERT INTO audit_schema_version (version) VALUES ($1)', [version + 1]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
