import type Database from 'better-sqlite3';
import {
  inputsInsert,
  RUN_COLUMNS,
  RUN_TABLES,
  RUN_TYPES,
  RUN_UPSERT,
  runIdGuard,
  runValues,
} from './run-schema.js';
import { SQLITE_REASON_INDEX } from './run-search-schema.js';
import { sqliteRollupMigration } from './rollup-schema.js';

/**
 * Schema migrations of the server's audit database, applied in order and recorded in
 * `PRAGMA user_version`. Append only: a released migration is never edited. This is a database
 * of its own (`--database FILE`), never a device's journal.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_devices (
     source TEXT NOT NULL,
     public_key TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'revoked')),
     first_seen TEXT NOT NULL,
     changed_at TEXT NOT NULL,
     PRIMARY KEY (source, public_key)
   ) STRICT;
   CREATE TABLE audit_events (
     source TEXT NOT NULL,
     id TEXT NOT NULL,
     sequence INTEGER NOT NULL,
     type TEXT NOT NULL,
     time TEXT NOT NULL,
     subject TEXT NOT NULL,
     user_name TEXT,
     script_id TEXT,
     status TEXT,
     body TEXT NOT NULL,
     hash TEXT NOT NULL,
     received_at TEXT NOT NULL,
     PRIMARY KEY (source, id)
   ) STRICT;
   CREATE INDEX audit_events_chain ON audit_events(source, sequence, id);
   CREATE INDEX audit_events_time ON audit_events(time, source, sequence, id);
   CREATE INDEX audit_events_script ON audit_events(script_id, time);
   CREATE INDEX audit_events_user ON audit_events(user_name, time);
   CREATE TABLE audit_device_heads (
     source TEXT PRIMARY KEY,
     sequence INTEGER NOT NULL,
     hash TEXT NOT NULL
   ) STRICT;
   CREATE TABLE audit_flags (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     source TEXT,
     sequence INTEGER,
     event_id TEXT,
     kind TEXT NOT NULL,
     message TEXT NOT NULL,
     body TEXT,
     received_at TEXT NOT NULL,
     fingerprint TEXT NOT NULL UNIQUE
   ) STRICT;
   CREATE INDEX audit_flags_source ON audit_flags(source, id);
   -- The record is append-only: the database refuses to change or remove what was received.
   CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
     BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END;
   CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
     BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END;
   CREATE TRIGGER audit_flags_no_update BEFORE UPDATE ON audit_flags
     BEGIN SELECT RAISE(ABORT, 'audit flags are append-only: UPDATE refused'); END;
   CREATE TRIGGER audit_flags_no_delete BEFORE DELETE ON audit_flags
     BEGIN SELECT RAISE(ABORT, 'audit flags are append-only: DELETE refused'); END;`,
  // The key change a device announced with a new key (its key-rotation event), for the admin who
  // approves the key. Shown only: verify reads the change from the signed, stored events.
  `ALTER TABLE audit_devices ADD COLUMN rotated_from TEXT;
   ALTER TABLE audit_devices ADD COLUMN rotation_sequence INTEGER;
   ALTER TABLE audit_devices ADD COLUMN rotation_time TEXT;
   ALTER TABLE audit_devices ADD COLUMN rotation_reason TEXT
     CHECK (rotation_reason IN ('key_lost', 'rotated'));`,
  // ALERTS (issue 16): the durable webhook queue, written in the same transaction as the ingest
  // that raised each alert (ids are derived from what raised it, so a repeat is a no-op), and
  // what each device last told the server (for the silent-device check). See main/server/alerts/.
  `CREATE TABLE audit_alerts (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     source TEXT,
     facts TEXT NOT NULL,
     created_at TEXT NOT NULL
   ) STRICT;
   CREATE INDEX audit_alerts_created ON audit_alerts(created_at, id);
   CREATE TABLE audit_alert_deliveries (
     alert_id TEXT NOT NULL REFERENCES audit_alerts(id),
     target TEXT NOT NULL,
     state TEXT NOT NULL
       CHECK (state IN ('pending', 'delivering', 'delivered', 'failed-retrying', 'gave-up')),
     attempts INTEGER NOT NULL,
     next_at TEXT NOT NULL,
     last_error TEXT,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (alert_id, target)
   ) STRICT;
   CREATE INDEX audit_alert_deliveries_due ON audit_alert_deliveries(state, next_at);
   CREATE TABLE audit_device_reports (
     source TEXT PRIMARY KEY,
     last_seen TEXT NOT NULL,
     backlog INTEGER
   ) STRICT;`,
  // The audit console (issue 16): one row per run, kept by the database itself from the run
  // events it stores (a trigger, and a backfill of the events already here), so the console's run
  // list pages through indexes instead of parsing every body; the runs' top-level input values
  // for the input filter; an index of flags by sequence (a run's page); and the admin log, where
  // every approve and revoke is written, append-only like the events.
  `${RUN_TABLES}
   CREATE TRIGGER audit_events_runs AFTER INSERT ON audit_events
     WHEN NEW.type IN ${RUN_TYPES} AND ${runIdGuard('NEW')}
   BEGIN
     INSERT INTO audit_runs (${RUN_COLUMNS}) VALUES (${runValues('NEW')}) ${RUN_UPSERT};
     ${inputsInsert('NEW', `json_each(NEW.body, '$.data.inputs') AS j`)};
   END;
   INSERT INTO audit_runs (${RUN_COLUMNS})
     SELECT ${runValues('e')} FROM audit_events AS e
     WHERE e.type IN ${RUN_TYPES} AND ${runIdGuard('e')} ORDER BY e.source, e.sequence
     ${RUN_UPSERT};
   ${inputsInsert('e', `audit_events AS e, json_each(e.body, '$.data.inputs') AS j`)};
   CREATE INDEX audit_flags_sequence ON audit_flags(source, sequence);
   CREATE TABLE audit_admin_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL CHECK (action IN ('approve', 'revoke')),
     source TEXT NOT NULL,
     public_key TEXT,
     outcome TEXT NOT NULL
   ) STRICT;
   CREATE TRIGGER audit_admin_log_no_update BEFORE UPDATE ON audit_admin_log
     BEGIN SELECT RAISE(ABORT, 'the admin log is append-only: UPDATE refused'); END;
   CREATE TRIGGER audit_admin_log_no_delete BEFORE DELETE ON audit_admin_log
     BEGIN SELECT RAISE(ABORT, 'the admin log is append-only: DELETE refused'); END;`,
  // 5: the reason filter's trigram index (run-search-schema.ts); its input filter needs nothing.
  SQLITE_REASON_INDEX,
  // 6: the Insights rollups: per-day sums of `audit_runs` kept by triggers on it, backfilled
  // from the runs already stored; the Insights page reads whole days from them. See rollup-schema.ts.
  sqliteRollupMigration(),
];

/** `PRAGMA application_id` of a ScriptDesk audit server database ("SDAU"). */
const APPLICATION_ID = 0x53444155;

/** Brings the schema up to date; refuses a file that is not an audit database or is newer. */
export function migrateSqlite(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db
    .prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'")
    .get() as {
    n: number;
  };
  // A device's journal or any other SQLite file must not be migrated into an audit database.
  if (applicationId !== APPLICATION_ID && (applicationId !== 0 || tables.n > 0)) {
    throw new Error(
      `${file} is not a ScriptDesk audit server database; choose another --database (a new file is created)`,
    );
  }
  if (current > MIGRATIONS.length) {
    throw new Error(
      `audit database ${file} has schema version ${current}, newer than this ScriptDesk knows (${MIGRATIONS.length}); update ScriptDesk`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
