import Database from 'better-sqlite3';

/** The SQLite database handle type used across main. */
export type Db = Database.Database;

/**
 * Schema migrations, applied in order and recorded in `PRAGMA user_version`. Append only:
 * a released migration is never edited, a change is a new entry.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE audit_events (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     time TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL
   );
   CREATE TABLE runs (
     run_id TEXT PRIMARY KEY,
     script_id TEXT NOT NULL,
     script_version TEXT NOT NULL,
     title TEXT NOT NULL,
     status TEXT NOT NULL,
     dry_run INTEGER NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     exit_code INTEGER,
     message TEXT NOT NULL DEFAULT '',
     outputs TEXT NOT NULL DEFAULT '[]',
     run_dir TEXT NOT NULL
   );
   CREATE INDEX runs_started ON runs(started_at DESC);`,
  // Crash safety: which ScriptDesk process owns a run and which script process it started, so
  // the next start can tell a run a crash left behind from one another process is running.
  `ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
   ALTER TABLE runs ADD COLUMN owner_started TEXT;
   ALTER TABLE runs ADD COLUMN pid INTEGER;
   ALTER TABLE runs ADD COLUMN pid_started TEXT;
   ALTER TABLE runs ADD COLUMN log_lines INTEGER NOT NULL DEFAULT 0;
   CREATE INDEX runs_unfinished ON runs(status) WHERE finished_at IS NULL;`,
  // Signed events and delivery to the audit endpoint. Events written before signing existed are
  // kept, untouched, in their own table; the signed chain starts again at 1.
  `ALTER TABLE audit_events RENAME TO audit_events_unsigned;
   CREATE TABLE audit_events (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     type TEXT NOT NULL,
     time TEXT NOT NULL,
     subject TEXT NOT NULL,
     body TEXT NOT NULL,
     prev_hash TEXT NOT NULL,
     hash TEXT NOT NULL,
     delivery TEXT CHECK (delivery IN ('delivered', 'rejected')),
     delivered_at TEXT,
     delivery_note TEXT
   );
   CREATE INDEX audit_events_pending ON audit_events(seq) WHERE delivery IS NULL;
   CREATE TABLE audit_checkpoint (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     sequence INTEGER NOT NULL,
     hash TEXT NOT NULL,
     pruned_at TEXT NOT NULL
   );
   CREATE TABLE audit_delivery (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     last_delivery_at TEXT,
     last_attempt_at TEXT,
     last_error TEXT
   );`,
  // What a run was asked to do, for the run page and "Run again": its inputs as journaled
  // (sensitive values redacted) and its reason. Null for runs recorded before this.
  `ALTER TABLE runs ADD COLUMN inputs TEXT;
   ALTER TABLE runs ADD COLUMN reason TEXT;`,
  // History that answers questions: who ran each run (backfilled from its journaled request while
  // that is still in the journal), an index to filter by script, and one to find a run's events
  // (for its delivery state) without reading the whole journal.
  `ALTER TABLE runs ADD COLUMN user TEXT;
   CREATE INDEX runs_script ON runs(script_id, started_at DESC);
   CREATE INDEX audit_events_run ON audit_events(json_extract(body, '$.data.runId'))
     WHERE json_extract(body, '$.data.runId') IS NOT NULL;
   UPDATE runs SET user = (
     SELECT json_extract(body, '$.data.user') FROM audit_events
     WHERE json_extract(body, '$.data.runId') = runs.run_id AND type = 'dev.scriptdesk.run.requested'
   );`,
  // Presets: inputs a user saved under a name per script (sensitive values never stored), and
  // which preset, the user's or the administrator's, a script's form opens with.
  `CREATE TABLE presets (
     script_id TEXT NOT NULL,
     name TEXT NOT NULL COLLATE NOCASE,
     inputs TEXT NOT NULL,
     saved_at TEXT NOT NULL,
     PRIMARY KEY (script_id, name)
   );
   CREATE TABLE preset_defaults (
     script_id TEXT PRIMARY KEY,
     source TEXT NOT NULL CHECK (source IN ('mine', 'admin')),
     name TEXT NOT NULL
   );`,
  // How many of a finished run's log lines are errors and warnings, for the run page without
  // reading its log again. Null for runs recorded before they were counted.
  `ALTER TABLE runs ADD COLUMN log_errors INTEGER;
   ALTER TABLE runs ADD COLUMN log_warnings INTEGER;`,
  // Each user's preferences (theme, notifications, favourites), one JSON value per row, so a
  // row that cannot be read costs only that preference. ("Recently run" finds the latest start
  // of a script one step down runs_script, however many runs there are.)
  `CREATE TABLE preferences (
     user TEXT NOT NULL,
     name TEXT NOT NULL,
     value TEXT NOT NULL,
     PRIMARY KEY (user, name)
   ) WITHOUT ROWID;`,
  // Schedules: a script run with a saved preset at times of a rule, in the user's time zone.
  // \`checked_until\` is the instant up to which its times were acted on (run, journaled as missed
  // or caught up), written before a run starts, so a restart neither repeats nor loses one. A run a
  // schedule started names it (History marks it; old runs and the user's own have none).
  `CREATE TABLE schedules (
     id TEXT PRIMARY KEY,
     script_id TEXT NOT NULL,
     preset_source TEXT NOT NULL CHECK (preset_source IN ('mine', 'admin')),
     preset_name TEXT NOT NULL,
     rule TEXT NOT NULL,
     time_zone TEXT NOT NULL,
     missed_policy TEXT NOT NULL CHECK (missed_policy IN ('skip', 'run-once')),
     reason TEXT,
     confirmed INTEGER NOT NULL DEFAULT 0,
     paused TEXT,
     created_at TEXT NOT NULL,
     checked_until TEXT NOT NULL,
     last_run_id TEXT,
     last_problem TEXT
   );
   ALTER TABLE runs ADD COLUMN schedule_id TEXT;`,
];

/**
 * Opens (creating if needed) the database at `file` in WAL mode and migrates it: to the newest
 * schema, or to `version` (upgrade tests build an older release's database this way).
 */
export function openDatabase(file: string, version: number = MIGRATIONS.length): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // FULL by default: the audit writes that gate a run must survive power loss.
    db.pragma('synchronous = FULL');
    migrate(db, version);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

function migrate(db: Db, target: number): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `database schema version ${current} is newer than this ScriptDesk knows (${MIGRATIONS.length}); update ScriptDesk`,
    );
  }
  for (let version = current; version < Math.min(target, MIGRATIONS.length); version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
