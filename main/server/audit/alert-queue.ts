import { z } from 'zod';

/**
 * The durable webhook queue of `scriptdesk server`, kept in the audit database beside the events
 * (tables `audit_alerts`, `audit_alert_deliveries`; `audit_device_reports` for what each device
 * last told the server). Alerts raised by an ingest are written in that ingest's transaction;
 * their ids come from what raised them, so writing one twice is a no-op. The rules that decide
 * which alerts to raise, and the worker that delivers them, live in `main/server/alerts/`.
 */

/** What raised an alert (the `on` of the rules in `main/server/alerts/alert-config.ts`). */
export const ALERT_KINDS = ['run-failed', 'integrity', 'device-pending', 'device-silent'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Where one (alert, target) delivery stands. */
export const DELIVERY_STATES = [
  'pending',
  'delivering',
  'delivered',
  'failed-retrying',
  'gave-up',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** An alert to write, with the names of the targets it goes to (one delivery row each). */
export interface QueuedAlert {
  /** Derived from what raised it (see `alertId`), so the same cause never queues twice. */
  id: string;
  kind: string;
  source: string | null;
  /** The facts as a JSON object text: what the receiver reads. Never secrets or raw inputs. */
  facts: string;
  targets: string[];
}

/** A delivery the worker took to send (its state is `delivering` until it is settled). */
export interface ClaimedDelivery {
  alertId: string;
  target: string;
  /** Attempts so far, this one included. */
  attempts: number;
  kind: string;
  source: string | null;
  facts: string;
  createdAt: string;
}

/** How an attempt ended. `nextAt` is when a `failed-retrying` delivery is due again. */
export interface DeliveryOutcome {
  alertId: string;
  target: string;
  state: 'delivered' | 'failed-retrying' | 'gave-up';
  nextAt?: string;
  error?: string;
}

/** What a device last told the server: when it was seen, and its backlog after that batch. */
export interface DeviceReport {
  source: string;
  lastSeen: string;
  /** Events its journal still held undelivered; null when the device did not say. */
  backlog: number | null;
}

/** One delivery as the admin API lists it (`GET /v1/admin/alerts`). */
export const AlertDeliverySchema = z.object({
  alertId: z.string(),
  kind: z.string(),
  source: z.string().nullable(),
  facts: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  target: z.string(),
  state: z.enum(DELIVERY_STATES),
  attempts: z.number().int(),
  nextAt: z.string(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
export type AlertDelivery = z.infer<typeof AlertDeliverySchema>;
export const AlertListSchema = z.object({
  deliveries: z.array(AlertDeliverySchema),
  next: z.string().nullable(),
});
export type AlertList = z.infer<typeof AlertListSchema>;

export interface AlertListQuery {
  state?: DeliveryState;
  /** Only alerts of this kind (`run-failed`, `integrity`, ...). */
  kind?: string;
  /** Only deliveries past this (created_at, alert id, target) key, newest first. */
  after?: { createdAt: string; alertId: string; target: string };
  limit: number;
}

export interface AlertQueue {
  /** Writes alerts raised outside an ingest (the silent-device check); repeats are no-ops. */
  enqueue(alerts: readonly QueuedAlert[], at: string): Promise<void>;
  /** Takes up to `limit` deliveries due at `now` (pending or failed-retrying), marking them delivering. */
  claimDue(now: string, limit: number): Promise<ClaimedDelivery[]>;
  settle(outcome: DeliveryOutcome, at: string): Promise<void>;
  /** After a crash: deliveries left `delivering` become due again now. Returns how many. */
  recover(at: string): Promise<number>;
  /** The earliest `next_at` of a delivery still to be tried, or null. */
  nextDue(): Promise<string | null>;
  list(query: AlertListQuery): Promise<AlertDelivery[]>;
  deviceReports(): Promise<DeviceReport[]>;
}

/** Rows as both stores read them (PostgreSQL bigint/int come back as numbers via `Number`). */
export interface DeliveryRecord {
  alert_id: string;
  kind: string;
  source: string | null;
  facts: string;
  created_at: string;
  target: string;
  state: DeliveryState;
  attempts: number | string;
  next_at: string;
  last_error: string | null;
  updated_at: string;
}

export const DELIVERY_COLUMNS = `d.alert_id, a.kind, a.source, a.facts, a.created_at, d.target,
  d.state, d.attempts, d.next_at, d.last_error, d.updated_at`;

export function deliveryOf(row: DeliveryRecord): AlertDelivery {
  return {
    alertId: row.alert_id,
    kind: row.kind,
    source: row.source,
    facts: JSON.parse(row.facts) as Record<string, unknown>,
    createdAt: row.created_at,
    target: row.target,
    state: row.state,
    attempts: Number(row.attempts),
    nextAt: row.next_at,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

/** The list query of {@link AlertQueue.list}, with `placeholder(n)` for the n-th parameter. */
export function alertListSql(
  query: AlertListQuery,
  placeholder: (position: number) => string,
): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const next = (value: unknown) => {
    params.push(value);
    return placeholder(params.length);
  };
  if (query.state !== undefined) clauses.push(`d.state = ${next(query.state)}`);
  if (query.kind !== undefined) clauses.push(`a.kind = ${next(query.kind)}`);
  if (query.after !== undefined)
    clauses.push(
      `(a.created_at, d.alert_id, d.target) < (${next(query.after.createdAt)}, ${next(query.after.alertId)}, ${next(query.after.target)})`,
    );
  const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
  return {
    sql: `SELECT ${DELIVERY_COLUMNS} FROM audit_alert_deliveries d
          JOIN audit_alerts a ON a.id = d.alert_id ${where}
          ORDER BY a.created_at DESC, d.alert_id DESC, d.target DESC LIMIT ${next(query.limit)}`,
    params,
  };
}

/** How many events of a batch a device may forget (stored, duplicate, or refused for good). */
export function settledCount(results: readonly { status: string; retry?: boolean }[]): number {
  return results.filter((result) => result.status !== 'refused' || result.retry !== true).length;
}
