import type { AuditStore } from '../audit/audit-store.js';
import type { Insights } from './console-types.js';

/**
 * The Insights page's figures over the runs of a date range (`audit_runs.time`, through its
 * index): per script success rate and duration median / p95, runs per day, failures by exit code
 * and status, activity per user and per device, and which catalogue version each device runs.
 * Grouping is done by the database; only the durations of finished runs come back as rows, for
 * the percentiles, which SQLite has no function for.
 */

/**
 * The statuses counted as failures: the script failed, ran out of time or output, or the desk
 * stopped under it. Not `expected` (an exit the script declares normal) nor `cancelled`.
 */
export const FAILED_STATUSES = ['failed', 'retriable', 'timeout', 'output_limit', 'interrupted'];
const FAILED = `r.status IN (${FAILED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export async function insights(store: AuditStore, since: string, until: string): Promise<Insights> {
  const range = 'r.time >= ? AND r.time < ?';
  const params = [since, until];
  const failedCount = `sum(CASE WHEN ${FAILED} THEN 1 ELSE 0 END)`;
  const [scripts, durations, perDay, failures, users, devices, adoption] = await Promise.all([
    store.select<{
      script_id: string | null;
      runs: number;
      finished: number;
      succeeded: number;
      failed: number;
    }>(
      `SELECT r.script_id, count(*) AS runs, count(r.status) AS finished,
         sum(CASE WHEN r.status = 'succeeded' THEN 1 ELSE 0 END) AS succeeded,
         ${failedCount} AS failed
       FROM audit_runs AS r WHERE ${range} GROUP BY r.script_id ORDER BY r.script_id`,
      params,
    ),
    store.select<{ script_id: string | null; started_at: string; finished_at: string }>(
      `SELECT r.script_id, r.started_at, r.finished_at FROM audit_runs AS r
       WHERE ${range} AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL`,
      params,
    ),
    store.select<{ day: string; runs: number; failed: number }>(
      `SELECT substr(r.time, 1, 10) AS day, count(*) AS runs, ${failedCount} AS failed
       FROM audit_runs AS r WHERE ${range} GROUP BY substr(r.time, 1, 10) ORDER BY day`,
      params,
    ),
    store.select<{ status: string; exit_code: number | null; runs: number }>(
      `SELECT r.status, r.exit_code, count(*) AS runs FROM audit_runs AS r
       WHERE ${range} AND r.status IS NOT NULL AND r.status <> 'succeeded'
       GROUP BY r.status, r.exit_code ORDER BY runs DESC, r.status`,
      params,
    ),
    store.select<{ user_name: string | null; runs: number; failed: number; last_run: string }>(
      `SELECT r.user_name, count(*) AS runs, ${failedCount} AS failed, max(r.time) AS last_run
       FROM audit_runs AS r WHERE ${range} GROUP BY r.user_name ORDER BY runs DESC, r.user_name`,
      params,
    ),
    store.select<{ source: string; runs: number; failed: number; last_run: string }>(
      `SELECT r.source, count(*) AS runs, ${failedCount} AS failed, max(r.time) AS last_run
       FROM audit_runs AS r WHERE ${range} GROUP BY r.source ORDER BY runs DESC, r.source`,
      params,
    ),
    store.select<{
      source: string;
      catalogue_version: number | null;
      runs: number;
      last_run: string;
    }>(
      `SELECT r.source, r.catalogue_version, count(*) AS runs, max(r.time) AS last_run
       FROM audit_runs AS r WHERE ${range} GROUP BY r.source, r.catalogue_version
       ORDER BY r.source, last_run DESC`,
      params,
    ),
  ]);
  const spans = new Map<string | null, number[]>();
  for (const row of durations) {
    const ms = Date.parse(row.finished_at) - Date.parse(row.started_at);
    if (!Number.isFinite(ms) || ms < 0) continue;
    const list = spans.get(row.script_id) ?? [];
    list.push(ms);
    spans.set(row.script_id, list);
  }
  return {
    since,
    until,
    scripts: scripts.map((row) => {
      const list = (spans.get(row.script_id) ?? []).sort((a, b) => a - b);
      const finished = Number(row.finished);
      return {
        scriptId: row.script_id,
        runs: Number(row.runs),
        finished,
        succeeded: Number(row.succeeded),
        failed: Number(row.failed),
        successRate: finished === 0 ? null : Number(row.succeeded) / finished,
        medianMs: percentile(list, 0.5),
        p95Ms: percentile(list, 0.95),
      };
    }),
    perDay: perDay.map((row) => ({
      day: row.day,
      runs: Number(row.runs),
      failed: Number(row.failed),
    })),
    failures: failures.map((row) => ({
      status: row.status,
      exitCode: row.exit_code,
      runs: Number(row.runs),
    })),
    users: users.map((row) => ({
      user: row.user_name,
      runs: Number(row.runs),
      failed: Number(row.failed),
      lastRun: row.last_run,
    })),
    devices: devices.map((row) => ({
      source: row.source,
      runs: Number(row.runs),
      failed: Number(row.failed),
      lastRun: row.last_run,
    })),
    adoption: adoption.map((row) => ({
      source: row.source,
      catalogueVersion: row.catalogue_version,
      runs: Number(row.runs),
      lastRun: row.last_run,
    })),
  };
}

/** The nearest-rank percentile of sorted values (p in 0..1); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
