import { expect } from 'vitest';
import type { AuditStore } from '../../main/server/audit/audit-store.js';
import { bucketOf, histogramPercentile } from '../../main/server/audit/duration-buckets.js';
import { FAILED_STATUSES } from '../../main/server/audit/rollup-schema.js';
import type { Insights } from '../../main/server/console/console-types.js';
import { insights } from '../../main/server/console/insights.js';

interface RunRow {
  source: string;
  time: string;
  script_id: string | null;
  user_name: string | null;
  status: string | null;
  exit_code: number | null;
  catalogue_version: number | null;
  started_at: string | null;
  finished_at: string | null;
}

/** Adds one run to the group `key` of `groups`, made by `fresh` the first time. */
function tally<G>(groups: Map<string, G>, key: unknown[], fresh: () => G, add: (group: G) => void) {
  const id = JSON.stringify(key);
  if (!groups.has(id)) groups.set(id, fresh());
  add(groups.get(id)!);
}

/** The exact nearest-rank percentile of sorted values. */
function exact(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

/**
 * The Insights figures computed in plain code from every `audit_runs` row, independently of the
 * rollups and of the SQL that reads them; durations as exact milliseconds beside them.
 */
export async function directInsights(store: AuditStore, since: string, until: string) {
  const all = await store.select<RunRow>(
    'SELECT source, time, script_id, user_name, status, exit_code, catalogue_version, started_at, finished_at FROM audit_runs',
    [],
  );
  const runs = all.filter((run) => run.time >= since && run.time < until);
  const failed = (run: RunRow) => (FAILED_STATUSES.includes(run.status ?? '') ? 1 : 0);
  const scripts = new Map<string, { row: Insights['scripts'][number]; ms: number[] }>();
  const days = new Map<string, Insights['perDay'][number]>();
  const failures = new Map<string, Insights['failures'][number]>();
  const users = new Map<string, Insights['users'][number]>();
  const devices = new Map<string, Insights['devices'][number]>();
  const adoption = new Map<string, Insights['adoption'][number]>();
  for (const run of runs) {
    const ms = Date.parse(run.finished_at ?? '') - Date.parse(run.started_at ?? '');
    const scriptId = run.script_id;
    tally(
      scripts,
      [scriptId],
      () => ({
        row: { scriptId, runs: 0, finished: 0, succeeded: 0, failed: 0 } as never,
        ms: [] as number[],
      }),
      (g) => {
        g.row.runs++;
        g.row.finished += run.status === null ? 0 : 1;
        g.row.succeeded += run.status === 'succeeded' ? 1 : 0;
        g.row.failed += failed(run);
        if (ms >= 0) g.ms.push(ms);
      },
    );
    const day = run.time.slice(0, 10);
    tally(
      days,
      [day],
      () => ({ day, runs: 0, failed: 0 }),
      (g) => {
        g.runs++;
        g.failed += failed(run);
      },
    );
    if (run.status !== null && run.status !== 'succeeded') {
      const key = { status: run.status, exitCode: run.exit_code };
      tally(
        failures,
        [key.status, key.exitCode],
        () => ({ ...key, runs: 0 }),
        (g) => g.runs++,
      );
    }
    const last = <G extends { runs: number; lastRun: string }>(g: G) => {
      g.runs++;
      if (run.time > g.lastRun) g.lastRun = run.time;
    };
    const user = run.user_name;
    tally(
      users,
      [user],
      () => ({ user, runs: 0, failed: 0, lastRun: '' }),
      (g) => {
        last(g);
        g.failed += failed(run);
      },
    );
    tally(
      devices,
      [run.source],
      () => ({ source: run.source, runs: 0, failed: 0, lastRun: '' }),
      (g) => {
        last(g);
        g.failed += failed(run);
      },
    );
    const version = { source: run.source, catalogueVersion: run.catalogue_version };
    tally(
      adoption,
      [version.source, version.catalogueVersion],
      () => ({ ...version, runs: 0, lastRun: '' }),
      last,
    );
  }
  const durations = [...scripts.values()].map(({ row, ms }) => {
    const sorted = ms.sort((a, b) => a - b);
    const counts = new Map<number, number>();
    for (const value of sorted) counts.set(bucketOf(value), (counts.get(bucketOf(value)) ?? 0) + 1);
    const histogram = [...counts].sort(([a], [b]) => a - b);
    return {
      scriptId: row.scriptId,
      exact: [exact(sorted, 0.5), exact(sorted, 0.95)],
      histogram: [histogramPercentile(histogram, 0.5), histogramPercentile(histogram, 0.95)],
    };
  });
  return {
    scripts: [...scripts.values()].map(({ row }) => ({
      ...row,
      successRate: row.finished === 0 ? null : row.succeeded / row.finished,
    })),
    durations,
    perDay: [...days.values()],
    failures: [...failures.values()],
    users: [...users.values()],
    devices: [...devices.values()],
    adoption: [...adoption.values()],
  };
}

/** Rows in a fixed order, so two stores' NULL ordering does not matter to a comparison. */
function canonical<T>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

/**
 * Checks `insights()` over [since, until) against {@link directInsights}: every count and last
 * run exactly; median and p95 equal to the histogram of the exact durations, and within 2.5 %
 * plus half a millisecond of the exact value.
 */
export async function expectInsightsMatchRuns(store: AuditStore, since: string, until: string) {
  const [got, want] = await Promise.all([
    insights(store, since, until),
    directInsights(store, since, until),
  ]);
  const label = `insights ${since} .. ${until}`;
  const counts = got.scripts.map(({ medianMs: _m, p95Ms: _p, ...row }) => row);
  expect(canonical(counts), label).toEqual(canonical(want.scripts));
  expect(got.perDay, label).toEqual(canonical(want.perDay));
  expect(canonical(got.failures), label).toEqual(canonical(want.failures));
  expect(canonical(got.users), label).toEqual(canonical(want.users));
  expect(canonical(got.devices), label).toEqual(canonical(want.devices));
  expect(canonical(got.adoption), label).toEqual(canonical(want.adoption));
  // Most active first, as the page lists them.
  for (const rows of [got.users, got.devices, got.failures])
    expect(rows.map((row) => row.runs)).toEqual(rows.map((row) => row.runs).sort((a, b) => b - a));
  for (const script of got.scripts) {
    const expected = want.durations.find((d) => d.scriptId === script.scriptId)!;
    expect([script.medianMs, script.p95Ms], `${label} ${script.scriptId}`).toEqual(
      expected.histogram,
    );
    expected.exact.forEach((ms, i) => {
      const approximate = [script.medianMs, script.p95Ms][i]!;
      if (ms === null) return expect(approximate).toBeNull();
      expect(Math.abs(approximate - ms)).toBeLessThanOrEqual(0.025 * ms + 0.5);
    });
  }
  return got;
}

const ROLLUP_TABLES = ['outcomes', 'users', 'devices', 'durations'].map((t) => `audit_rollup_${t}`);

/** SQL removing migration 5's rollups and their triggers (its version is left to the caller). */
export const DROP_ROLLUPS = {
  SQLite: `${['insert', 'update', 'delete'].map((t) => `DROP TRIGGER audit_runs_rollup_${t};`).join(' ')}
    ${ROLLUP_TABLES.map((t) => `DROP TABLE ${t};`).join(' ')}`,
  PostgreSQL: `DROP FUNCTION audit_runs_rollup() CASCADE; DROP FUNCTION audit_duration_bucket(text, text);
    DROP TABLE audit_rollup_pending; DROP FUNCTION audit_rollup_fold();
    ${ROLLUP_TABLES.map((t) => `DROP TABLE ${t};`).join(' ')}`,
};
