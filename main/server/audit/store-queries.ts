import type { EventPageQuery, KeyChange, KeyChangeOutcome } from './audit-store.js';
import type { KeyRotationReason } from '../../audit/key-rotation.js';
import type { Device, KeyStatus } from '../../audit/protocol.js';

/**
 * The parts of the two stores that are the same but for the SQL dialect: the event page query
 * (built with the store's placeholder style), merging device rows, and deciding a key change.
 */

/**
 * `SELECT` for one page of events. Every value is a parameter; only fixed column names and
 * operators are written into the text. The keyset `(time, source, sequence, id)` is unique, so
 * paging neither repeats nor skips a row.
 */
export function eventPageSql(
  query: EventPageQuery,
  placeholder: (position: number) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const value = (v: unknown) => {
    params.push(v);
    return placeholder(params.length);
  };
  const clauses: string[] = [];
  const equal: [keyof EventPageQuery, string][] = [
    ['source', 'source'],
    ['script', 'script_id'],
    ['user', 'user_name'],
    ['status', 'status'],
    ['type', 'type'],
  ];
  for (const [field, columnName] of equal) {
    const wanted = query[field];
    if (wanted !== undefined) clauses.push(`${columnName} = ${value(wanted)}`);
  }
  if (query.since !== undefined) clauses.push(`time >= ${value(query.since)}`);
  if (query.until !== undefined) clauses.push(`time < ${value(query.until)}`);
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.after) {
    const { time, source, sequence, id } = query.after;
    const past = query.order === 'asc' ? '>' : '<';
    clauses.push(
      `(time, source, sequence, id) ${past} (${value(time)}, ${value(source)}, ${value(sequence)}, ${value(id)})`,
    );
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  const sql = `SELECT time, source, sequence, id, received_at AS "receivedAt", body
    FROM audit_events ${where}
    ORDER BY time ${direction}, source ${direction}, sequence ${direction}, id ${direction}
    LIMIT ${value(query.limit)}`;
  return { sql, params };
}

/** The `audit_devices` columns {@link DeviceRows} `keys` holds, for both stores' SELECT. */
export const DEVICE_KEY_COLUMNS =
  'source, public_key, status, first_seen, changed_at, rotated_from, rotation_sequence, rotation_time, rotation_reason';

/** The rows {@link mergeDevices} combines; counts may arrive as strings (PostgreSQL bigint). */
export interface DeviceRows {
  keys: {
    source: string;
    public_key: string;
    status: KeyStatus;
    first_seen: string;
    changed_at: string;
    rotated_from: string | null;
    rotation_sequence: number | string | null;
    rotation_time: string | null;
    rotation_reason: KeyRotationReason | null;
  }[];
  events: { source: string; n: number | string }[];
  heads: { source: string; sequence: number | string }[];
  flags: { source: string | null; n: number | string }[];
}

/** One entry per device (a source with at least one key), sorted by source, keys by first seen. */
export function mergeDevices(rows: DeviceRows): Device[] {
  const devices = new Map<string, Device>();
  const sorted = [...rows.keys].sort((a, b) =>
    compareText(a.source, b.source) !== 0
      ? compareText(a.source, b.source)
      : compareText(a.first_seen, b.first_seen) || compareText(a.public_key, b.public_key),
  );
  for (const row of sorted) {
    let device = devices.get(row.source);
    if (!device) {
      device = { source: row.source, keys: [], events: 0, headSequence: 0, flags: 0 };
      devices.set(row.source, device);
    }
    device.keys.push({
      key: row.public_key,
      status: row.status,
      firstSeen: row.first_seen,
      changedAt: row.changed_at,
      ...(row.rotated_from === null
        ? {}
        : {
            rotation: {
              previousKey: row.rotated_from,
              sequence: Number(row.rotation_sequence),
              time: row.rotation_time ?? '',
              reason: row.rotation_reason ?? 'key_lost',
            },
          }),
    });
  }
  for (const row of rows.events) {
    const device = devices.get(row.source);
    if (device) device.events = Number(row.n);
  }
  for (const row of rows.heads) {
    const device = devices.get(row.source);
    if (device) device.headSequence = Number(row.sequence);
  }
  for (const row of rows.flags) {
    const device = row.source === null ? undefined : devices.get(row.source);
    if (device) device.flags = Number(row.n);
  }
  return [...devices.values()];
}

/** Bytewise (UTF-16 code unit) order, the same on every machine, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which keys a change affects and their new status, given the device's keys now. Approving
 * without a key touches only pending keys: bringing back a revoked key takes naming it.
 */
export function keyChangeTargets(
  keys: { key: string; status: KeyStatus }[],
  change: KeyChange,
): KeyChangeOutcome {
  if (keys.length === 0) return { ok: false, missing: 'device' };
  const named = change.key === undefined ? keys : keys.filter((k) => k.key === change.key);
  if (named.length === 0) return { ok: false, missing: 'key' };
  const status: KeyStatus = change.action === 'approve' ? 'active' : 'revoked';
  const eligible = named.filter((k) =>
    change.action === 'approve'
      ? change.key === undefined
        ? k.status === 'pending'
        : k.status !== 'active'
      : k.status !== 'revoked',
  );
  return { ok: true, changed: eligible.map((k) => ({ key: k.key, status })) };
}

/** The INSERT of the admin log row of a key change, the same in both stores but for placeholders. */
export function adminLogInsert(
  change: KeyChange,
  outcome: KeyChangeOutcome,
  placeholder: (position: number) => string,
): { sql: string; params: unknown[] } {
  const summary = outcome.ok
    ? outcome.changed.length === 0
      ? 'nothing to change'
      : outcome.changed.map((c) => `${c.key} ${c.status}`).join(', ')
    : outcome.missing === 'device'
      ? 'refused: unknown device'
      : 'refused: unknown key';
  const params = [
    change.at,
    change.actor,
    change.action,
    change.source,
    change.key ?? null,
    summary,
  ];
  const sql = `INSERT INTO audit_admin_log (at, actor, action, source, public_key, outcome)
    VALUES (${params.map((_, index) => placeholder(index + 1)).join(', ')})`;
  return { sql, params };
}

/** `?` placeholders as PostgreSQL's `$1`, `$2`…; the console's SQL never holds a literal `?`. */
export function numberedPlaceholders(sql: string): string {
  let position = 0;
  return sql.replace(/\?/g, () => `$${++position}`);
}
