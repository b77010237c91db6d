import type Database from 'better-sqlite3';
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

/** Writes alerts (and their deliveries) and device reports; call inside the caller's transaction. */
export function writeAlertsSqlite(
  db: Database.Database,
  alerts: readonly QueuedAlert[],
  reports: readonly DeviceReport[],
  at: string,
): void {
  const insertAlert = db.prepare(
    `INSERT INTO audit_alerts (id, kind, source, facts, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
  );
  const insertDelivery = db.prepare(
    `INSERT INTO audit_alert_deliveries (alert_id, target, state, attempts, next_at, updated_at)
     VALUES (?, ?, 'pending', 0, ?, ?) ON CONFLICT (alert_id, target) DO NOTHING`,
  );
  for (const alert of alerts) {
    insertAlert.run(alert.id, alert.kind, alert.source, alert.facts, at);
    for (const target of alert.targets) insertDelivery.run(alert.id, target, at, at);
  }
  const upsertReport = db.prepare(
    `INSERT INTO audit_device_reports (source, last_seen, backlog) VALUES (?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET last_seen = excluded.last_seen, backlog = excluded.backlog`,
  );
  for (const report of reports) upsertReport.run(report.source, report.lastSeen, report.backlog);
}

/** The alert queue in the SQLite audit database; each change is one IMMEDIATE transaction. */
export class SqliteAlertQueue implements AlertQueue {
  constructor(private readonly db: Database.Database) {}

  async enqueue(alerts: readonly QueuedAlert[], at: string): Promise<void> {
    this.db.transaction(() => writeAlertsSqlite(this.db, alerts, [], at)).immediate();
  }

  async claimDue(now: string, limit: number): Promise<ClaimedDelivery[]> {
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare<[string, number], DeliveryRecord>(
            `SELECT d.alert_id, a.kind, a.source, a.facts, a.created_at, d.target, d.attempts
             FROM audit_alert_deliveries d JOIN audit_alerts a ON a.id = d.alert_id
             WHERE d.state IN ('pending', 'failed-retrying') AND d.next_at <= ?
             ORDER BY d.next_at, d.alert_id, d.target LIMIT ?`,
          )
          .all(now, limit);
        const take = this.db.prepare(
          `UPDATE audit_alert_deliveries SET state = 'delivering', attempts = attempts + 1,
             updated_at = ? WHERE alert_id = ? AND target = ?`,
        );
        for (const row of rows) take.run(now, row.alert_id, row.target);
        return rows.map((row) => ({
          alertId: row.alert_id,
          target: row.target,
          attempts: Number(row.attempts) + 1,
          kind: row.kind,
          source: row.source,
          facts: row.facts,
          createdAt: row.created_at,
        }));
      })
      .immediate();
  }

  async settle(outcome: DeliveryOutcome, at: string): Promise<void> {
    this.db
      .prepare(
        `UPDATE audit_alert_deliveries SET state = ?, next_at = coalesce(?, next_at),
           last_error = coalesce(?, last_error), updated_at = ? WHERE alert_id = ? AND target = ?
           AND state = 'delivering'`,
      )
      .run(
        outcome.state,
        outcome.nextAt ?? null,
        outcome.error ?? null,
        at,
        outcome.alertId,
        outcome.target,
      );
  }

  async recover(at: string): Promise<number> {
    return this.db
      .prepare(
        `UPDATE audit_alert_deliveries SET state = 'failed-retrying', next_at = ?, updated_at = ?,
           last_error = 'the server stopped during an attempt; sent again'
         WHERE state = 'delivering'`,
      )
      .run(at, at).changes;
  }

  async nextDue(): Promise<string | null> {
    const row = this.db
      .prepare<[], { next: string | null }>(
        `SELECT min(next_at) AS next FROM audit_alert_deliveries
         WHERE state IN ('pending', 'failed-retrying')`,
      )
      .get();
    return row?.next ?? null;
  }

  async list(query: AlertListQuery): Promise<AlertDelivery[]> {
    const { sql, params } = alertListSql(query, () => '?');
    return this.db
      .prepare<unknown[], DeliveryRecord>(sql)
      .all(...params)
      .map(deliveryOf);
  }

  async deviceReports(): Promise<DeviceReport[]> {
    return this.db
      .prepare<[], { source: string; last_seen: string; backlog: number | null }>(
        'SELECT source, last_seen, backlog FROM audit_device_reports ORDER BY source',
      )
      .all()
      .map((row) => ({ source: row.source, lastSeen: row.last_seen, backlog: row.backlog }));
  }
}
