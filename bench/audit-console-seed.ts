import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { canonicalJson } from '../main/audit/canonical-json.js';
import type { AuditEvent, UnsignedEvent } from '../main/audit/event.js';
import { AUDIT_TYPES } from '../main/audit/journal.js';
import type { EventRow } from '../main/server/audit/event-rows.js';
import { openAuditStore } from '../main/server/audit/open-audit-store.js';
import { seededRandom } from './generated-catalogue.js';

/**
 * Seeds a fresh audit store with the rows the real ingest would store for a fleet's run events:
 * the same tables and columns, each body the canonical JSON of an event as a device writes it
 * (requested, started, finished; sequence and prevhash chained per device, the hash over the
 * signing bytes). The signature is a fixed, well-formed placeholder: signing a million events
 * costs minutes of CPU, and nothing the console bench measures reads a signature (the run list
 * and insights read `audit_runs`, which the store's own trigger fills from the bodies).
 */

const DAY = 86_400_000;
/** The seeded history ends here; it starts {@link SPAN_DAYS} earlier. */
export const SEED_END = Date.UTC(2026, 11, 1);
const SPAN_DAYS = 60;
const DEVICES = 200;
const SCRIPTS = 40;
const USERS = 500;
const PLACEHOLDER_SIGNATURE = `${'A'.repeat(86)}==`;
const DEVICE_KEY = `${'B'.repeat(43)}=`;
const REGIONS = ['emea', 'amer', 'apac', 'latam', 'anz'];
const REASONS = [
  'month-end close',
  'auditor request',
  'rerun after fix',
  'incident follow-up',
  'quarterly review',
  'customer escalation',
  'backfill',
  'test of new version',
  'manager asked',
  'regulatory filing',
];
/** Statuses of finished runs with their share and exit code (cancelled runs never start). */
const OUTCOMES: [status: string, share: number, exitCode: number | null][] = [
  ['succeeded', 0.86, 0],
  ['failed', 0.07, 1],
  ['timeout', 0.02, null],
  ['cancelled', 0.02, null],
  ['expected', 0.015, 3],
  ['retriable', 0.01, 75],
  ['output_limit', 0.005, null],
];

export const deviceSource = (d: number) =>
  `urn:scriptdesk:device:fleet-${String(d).padStart(3, '0')}`;
export const scriptId = (s: number) => `script-${String(s).padStart(2, '0')}`;
export const userName = (u: number) => `user${String(u).padStart(3, '0')}`;

/** One device's chain of run events, oldest first, about `events` of them. */
function* deviceEvents(d: number, events: number): Generator<EventRow> {
  const rand = seededRandom(d + 1);
  const source = deviceSource(d);
  const host = `laptop-${String(d).padStart(4, '0')}`;
  const users = [0, 1, 2].map((k) => userName((d * 3 + k * 7) % USERS));
  const runs = Math.ceil(events / 3);
  const start = SEED_END - SPAN_DAYS * DAY;
  const meanGap = (SPAN_DAYS * DAY) / runs;
  let at = start + rand() * meanGap;
  let sequence = 0;
  let prevhash = '';
  const make = (type: string, subject: string, time: number, data: Record<string, unknown>) => {
    const unsigned: UnsignedEvent = {
      specversion: '1.0',
      id: randomUUID(),
      source,
      type,
      time: new Date(time).toISOString(),
      subject,
      datacontenttype: 'application/json',
      sequence: ++sequence,
      prevhash,
      devicekey: DEVICE_KEY,
      data,
    };
    const hash = createHash('sha256').update(canonicalJson(unsigned)).digest('hex');
    prevhash = hash;
    const event: AuditEvent = { ...unsigned, signature: PLACEHOLDER_SIGNATURE };
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      source,
      id: event.id,
      sequence: event.sequence,
      type,
      time: event.time,
      subject,
      user: text(data.user),
      script: text(data.scriptId),
      status: text(data.status),
      body: canonicalJson(event),
      hash,
    } satisfies EventRow;
  };
  for (let r = 0; r < runs && sequence < events; r++) {
    const s = Math.floor(rand() * rand() * SCRIPTS);
    const versions = 1 + (s % 4);
    const progress = (at - start) / (SPAN_DAYS * DAY);
    const version = Math.min(versions - 1, Math.floor(progress * versions + rand() * 0.3));
    const common = {
      runId: randomUUID(),
      scriptId: scriptId(s),
      scriptVersion: `1.${version}.0`,
      user: rand() < 0.8 ? users[0]! : users[1 + Math.floor(rand() * 2)]!,
      host,
    };
    const subject = `${common.scriptId}@${common.scriptVersion}`;
    const reason = rand() < 0.15 ? REASONS[Math.floor(rand() * REASONS.length)]! : null;
    const catalogue = { catalogueVersion: 30 + Math.floor(progress * 8 + rand()) };
    let pick = rand();
    const [status, , exitCode] = OUTCOMES.find(([, share]) => (pick -= share) < 0) ?? OUTCOMES[0]!;
    const requestedAt = new Date(at).toISOString();
    yield make(AUDIT_TYPES.runRequested, subject, at, {
      ...common,
      dryRun: false,
      reason,
      requestedAt,
      queued: false,
      ahead: 0,
      trigger: 'user',
    });
    const started = status !== 'cancelled';
    const startedAt = at + 200;
    const durationMs = Math.round(2000 + rand() * rand() * 600_000);
    if (started)
      yield make(AUDIT_TYPES.runStarted, subject, startedAt, {
        ...common,
        ...catalogue,
        appVersion: '1.2.0',
        pythonVersion: '3.12.4',
        scriptSha256: 'a'.repeat(64),
        schemaSha256: 'b'.repeat(64),
        lockSha256: 'c'.repeat(64),
        inputs: {
          region: REGIONS[Math.floor(rand() * REGIONS.length)],
          month: requestedAt.slice(0, 7),
          threshold: [100, 500, 1000][Math.floor(rand() * 3)],
          includeClosed: rand() < 0.3,
          apiKey: '[redacted]',
        },
        inputsHmac: 'd'.repeat(64),
        secrets: ['db-password'],
        dryRun: false,
        confirmed: false,
        reason,
        startedAt: new Date(startedAt).toISOString(),
      });
    const finishedAt = started ? startedAt + durationMs : at + 5000;
    yield make(AUDIT_TYPES.runFinished, subject, finishedAt, {
      ...common,
      ...catalogue,
      status,
      exitCode,
      startedAt: started ? new Date(startedAt).toISOString() : null,
      finishedAt: new Date(finishedAt).toISOString(),
      dryRun: false,
      outputs:
        status === 'succeeded'
          ? [
              {
                name: 'report.csv',
                size: 10_000 + Math.floor(rand() * 90_000),
                sha256: 'e'.repeat(64),
              },
            ]
          : [],
    });
    at = finishedAt + rand() * 2 * meanGap;
  }
}

/** Every device's events, `devicesAtOnce` devices' chains at a time (oldest first within each). */
function* fleet(total: number): Generator<EventRow[]> {
  const perDevice = Math.ceil(total / DEVICES);
  let left = total;
  for (let d = 0; d < DEVICES && left > 0; d++) {
    const rows = [...deviceEvents(d, Math.min(perDevice, left))];
    left -= rows.length;
    yield rows;
  }
}

const EVENT_COLUMNS =
  'source, id, sequence, type, time, subject, user_name, script_id, status, body, hash, received_at';

/**
 * Creates the schema with the store's own migrations, then appends the fleet to the SQLite file
 * and the PostgreSQL database at once (one generation, two stores): SQLite in transactions of
 * ten devices, PostgreSQL by multi-row `unnest` INSERTs of 5,000 rows, the ingest's own form.
 * Returns the milliseconds each store spent writing.
 */
export async function seedStores(
  total: number,
  sqliteFile: string,
  postgresUrl: string,
): Promise<{ sqliteMs: number; postgresMs: number; events: number }> {
  for (const database of [sqliteFile, postgresUrl]) await (await openAuditStore(database)).close();
  const db = new Database(sqliteFile);
  db.pragma('journal_mode = WAL');
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 });
  const client = await pool.connect();
  const receivedAt = new Date().toISOString();
  const insert = db.prepare(
    `INSERT INTO audit_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const heads = db.prepare(
    'INSERT INTO audit_device_heads (source, sequence, hash) VALUES (?, ?, ?)',
  );
  const device = db.prepare(
    `INSERT INTO audit_devices (source, public_key, status, first_seen, changed_at)
     VALUES (?, ?, 'active', ?, ?)`,
  );
  const writeSqlite = db.transaction((chains: EventRow[][]) => {
    for (const rows of chains) {
      const last = rows[rows.length - 1]!;
      device.run(last.source, DEVICE_KEY, receivedAt, receivedAt);
      for (const e of rows)
        insert.run(
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
      heads.run(last.source, last.sequence, last.hash);
    }
  });
  const writePostgres = async (chains: EventRow[][]) => {
    await client.query('BEGIN');
    for (const rows of chains) {
      const last = rows[rows.length - 1]!;
      await client.query(
        `INSERT INTO audit_devices (source, public_key, status, first_seen, changed_at)
         VALUES ($1, $2, 'active', $3, $3)`,
        [last.source, DEVICE_KEY, receivedAt],
      );
      for (let i = 0; i < rows.length; i += 5000) {
        const slice = rows.slice(i, i + 5000);
        const col = <T>(pick: (e: EventRow) => T) => slice.map(pick);
        await client.query(
          `INSERT INTO audit_events (${EVENT_COLUMNS})
           SELECT *, $12 FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
          [
            col((e) => e.source),
            col((e) => e.id),
            col((e) => e.sequence),
            col((e) => e.type),
            col((e) => e.time),
            col((e) => e.subject),
            col((e) => e.user),
            col((e) => e.script),
            col((e) => e.status),
            col((e) => e.body),
            col((e) => e.hash),
            receivedAt,
          ],
        );
      }
      await client.query(
        'INSERT INTO audit_device_heads (source, sequence, hash) VALUES ($1, $2, $3)',
        [last.source, last.sequence, last.hash],
      );
    }
    await client.query('COMMIT');
  };
  let sqliteMs = 0;
  let postgresMs = 0;
  let events = 0;
  try {
    let chains: EventRow[][] = [];
    const flush = async () => {
      let started = performance.now();
      writeSqlite(chains);
      sqliteMs += performance.now() - started;
      started = performance.now();
      await writePostgres(chains);
      postgresMs += performance.now() - started;
      chains = [];
    };
    for (const rows of fleet(total)) {
      chains.push(rows);
      events += rows.length;
      if (chains.length === 10) await flush();
    }
    if (chains.length > 0) await flush();
    // What autovacuum does on its own shortly after a bulk load; SQLite has no such step.
    const started = performance.now();
    await client.query('VACUUM ANALYZE');
    postgresMs += performance.now() - started;
  } finally {
    client.release();
    await pool.end();
    db.close();
  }
  return { sqliteMs, postgresMs, events };
}
