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
import { deviceReportsOf } from './device-reports.js';
import { SqliteAlertQueue, writeAlertsSqlite } from './sqlite-alert-queue.js';
import { migrateSqlite } from './sqlite-schema.js';
import {
  adminLogInsert,
  DEVICE_KEY_COLUMNS,
  eventPageSql,
  keyChangeTargets,
  mergeDevices,
  type DeviceRows,
} from './store-queries.js';
import {
  batchNeeds,
  eventSlot,
  planBatch,
  type CheckedEvent,
  type IngestOptions,
  type IngestSnapshot,
} from './ingest-plan.js';
import type { Device, EventResult, Flag, FlagKind, KeyStatus } from '../../audit/protocol.js';

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
  readonly kind = 'sqlite';
  readonly alerts: SqliteAlertQueue;

  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
  ) {
    this.alerts = new SqliteAlertQueue(db);
  }

  /** Opens (creating if needed) the database file and migrates it. */
  static open(file: string): SqliteAuditStore {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = FULL');
      migrateSqlite(db, file);
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
        `INSERT INTO audit_devices (source, public_key, status, first_seen, changed_at,
           rotated_from, rotation_sequence, rotation_time, rotation_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const key of plan.newKeys)
        insertKey.run(
          key.source,
          key.key,
          key.status,
          receivedAt,
          receivedAt,
          key.rotation?.previousKey ?? null,
          key.rotation?.sequence ?? null,
          key.rotation?.time ?? null,
          key.rotation?.reason ?? null,
        );
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
      writeAlertsSqlite(
        db,
        options.alerts?.(plan, receivedAt) ?? [],
        deviceReportsOf(batch, plan.results, receivedAt, options.backlog),
        receivedAt,
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
        .prepare(`SELECT ${DEVICE_KEY_COLUMNS} FROM audit_devices ${where}`)
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
        const log = adminLogInsert(change, targets, () => '?');
        this.db.prepare(log.sql).run(...log.params);
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

  async select<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    return (this.prepared(sql) as Database.Statement<unknown[], Row>).all(...params);
  }

  /**
   * The console's queries are a few fixed texts, and compiling one (the insights' UNION ALLs) can
   * cost as much as running it: each is prepared once. Bounded, in case a caller varies its text.
   */
  private prepared(sql: string): Database.Statement<unknown[], unknown> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 200) this.statements.clear();
      statement = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
