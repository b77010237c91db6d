import Database from 'better-sqlite3';
import type {
  AuditStore,
  ChainCursor,
  ChainRow,
  EventPageQuery,
  FlagPageQuery,
  KeyChange,
  KeyChangeOutcome,
  StoredEventRow,
} from './audit-store.js';
import { eventPageSql, keyChangeTargets, mergeDevices, type DeviceRows } from './store-queries.js';
import {
  batchNeeds,
  eventSlot,
  planBatch,
  type CheckedEvent,
  type IngestOptions,
  type IngestSnapshot,
} from './ingest-plan.js';
import type { Device, EventResult, Flag, FlagKind, KeyStatus } from './protocol.js';

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
];

interface FlagRecord {
  id: number;
  source: string | null;
  sequence: number | null;
  event_id: string | null;
  kind: string;
  message: string;
  body: string | null;
  received_at: string;
}

/**
 * The audit store in a SQLite file (better-sqlite3, WAL, synchronous=FULL: an acknowledged
 * event must survive a power cut, because the device deletes it once acknowledged). Calls are
 * synchronous underneath; each batch is one IMMEDIATE transaction, so the chain checks of two
 * batches never interleave, even across processes sharing the file.
 */
export class SqliteAuditStore implements AuditStore {
  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {}

  /** Opens (creating if needed) the database file and migrates it. */
  static open(file: string): SqliteAuditStore {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
      migrate(db, file);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteAuditStore(db, file);
  }

  async ingest(batch: readonly CheckedEvent[], options: IngestOptions): Promise<EventResult[]> {
    const receivedAt = new Date().toISOString();
    const db = this.db;
    const write = db.transaction(() => {
      const plan = planBatch(batch, this.snapshot(batch), options);
      const insertKey = db.prepare(
        'INSERT INTO audit_devices (source, public_key, status, first_seen, changed_at) VALUES (?, ?, ?, ?, ?)',
      );
      for (const key of plan.newKeys)
        insertKey.run(key.source, key.key, key.status, receivedAt, receivedAt);
      const insertEvent = db.prepare(
        `INSERT INTO audit_events (source, id, sequence, type, time, subject, user_name, script_id,
           status, body, hash, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of plan.events)
        insertEvent.run(
          e.source,
          e.id,
          e.sequence,
          e.type,
          e.time,
          e.subject,
          e.user,
          e.script,
          e.status,
          e.body,
          e.hash,
          receivedAt,
        );
      const upsertHead = db.prepare(
        `INSERT INTO audit_device_heads (source, sequence, hash) VALUES (?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash`,
      );
      for (const [source, head] of plan.heads) upsertHead.run(source, head.sequence, head.hash);
      const insertFlag = db.prepare(
        `INSERT INTO audit_flags (source, sequence, event_id, kind, message, body, received_at,
           fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`,
      );
      for (const f of plan.flags)
        insertFlag.run(
          f.source,
          f.sequence,
          f.eventId,
          f.kind,
          f.message,
          f.body,
          receivedAt,
          f.fingerprint,
        );
      return plan.results;
    });
    return write.immediate();
  }

  /** What the store holds for the batch's sources and ids (inside the batch's transaction). */
  private snapshot(batch: readonly CheckedEvent[]): IngestSnapshot {
    const needs = batchNeeds(batch);
    const snapshot: IngestSnapshot = { keys: new Map(), heads: new Map(), bodies: new Map() };
    const keysOf = this.db.prepare<[string], { public_key: string; status: KeyStatus }>(
      'SELECT public_key, status FROM audit_devices WHERE source = ?',
    );
    const headOf = this.db.prepare<[string], { sequence: number; hash: string }>(
      'SELECT sequence, hash FROM audit_device_heads WHERE source = ?',
    );
    for (const source of needs.sources) {
      const keys = keysOf.all(source);
      if (keys.length > 0)
        snapshot.keys.set(source, new Map(keys.map((row) => [row.public_key, row.status])));
      const head = headOf.get(source);
      if (head) snapshot.heads.set(source, head);
    }
    const bodyOf = this.db.prepare<[string, string], { body: string }>(
      'SELECT body FROM audit_events WHERE source = ? AND id = ?',
    );
    for (const { source, id } of needs.events) {
      const row = bodyOf.get(source, id);
      if (row) snapshot.bodies.set(eventSlot(source, id), row.body);
    }
    return snapshot;
  }

  async events(query: EventPageQuery): Promise<StoredEventRow[]> {
    const { sql, params } = eventPageSql(query, () => '?');
    return this.db
      .prepare<unknown[], StoredEventRow>(sql)
      .all(...params)
      .map((row) => ({ ...row }));
  }

  async chain(source: string, after: ChainCursor | undefined, limit: number): Promise<ChainRow[]> {
    return this.db
      .prepare<[string, number, string, number], ChainRow>(
        `SELECT sequence, id, body FROM audit_events
         WHERE source = ? AND (sequence, id) > (?, ?) ORDER BY sequence, id LIMIT ?`,
      )
      .all(source, after?.sequence ?? 0, after?.id ?? '', limit);
  }

  async devices(source?: string): Promise<Device[]> {
    const where = source === undefined ? '' : 'WHERE source = ?';
    const params = source === undefined ? [] : [source];
    const rows: DeviceRows = {
      keys: this.db
        .prepare(
          `SELECT source, public_key, status, first_seen, changed_at FROM audit_devices ${where}`,
        )
        .all(...params) as DeviceRows['keys'],
      events: this.db
        .prepare(`SELECT source, count(*) AS n FROM audit_events ${where} GROUP BY source`)
        .all(...params) as DeviceRows['events'],
      heads: this.db
        .prepare(`SELECT source, sequence FROM audit_device_heads ${where}`)
        .all(...params) as DeviceRows['heads'],
      flags: this.db
        .prepare(`SELECT source, count(*) AS n FROM audit_flags ${where} GROUP BY source`)
        .all(...params) as DeviceRows['flags'],
    };
    return mergeDevices(rows);
  }

  async changeKeys(change: KeyChange): Promise<KeyChangeOutcome> {
    return this.db
      .transaction((): KeyChangeOutcome => {
        const keys = this.db
          .prepare<[string], { public_key: string; status: KeyStatus }>(
            'SELECT public_key, status FROM audit_devices WHERE source = ?',
          )
          .all(change.source)
          .map((row) => ({ key: row.public_key, status: row.status }));
        const targets = keyChangeTargets(keys, change);
        if (!targets.ok) return targets;
        const update = this.db.prepare(
          'UPDATE audit_devices SET status = ?, changed_at = ? WHERE source = ? AND public_key = ?',
        );
        for (const target of targets.changed)
          update.run(target.status, change.at, change.source, target.key);
        return targets;
      })
      .immediate();
  }

  async flags(query: FlagPageQuery): Promise<Flag[]> {
    const clauses = ['id > ?'];
    const params: unknown[] = [query.afterId ?? 0];
    if (query.source !== undefined) {
      clauses.push('source = ?');
      params.push(query.source);
    }
    params.push(query.limit);
    return this.db
      .prepare<unknown[], FlagRecord>(
        `SELECT id, source, sequence, event_id, kind, message, body, received_at FROM audit_flags
         WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT ?`,
      )
      .all(...params)
      .map((row) => ({
        id: row.id,
        source: row.source,
        sequence: row.sequence,
        eventId: row.event_id,
        kind: row.kind as FlagKind,
        message: row.message,
        body: row.body,
        receivedAt: row.received_at,
      }));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** `PRAGMA application_id` of a ScriptDesk audit server database ("SDAU"). */
const APPLICATION_ID = 0x53444155;

function migrate(db: Database.Database, file: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as {
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
