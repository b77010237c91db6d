import type { AuditStore } from '../audit/audit-store.js';
import { histogramPercentile } from '../audit/duration-buckets.js';
import {
  bucketRows,
  DEVICES,
  DURATIONS,
  failedCondition,
  OUTCOMES,
  rollupRows,
  runRows,
  USERS,
  type RollupTable,
} from '../audit/rollup-schema.js';
import type { Insights } from './console-types.js';
import { splitInsightsRange } from './insights-range.js';

/**
 * The Insights page's figures over the runs of a date range (`audit_runs.time`): per script
 * success rate and duration median / p95, runs per day, failures by exit code and status,
 * activity per user and per device, and which catalogue version each device runs.
 *
 * The whole days of the range are read from the per-day rollups (migration 6), the partial days
 * at its ends from `audit_runs` (see insights-range.ts); each figure is one query over both,
 * grouped by the database. Counts are exact. Median and p95 come from a duration histogram and
 * are within 2.5 % of the exact value (see duration-buckets.ts); the page marks them "≈".
 */

const FAILED = failedCondition('x');

export async function insights(store: AuditStore, since: string, until: string): Promise<Insights> {
  const split = splitInsightsRange(since, until);
  const params = [split.firstDay, split.lastDay, ...split.partial.flat()];
  /** The rows of `table` for the range: whole days from it, then each partial stretch's runs. */
  const rows = (table: RollupTable) =>
    `(${rollupRows(table)}
      UNION ALL ${runRows(store.kind, table)}
      UNION ALL ${runRows(store.kind, table)}) AS x`;
  const sumWhere = (condition: string) => `sum(CASE WHEN ${condition} THEN x.runs ELSE 0 END)`;
  const [scripts, histograms, buckets, perDay, failures, users, adoption] = await Promise.all([
    store.select<{
      script_id: string | null;
      runs: number;
      finished: number;
      succeeded: number;
      failed: number;
    }>(
      `SELECT x.script_id, sum(x.runs) AS runs, ${sumWhere('x.status IS NOT NULL')} AS finished,
         ${sumWhere("x.status = 'succeeded'")} AS succeeded, ${sumWhere(FAILED)} AS failed
       FROM ${rows(OUTCOMES)} GROUP BY x.script_id ORDER BY x.script_id`,
      params,
    ),
    store.select<{ script_id: string | null; histogram: string }>(
      `SELECT x.script_id, x.histogram FROM (${rollupRows(DURATIONS)}) AS x`,
      params.slice(0, 2),
    ),
    store.select<{ script_id: string | null; bucket: number; runs: number }>(
      `SELECT x.script_id, x.bucket, count(*) AS runs FROM (${bucketRows(store.kind, DURATIONS)}
         UNION ALL ${bucketRows(store.kind, DURATIONS)}) AS x
       GROUP BY x.script_id, x.bucket`,
      params.slice(2),
    ),
    store.select<{ day: string; runs: number; failed: number }>(
      `SELECT x.day, sum(x.runs) AS runs, ${sumWhere(FAILED)} AS failed
       FROM ${rows(OUTCOMES)} GROUP BY x.day ORDER BY x.day`,
      params,
    ),
    store.select<{ status: string; exit_code: number | null; runs: number }>(
      `SELECT x.status, x.exit_code, sum(x.runs) AS runs FROM ${rows(OUTCOMES)}
       WHERE x.status IS NOT NULL AND x.status <> 'succeeded'
       GROUP BY x.status, x.exit_code ORDER BY runs DESC, x.status, x.exit_code`,
      params,
    ),
    store.select<{ user_name: string | null; runs: number; failed: number; last_run: string }>(
      `SELECT x.user_name, sum(x.runs) AS runs, sum(x.failed) AS failed, max(x.last_run) AS last_run
       FROM ${rows(USERS)} GROUP BY x.user_name ORDER BY runs DESC, x.user_name`,
      params,
    ),
    store.select<{
      source: string;
      catalogue_version: number | null;
      runs: number;
      failed: number;
      last_run: string;
    }>(
      `SELECT x.source, x.catalogue_version, sum(x.runs) AS runs, sum(x.failed) AS failed,
         max(x.last_run) AS last_run
       FROM ${rows(DEVICES)} GROUP BY x.source, x.catalogue_version
       ORDER BY x.source, last_run DESC, x.catalogue_version`,
      params,
    ),
  ]);
  const durations = mergeHistograms(histograms, buckets);
  return {
    since,
    until,
    scripts: scripts.map((row) => {
      const histogram = durations.get(row.script_id) ?? [];
      const finished = Number(row.finished);
      return {
        scriptId: row.script_id,
        runs: Number(row.runs),
        finished,
        succeeded: Number(row.succeeded),
        failed: Number(row.failed),
        successRate: finished === 0 ? null : Number(row.succeeded) / finished,
        medianMs: histogramPercentile(histogram, 0.5),
        p95Ms: histogramPercentile(histogram, 0.95),
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
    devices: perDevice(adoption),
    adoption: adoption.map((row) => ({
      source: row.source,
      catalogueVersion: row.catalogue_version,
      runs: Number(row.runs),
      lastRun: row.last_run,
    })),
  };
}

/** Per script, its runs per duration bucket summed over the rows, in ascending bucket order. */
/**
 * Each script's histogram, `[bucket, runs]` in bucket order: the rollups' per-day histograms (JSON
 * objects) and the partial days' single runs added up. A 30-day range at a million events is
 * about 1,200 histograms of up to 200 buckets: they are added straight into one map per script.
 */
function mergeHistograms(
  histograms: readonly { script_id: string | null; histogram: string }[],
  buckets: readonly { script_id: string | null; bucket: number; runs: number }[],
): Map<string | null, [number, number][]> {
  const counts = new Map<string | null, Map<number, number>>();
  const add = (script: string | null, bucket: number, runs: number) => {
    let histogram = counts.get(script);
    if (!histogram) counts.set(script, (histogram = new Map<number, number>()));
    histogram.set(bucket, (histogram.get(bucket) ?? 0) + runs);
  };
  for (const row of histograms) {
    const parsed = JSON.parse(row.histogram) as Record<string, number>;
    for (const bucket in parsed) add(row.script_id, Number(bucket), Number(parsed[bucket]));
  }
  for (const row of buckets) add(row.script_id, Number(row.bucket), Number(row.runs));
  return new Map(
    [...counts].map(([script, histogram]) => [script, [...histogram].sort(([a], [b]) => a - b)]),
  );
}

/**
 * Activity per device from its rows per catalogue version (one query fewer), most runs first,
 * then by source in bytewise order as the stores sort it.
 */
function perDevice(
  rows: readonly { source: string; runs: number; failed: number; last_run: string }[],
): Insights['devices'] {
  const devices = new Map<string, Insights['devices'][number]>();
  for (const row of rows) {
    const device = devices.get(row.source) ?? {
      source: row.source,
      runs: 0,
      failed: 0,
      lastRun: '',
    };
    device.runs += Number(row.runs);
    device.failed += Number(row.failed);
    if (row.last_run > device.lastRun) device.lastRun = row.last_run;
    devices.set(row.source, device);
  }
  return [...devices.values()].sort(
    (a, b) => b.runs - a.runs || Buffer.compare(Buffer.from(a.source), Buffer.from(b.source)),
  );
}
