import type pg from 'pg';
import {
  alertListSql,
  deliveryOf,
  type AlertDelivery,
  type AlertListQuery,
  type AlertQueue,
  type ClaimedDelivery,
  type DeliveryOutcome,
  type DeliveryRecord,
  type DeviceReport,
  type QueuedAlert,
} from './alert-queue.js';

/** Writes alerts (and their deliveries) and device reports on the caller's transaction. */
export async function writeAlertsPostgres(
  client: pg.ClientBase,
  alerts: readonly QueuedAlert[],
  reports: readonly DeviceReport[],
  at: string,
): Promise<void> {
  if (alerts.length > 0) {
    await client.query(
      `INSERT INTO audit_alerts (id, kind, source, facts, created_at)
       SELECT id, kind, source, facts, $5
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS a(id, kind, source, facts)
       ON CONFLICT (id) DO NOTHING`,
      [
        alerts.map((a) => a.id),
        alerts.map((a) => a.kind),
        alerts.map((a) => a.source),
        alerts.map((a) => a.facts),
        at,
      ],
    );
    const pairs = alerts.flatMap((alert) => alert.targets.map((target) => [alert.id, target]));
    if (pairs.length > 0)
      await client.query(
        `INSERT INTO audit_alert_deliveries (alert_id, target, state, attempts, next_at, updated_at)
         SELECT alert_id, target, 'pending', 0, $3, $3
         FROM unnest($1::text[], $2::text[]) AS d(alert_id, target)
         ON CONFLICT (alert_id, target) DO NOTHING`,
        [pairs.map(([id]) => id), pairs.map(([, target]) => target), at],
      );
  }
  if (reports.length > 0)
    await client.query(
      `INSERT INTO audit_device_reports (source, last_seen, backlog)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])
       ON CONFLICT (source) DO UPDATE SET last_seen = excluded.last_seen, backlog = excluded.backlog`,
      [reports.map((r) => r.source), reports.map((r) => r.lastSeen), reports.map((r) => r.backlog)],
    );
}

/**
 * The alert queue in PostgreSQL. Claiming is one statement with `FOR UPDATE SKIP LOCKED`, so two
 * servers sharing the database never take the same delivery.
 */
export class PostgresAlertQueue implements AlertQueue {
  constructor(private readonly pool: pg.Pool) {}

  async enqueue(alerts: readonly QueuedAlert[], at: string): Promise<void> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      await writeAlertsPostgres(client, alerts, [], at);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async claimDue(now: string, limit: number): Promise<ClaimedDelivery[]> {
    const result = await this.pool.query<DeliveryRecord>(
      `WITH due AS (
         SELECT alert_id, target FROM audit_alert_deliveries
         WHERE state IN ('pending', 'failed-retrying') AND next_at <= $1
         ORDER BY next_at, alert_id, target LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE audit_alert_deliveries d
       SET state = 'delivering', attempts = d.attempts + 1, updated_at = $1
       FROM due, audit_alerts a
       WHERE d.alert_id = due.alert_id AND d.target = due.target AND a.id = d.alert_id
       RETURNING d.alert_id, d.target, d.attempts, a.kind, a.source, a.facts, a.created_at`,
      [now, limit],
    );
    return result.rows
      .map((row) => ({
        alertId: row.alert_id,
        target: row.target,
        attempts: Number(row.attempts),
        kind: row.kind,
        source: row.source,
        facts: row.facts,
        createdAt: row.created_at,
      }))
      .sort((a, b) => (a.alertId + a.target < b.alertId + b.target ? -1 : 1));
  }

  async settle(outcome: DeliveryOutcome, at: string): Promise<void> {
    await this.pool.query(
      `UPDATE audit_alert_deliveries SET state = $1, next_at = coalesce($2, next_at),
         last_error = coalesce($3, last_error), updated_at = $4 WHERE alert_id = $5 AND target = $6
         AND state = 'delivering'`,
      [
        outcome.state,
        outcome.nextAt ?? null,
        outcome.error ?? null,
        at,
        outcome.alertId,
        outcome.target,
      ],
    );
  }

  async recover(at: string): Promise<number> {
    const result = await this.pool.query(
      `UPDATE audit_alert_deliveries SET state = 'failed-retrying', next_at = $1, updated_at = $1,
         last_error = 'the server stopped during an attempt; sent again'
       WHERE state = 'delivering'`,
      [at],
    );
    return result.rowCount ?? 0;
  }

  async nextDue(): Promise<string | null> {
    const result = await this.pool.query<{ next: string | null }>(
      `SELECT min(next_at) AS next FROM audit_alert_deliveries
       WHERE state IN ('pending', 'failed-retrying')`,
    );
    return result.rows[0]?.next ?? null;
  }

  async list(query: AlertListQuery): Promise<AlertDelivery[]> {
    const { sql, params } = alertListSql(query, (position) => `$${position}`);
    const result = await this.pool.query<DeliveryRecord>(sql, params);
    return result.rows.map(deliveryOf);
  }

  async deviceReports(): Promise<DeviceReport[]> {
    const result = await this.pool.query<{
      source: string;
      last_seen: string;
      backlog: string | null;
    }>('SELECT source, last_seen, backlog FROM audit_device_reports ORDER BY source');
    return result.rows.map((row) => ({
      source: row.source,
      lastSeen: row.last_seen,
      backlog: row.backlog === null ? null : Number(row.backlog),
    }));
  }
}
