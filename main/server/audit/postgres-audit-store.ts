import { createHash } from 'node:crypto';
import pg from 'pg';
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
import {
  batchNeeds,
  eventSlot,
  planBatch,
  type CheckedEvent,
  type IngestOptions,
  type IngestPlan,
  type IngestSnapshot,
} from './ingest-plan.js';
import { deviceReportsOf } from './device-reports.js';
import { PostgresAlertQueue, writeAlertsPostgres } from './postgres-alert-queue.js';
import { migratePostgres } from './postgres-schema.js';
import type { Device, EventResult, Flag, FlagKind, KeyStatus } from '../../audit/protocol.js';
import {
  adminLogInsert,
  DEVICE_KEY_COLUMNS,
  eventPageSql,
  keyChangeTargets,
  mergeDevices,
  numberedPlaceholders,
  type DeviceRows,
} from './store-queries.js';

/** Advisory lock class of the per-source locks: (class, hash of the source) pairs. */
const SOURCE_LOCK_CLASS = 0x53444155;

interface FlagRecord {
  id: string;
  source: string | null;
  sequence: string | null;
  event_id: string | null;
  kind: string;
  message: string;
  body: string | null;
  received_at: string;
}

/**
 * The audit store in PostgreSQL (a `pg` pool). Each batch runs in one transaction on one
 * connection, holding a transaction-scoped advisory lock per source, so two batches from the same
 * device (even through two servers) cannot interleave their chain checks. Only parameterized
 * queries: event content never becomes SQL text.
 */
export class PostgresAuditStore implements AuditStore {
  readonly alerts: PostgresAlertQueue;
  readonly dialect = 'postgres';

  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {
    this.alerts = new PostgresAlertQueue(pool);
  }

  /**
   * Connects and migrates. `location` is what messages print (the URL without its password);
   * `onIdleError` hears about connections the server dropped while idle (the pool replaces them).
   */
  static async open(
    connectionString: string,
    location: string,
    onIdleError: (error: Error) => void = () => {},
  ): Promise<PostgresAuditStore> {
    const pool = new pg.Pool({
      connectionString,
      max: 10,
      connectionTimeoutMillis: 10_000,
      application_name: 'scriptdesk-server',
    });
    pool.on('error', onIdleError);
    try {
      await migratePostgres(pool, location);
    } catch (error) {
      await pool.end().catch(() => {});
      throw error;
    }
    return new PostgresAuditStore(pool, location);
  }

  async ingest(batch: readonly CheckedEvent[], options: IngestOptions): Promise<EventResult[]> {
    const receivedAt = new Date().toISOString();
    return this.transaction(async (client) => {
      const needs = batchNeeds(batch);
      const lockKeys = [...new Set(needs.sources.map(sourceLockKey))].sort((a, b) => a - b);
      for (const key of lockKeys)
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [SOURCE_LOCK_CLASS, key]);
      const snapshot = await loadSnapshot(client, needs);
      const plan = planBatch(batch, snapshot, options);
      await writePlan(client, plan, receivedAt);
      await writeAlertsPostgres(
        client,
        options.alerts?.(plan, receivedAt) ?? [],
        deviceReportsOf(batch, plan.results, receivedAt, options.backlog),
        receivedAt,
      );
      return plan.results;
    });
  }

  async events(query: EventPageQuery): Promise<StoredEventRow[]> {
    const { sql, params } = eventPageSql(query, (position) => `$${position}`);
    const result = await this.pool.query<StoredEventRow & { sequence: string }>(sql, params);
    return result.rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
  }

  async chain(source: string, after: ChainCursor | undefined, limit: number): Promise<ChainRow[]> {
    const result = await this.pool.query<{ sequence: string; id: string; body: string }>(
      `SELECT sequence, id, body FROM audit_events
       WHERE source = $1 AND (sequence, id) > ($2::bigint, $3::text) ORDER BY sequence, id LIMIT $4`,
      [source, after?.sequence ?? 0, after?.id ?? '', limit],
    );
    return result.rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
  }

  async devices(source?: string): Promise<Device[]> {
    const where = source === undefined ? '' : 'WHERE source = $1';
    const params = source === undefined ? [] : [source];
    const [keys, events, heads, flags] = await Promise.all([
      this.pool.query<DeviceRows['keys'][number]>(
        `SELECT ${DEVICE_KEY_COLUMNS} FROM audit_devices ${where}`,
        params,
      ),
      this.pool.query<DeviceRows['events'][number]>(
        `SELECT source, count(*) AS n FROM audit_events ${where} GROUP BY source`,
        params,
      ),
      this.pool.query<DeviceRows['heads'][number]>(
        `SELECT source, sequence FROM audit_device_heads ${where}`,
        params,
      ),
      this.pool.query<DeviceRows['flags'][number]>(
        `SELECT source, count(*) AS n FROM audit_flags ${where} GROUP BY source`,
        params,
      ),
    ]);
    return mergeDevices({
      keys: keys.rows,
      events: events.rows,
      heads: heads.rows,
      flags: flags.rows,
    });
  }

  async changeKeys(change: KeyChange): Promise<KeyChangeOutcome> {
    return this.transaction(async (client) => {
      const keys = await client.query<{ public_key: string; status: KeyStatus }>(
        'SELECT public_key, status FROM audit_devices WHERE source = $1 FOR UPDATE',
        [change.source],
      );
      const targets = keyChangeTargets(
        keys.rows.map((row) => ({ key: row.public_key, status: row.status })),
        change,
      );
      const log = adminLogInsert(change, targets, (position) => `$${position}`);
      await client.query(log.sql, log.params);
      if (!targets.ok) return targets;
      for (const target of targets.changed)
        await client.query(
          'UPDATE audit_devices SET status = $1, changed_at = $2 WHERE source = $3 AND public_key = $4',
          [target.status, change.at, change.source, target.key],
        );
      return targets;
    });
  }

  async flags(query: FlagPageQuery): Promise<Flag[]> {
    const params: unknown[] = [query.afterId ?? 0, query.limit];
    const bySource = query.source === undefined ? '' : 'AND source = $3';
    if (query.source !== undefined) params.push(query.source);
    const result = await this.pool.query<FlagRecord>(
      `SELECT id, source, sequence, event_id, kind, message, body, received_at FROM audit_flags
       WHERE id > $1 ${bySource} ORDER BY id LIMIT $2`,
      params,
    );
    return result.rows.map((row) => ({
      id: Number(row.id),
      source: row.source,
      sequence: row.sequence === null ? null : Number(row.sequence),
      eventId: row.event_id,
      kind: row.kind as FlagKind,
      message: row.message,
      body: row.body,
      receivedAt: row.received_at,
    }));
  }

  async select<Row>(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const result = await this.pool.query({
      text: numberedPlaceholders(sql),
      values: [...params],
      // bigint, numeric and count(*) arrive as numbers, as SQLite gives them.
      types: { getTypeParser: numbersAsNumbers },
    });
    return result.rows as Row[];
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /** Runs `work` between BEGIN and COMMIT on one pooled connection; ROLLBACK on any failure. */
  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const value = await work(client);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      // A connection that cannot even roll back is discarded rather than returned to the pool.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** A source's advisory lock key: 32 bits of its SHA-256 (a collision only serializes more). */
function sourceLockKey(source: string): number {
  return createHash('sha256').update(source).digest().readInt32BE(0);
}

async function loadSnapshot(
  client: pg.PoolClient,
  needs: ReturnType<typeof batchNeeds>,
): Promise<IngestSnapshot> {
  const snapshot: IngestSnapshot = { keys: new Map(), heads: new Map(), bodies: new Map() };
  if (needs.sources.length === 0) return snapshot;
  const keys = await client.query<{ source: string; public_key: string; status: KeyStatus }>(
    'SELECT source, public_key, status FROM audit_devices WHERE source = ANY($1::text[])',
    [needs.sources],
  );
  for (const row of keys.rows) {
    let map = snapshot.keys.get(row.source);
    if (!map) snapshot.keys.set(row.source, (map = new Map()));
    map.set(row.public_key, row.status);
  }
  const heads = await client.query<{ source: string; sequence: string; hash: string }>(
    'SELECT source, sequence, hash FROM audit_device_heads WHERE source = ANY($1::text[])',
    [needs.sources],
  );
  for (const row of heads.rows)
    snapshot.heads.set(row.source, { sequence: Number(row.sequence), hash: row.hash });
  const bodies = await client.query<{ source: string; id: string; body: string }>(
    `SELECT e.source, e.id, e.body FROM audit_events e
     JOIN unnest($1::text[], $2::text[]) AS wanted(source, id)
       ON e.source = wanted.source AND e.id = wanted.id`,
    [needs.events.map((e) => e.source), needs.events.map((e) => e.id)],
  );
  for (const row of bodies.rows) snapshot.bodies.set(eventSlot(row.source, row.id), row.body);
  return snapshot;
}

/** Writes a batch's plan with one statement per table (arrays as parameters, never SQL text). */
async function writePlan(client: pg.PoolClient, plan: IngestPlan, receivedAt: string) {
  const column = <T, V>(rows: T[], pick: (row: T) => V) => rows.map(pick);
  if (plan.newKeys.length > 0)
    await client.query(
      `INSERT INTO audit_devices (source, public_key, status, first_seen, changed_at,
         rotated_from, rotation_sequence, rotation_time, rotation_reason)
       SELECT source, public_key, status, $4, $4, rotated_from, rotation_sequence, rotation_time,
         rotation_reason
       FROM unnest($1::text[], $2::text[], $3::text[], $5::text[], $6::bigint[], $7::text[],
         $8::text[]) AS k(source, public_key, status, rotated_from, rotation_sequence,
         rotation_time, rotation_reason)`,
      [
        column(plan.newKeys, (k) => k.source),
        column(plan.newKeys, (k) => k.key),
        column(plan.newKeys, (k) => k.status),
        receivedAt,
        column(plan.newKeys, (k) => k.rotation?.previousKey ?? null),
        column(plan.newKeys, (k) => k.rotation?.sequence ?? null),
        column(plan.newKeys, (k) => k.rotation?.time ?? null),
        column(plan.newKeys, (k) => k.rotation?.reason ?? null),
      ],
    );
  const events = plan.events;
  if (events.length > 0)
    await client.query(
      `INSERT INTO audit_events (source, id, sequence, type, time, subject, user_name, script_id,
         status, body, hash, received_at)
       SELECT source, id, sequence, type, time, subject, user_name, script_id, status, body, hash, $12
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
         $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
         AS e(source, id, sequence, type, time, subject, user_name, script_id, status, body, hash)`,
      [
        column(events, (e) => e.source),
        column(events, (e) => e.id),
        column(events, (e) => e.sequence),
        column(events, (e) => e.type),
        column(events, (e) => e.time),
        column(events, (e) => e.subject),
        column(events, (e) => e.user),
        column(events, (e) => e.script),
        column(events, (e) => e.status),
        column(events, (e) => e.body),
        column(events, (e) => e.hash),
        receivedAt,
      ],
    );
  const heads = [...plan.heads];
  if (heads.length > 0)
    await client.query(
      `INSERT INTO audit_device_heads (source, sequence, hash)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
       ON CONFLICT (source) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash`,
      [
        column(heads, ([source]) => source),
        column(heads, ([, head]) => head.sequence),
        column(heads, ([, head]) => head.hash),
      ],
    );
  const flags = plan.flags;
  if (flags.length > 0)
    await client.query(
      `INSERT INTO audit_flags (source, sequence, event_id, kind, message, body, received_at,
         fingerprint)
       SELECT source, sequence, event_id, kind, message, body, $7, fingerprint
       FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
         $8::text[]) WITH ORDINALITY AS f(source, sequence, event_id, kind, message, body,
         fingerprint, position)
       ORDER BY position
       ON CONFLICT (fingerprint) DO NOTHING`,
      [
        column(flags, (f) => f.source),
        column(flags, (f) => f.sequence),
        column(flags, (f) => f.eventId),
        column(flags, (f) => f.kind),
        column(flags, (f) => f.message),
        column(flags, (f) => f.body),
        receivedAt,
        column(flags, (f) => f.fingerprint),
      ],
    );
}

/** Type parsers of the console's SELECTs: int8 (20) and numeric (1700) as JavaScript numbers. */
function numbersAsNumbers(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === 20 || oid === 1700) return Number;
  return pg.types.getTypeParser(oid, format as 'text');
}
