import { afterEach, expect, it } from 'vitest';
import type { AuditEvent } from '../../main/audit/event.js';
import type { AuditStore } from '../../main/server/audit/audit-store.js';
import { openAuditStore } from '../../main/server/audit/open-audit-store.js';
import { RUN_FINISHED, RUN_REQUESTED, RUN_STARTED } from '../../main/server/audit/run-schema.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { testDevice, type TestDevice } from '../support/audit-events.js';
import {
  ADMIN_TOKEN,
  describeEachStore,
  INGEST_TOKEN,
  postEvents,
  type AuditStoreKind,
} from '../support/audit-server.js';
import { runEvents } from '../support/console-runs.js';
import { DROP_ROLLUPS, expectInsightsMatchRuns } from '../support/direct-insights.js';

let server: CatalogueServer | undefined;
let reader: AuditStore | undefined;
afterEach(async () => {
  await server?.close();
  await reader?.close();
  server = reader = undefined;
});

/** Ranges over the seeded days: whole days, partial ends, within a day, text edges, none. */
const RANGES: [string, string][] = [
  ['2026-03-01T00:00:00.000Z', '2026-03-04T00:00:00.000Z'],
  ['2026-03-01T09:30:00.000Z', '2026-03-03T12:00:00.000Z'],
  ['2026-03-02T08:00:00.000Z', '2026-03-02T12:00:01.000Z'],
  ['2026-03-01T00:00:00Z', '2026-03-03T00:00:00Z'],
  ['2026-03-01T23:59:59.999Z', '2026-03-02T00:00:00.001Z'],
  ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
  ['2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z'],
  ['2026-03-03T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
];

/** One run's events written by hand: only what `data` says, at `time`. */
function event(device: TestDevice, type: string, time: string, data: Record<string, unknown>) {
  return device.next({ type, time, subject: 'cleanup@1.0.0', data });
}

/**
 * Batches of run events that move runs between rollup rows: runs over three days and across
 * midnight, unknown scripts and users (absent, or not text: NULL), an unfinished run, a run whose
 * finished event arrives first and its requested event in a later batch (its script, user and
 * version go from NULL to known), and a run whose user changes after it was its user's last run.
 */
function batches(): AuditEvent[][] {
  const a = testDevice('laptop-a');
  const b = testDevice('desktop-b');
  const c = testDevice('kiosk-c');
  const d = testDevice('late-d');
  const at = (day: number, hour: number, minute = 0) =>
    new Date(Date.UTC(2026, 2, day, hour, minute)).toISOString();
  const first = [
    ...runEvents(a, { runId: 'a1', durationMs: 1000, startedAt: at(1, 8) }),
    ...runEvents(a, { runId: 'a2', durationMs: 3000, startedAt: at(1, 10) }),
    ...runEvents(a, {
      runId: 'a3',
      durationMs: 42_000,
      status: 'failed',
      exitCode: 2,
      startedAt: at(2, 8),
    }),
    ...runEvents(b, {
      runId: 'b1',
      scriptId: 'cleanup',
      user: 'bob',
      catalogueVersion: 8,
      durationMs: 20_000,
      startedAt: '2026-03-01T23:59:50.000Z',
    }),
    ...runEvents(b, {
      runId: 'b2',
      scriptId: 'cleanup',
      user: 'bob',
      status: 'timeout',
      exitCode: null,
      durationMs: 600_000,
      startedAt: at(3, 7),
    }),
    event(c, RUN_REQUESTED, at(2, 9), { runId: 'c1' }),
    event(c, RUN_FINISHED, at(2, 9, 1), { runId: 'c1', status: 'cancelled', exitCode: null }),
    event(c, RUN_REQUESTED, at(2, 10), { runId: 'c2', scriptId: 42, user: 'carol' }),
    event(c, RUN_STARTED, at(2, 10), { runId: 'c2', startedAt: '2026-03-02T10:00:00.000Z' }),
    event(c, RUN_FINISHED, at(2, 10), {
      runId: 'c2',
      status: 'succeeded',
      exitCode: 0,
      startedAt: '2026-03-02T10:00:00.000Z',
      finishedAt: '2026-03-02T10:00:00.007Z',
    }),
    runEvents(c, { runId: 'c3', startedAt: at(3, 9) })[0]!,
  ];
  const lateFinished = event(d, RUN_FINISHED, at(2, 12), {
    runId: 'd1',
    status: 'failed',
    exitCode: 3,
    startedAt: at(2, 11, 55),
    finishedAt: at(2, 12),
  });
  const daysRun = runEvents(d, { runId: 'd0', user: 'dora', startedAt: at(2, 6) });
  const lateRequested = event(d, RUN_REQUESTED, at(2, 11, 54), {
    runId: 'd1',
    scriptId: 'cleanup',
    user: 'dora',
    catalogueVersion: 9,
  });
  const renamed = event(d, RUN_STARTED, at(2, 11, 55), {
    runId: 'd1',
    user: 'erin',
    catalogueVersion: 10,
  });
  return [first, [lateFinished], [...daysRun, lateRequested], [renamed]];
}

describeEachStore('insights from per-day rollups on $name', (store: AuditStoreKind) => {
  async function serve(database: string) {
    server = await startServer({
      port: 0,
      audit: { database, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN, devices: 'auto' },
    });
    return server.url;
  }

  async function stored(url: string, events: AuditEvent[]) {
    const answer = await postEvents(url, events);
    expect(
      answer.status,
      JSON.stringify(answer.body.results.filter((r) => r.status !== 'stored')),
    ).toBe(200);
    expect(answer.body.results.every((result) => result.status === 'stored')).toBe(true);
  }

  it('equal the figures computed from the runs, batch after batch and over any range', async () => {
    const database = await store.database();
    const url = await serve(database);
    reader = await openAuditStore(database);
    for (const batch of batches()) {
      await stored(url, batch);
      for (const [since, until] of RANGES) await expectInsightsMatchRuns(reader, since, until);
    }
    const all = await expectInsightsMatchRuns(reader, ...RANGES[0]!);
    // The figures are not empty: every kind of run above is in them.
    expect(all.scripts.map((s) => s.scriptId)).toEqual(
      expect.arrayContaining([null, 'cleanup', 'monthly-report']),
    );
    expect(all.users.map((u) => u.user)).toEqual(
      expect.arrayContaining([null, 'alice', 'bob', 'carol', 'dora', 'erin']),
    );
    expect(all.adoption).toContainEqual({
      source: 'late-d',
      catalogueVersion: 10,
      runs: 1,
      lastRun: '2026-03-02T12:00:00.000Z',
    });
    expect(all.users.find((u) => u.user === 'dora')!.lastRun).toBe('2026-03-02T06:00:00.000Z');
  });

  it('stay equal to the runs when many devices store batches at once into the same rows', async () => {
    const database = await store.database();
    const url = await serve(database);
    reader = await openAuditStore(database);
    // Eight devices, each sending three batches of runs of the same script, users and day, all at
    // once: every batch changes the same rollup rows (and, on PostgreSQL, folds at commit).
    const devices = Array.from({ length: 8 }, (_, n) => testDevice(`busy-${n}`));
    const sends = devices.flatMap((device, n) =>
      [0, 1, 2].map((b) =>
        Array.from({ length: 6 }, (_, k) =>
          runEvents(device, {
            runId: `busy-${n}-${b}-${k}`,
            user: ['alice', 'bob', 'carol'][k % 3],
            status: k === 5 ? 'failed' : 'succeeded',
            exitCode: k === 5 ? 1 : 0,
            durationMs: 1000 * (1 + n + k),
            startedAt: new Date(Date.UTC(2026, 2, 2, 9, n, b * 10 + k)).toISOString(),
          }),
        ).flat(),
      ),
    );
    // A device's batches go in order (its chain); the devices race each other.
    await Promise.all(
      devices.map(async (_, n) => {
        for (const batch of sends.slice(n * 3, n * 3 + 3)) await stored(url, batch);
      }),
    );
    const all = await expectInsightsMatchRuns(reader, ...RANGES[0]!);
    expect(all.scripts.find((s) => s.scriptId === 'monthly-report')?.runs).toBe(8 * 3 * 6);
    if (store.name === 'PostgreSQL') {
      const left = await reader.select<{ n: number }>(
        'SELECT count(*)::int AS n FROM audit_rollup_pending',
        [],
      );
      expect(left).toEqual([{ n: 0 }]);
    }
  });

  it('backfills the rollups from runs stored before migration 6, and keeps them after', async () => {
    const database = await store.database();
    const [early, ...later] = batches();
    let url = await serve(database);
    await stored(url, early!);
    await server!.close();
    server = undefined;
    await store.execute(database, REWIND[store.name]);
    url = await serve(database);
    reader = await openAuditStore(database);
    for (const [since, until] of RANGES) await expectInsightsMatchRuns(reader, since, until);
    for (const batch of later) await stored(url, batch);
    for (const [since, until] of RANGES) await expectInsightsMatchRuns(reader, since, until);
  });
});

/** Takes a database back to before migration 6 (the runs stay), as an older server left it. */
const REWIND = {
  SQLite: `${DROP_ROLLUPS.SQLite} PRAGMA user_version = 5;`,
  PostgreSQL: `${DROP_ROLLUPS.PostgreSQL} DELETE FROM audit_schema_version WHERE version = 6;`,
};
