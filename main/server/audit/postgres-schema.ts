import type pg from 'pg';

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
];

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
