import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startPostgresCluster } from '../main/dev/postgres-cluster.js';
import type { AuditStore } from '../main/server/audit/audit-store.js';
import { openAuditStore } from '../main/server/audit/open-audit-store.js';
import { insights } from '../main/server/console/insights.js';
import type { RunFilters, RunKey } from '../main/server/console/run-filters.js';
import { listRuns } from '../main/server/console/run-queries.js';
import { startServer } from '../main/server/server.js';
import { deviceSource, scriptId, SEED_END, seedStores, userName } from './audit-console-seed.js';
import { stats } from './stats.js';

/**
 * The audit console at a million events (issue 16): a fleet's run events seeded into a fresh
 * SQLite file and a fresh PostgreSQL database, then the run list with each filter (first page and
 * a page deep in the history, by keyset) and the insights of 7 and 30 days, called through the
 * same functions the console's HTTP routes call, against the target p95 under 300 ms. One request
 * per store also goes end to end through a real server's `/console/api/runs`, signed in.
 */
const EVENTS = Number(process.env.BENCH_CONSOLE_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 20);
/** A folder to keep the seeded stores in: seeded the first time, reused (and migrated) after. */
const KEEP = process.env.BENCH_CONSOLE_KEEP;
const TARGET_MS = 300;
const PAGE = 50;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** The queries measured: a name, the filters, and whether the page starts deep in the history. */
const QUERIES: { name: string; filters: RunFilters }[] = [
  { name: 'no filter', filters: {} },
  { name: 'script', filters: { script: scriptId(7) } },
  { name: 'version', filters: { version: '1.1.0' } },
  { name: 'user', filters: { user: userName(42) } },
  { name: 'device', filters: { device: deviceSource(17) } },
  { name: 'status failed', filters: { status: 'failed' } },
  { name: 'status timeout', filters: { status: 'timeout' } },
  {
    name: 'date range 10 days',
    filters: { since: iso(SEED_END - 35 * DAY), until: iso(SEED_END - 25 * DAY) },
  },
  { name: 'reason text', filters: { reason: 'incident' } },
  { name: 'reason text, no match', filters: { reason: 'no such reason' } },
  { name: 'input value', filters: { input: { field: 'region', value: 'apac' } } },
  {
    name: 'script+status+range',
    filters: { script: scriptId(3), status: 'failed', since: iso(SEED_END - 45 * DAY) },
  },
  {
    name: 'input+user',
    filters: { user: userName(42), input: { field: 'region', value: 'emea' } },
  },
];

/** A keyset position half-way through the seeded history: what page N looks like. */
const DEEP: RunKey = { time: iso(SEED_END - 30 * DAY), source: '~', runId: '~' };

async function time(task: () => Promise<unknown>): Promise<number[]> {
  await task(); // warm: the first call also prepares the statement
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now();
    await task();
    samples.push(performance.now() - started);
  }
  return samples;
}

function report(store: string, name: string, samples: number[], rows: number): boolean {
  const { median, p95 } = stats(samples);
  const met = p95 < TARGET_MS;
  console.log(
    `  ${store.padEnd(10)} ${name.padEnd(42)} median ${median.toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  ${String(rows).padStart(3)} rows  ${met ? 'met' : 'NOT met'}`,
  );
  return met;
}

async function measure(name: string, store: AuditStore): Promise<number> {
  let missed = 0;
  for (const query of QUERIES) {
    for (const deep of [false, true]) {
      const after = deep ? DEEP : undefined;
      const rows = (await listRuns(store, query.filters, after, PAGE + 1)).length;
      const samples = await time(() => listRuns(store, query.filters, after, PAGE + 1));
      if (!report(name, `runs: ${query.name}${deep ? ', deep page' : ''}`, samples, rows)) missed++;
    }
  }
  for (const days of [7, 30]) {
    const since = iso(SEED_END - days * DAY);
    const until = iso(SEED_END);
    const runs = (await insights(store, since, until)).scripts.reduce((n, s) => n + s.runs, 0);
    const samples = await time(() => insights(store, since, until));
    if (!report(name, `insights ${days} days (${runs} runs)`, samples, 0)) missed++;
  }
  return missed;
}

/** One run-list request through a real server: sign in as the auditor, then time the route. */
async function endToEnd(name: string, database: string): Promise<void> {
  const token = 'bench-auditor-token-0123456789';
  const server = await startServer({
    port: 0,
    audit: {
      database,
      ingestToken: 'bench-ingest-token-0123456789',
      adminToken: 'bench-admin-token-0123456789',
      auditorToken: token,
    },
  });
  try {
    const signIn = await fetch(`${server.url}/console/api/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: server.url },
      body: JSON.stringify({ token }),
    });
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0];
    if (signIn.status !== 200 || !cookie) throw new Error(`sign-in answered ${signIn.status}`);
    const target = `${server.url}/console/api/runs?field=region&value=apac&status=failed`;
    let rows = 0;
    const samples = await time(async () => {
      const response = await fetch(target, { headers: { Cookie: cookie } });
      const body = (await response.json()) as { runs: unknown[] };
      if (response.status !== 200) throw new Error(`runs answered ${response.status}`);
      rows = body.runs.length;
    });
    report(name, 'HTTP /console/api/runs input+status', samples, rows);
  } finally {
    await server.close();
  }
}

async function freshDatabase(adminUrl: string, create: boolean): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    if (create) await client.query('CREATE DATABASE bench_console');
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = '/bench_console';
  return url.href;
}

interface Seeded {
  events: number;
  sqliteMs: number;
  postgresMs: number;
  totalS: number;
}

export async function benchAuditConsole(): Promise<void> {
  const dir = KEEP ?? (await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-console-')));
  await mkdir(dir, { recursive: true });
  const record = path.join(dir, 'seeded.json');
  const reuse = KEEP !== undefined && existsSync(record);
  const cluster = await startPostgresCluster(KEEP ? { keepIn: path.join(dir, 'pg') } : {});
  try {
    const file = path.join(dir, 'audit.sqlite');
    const url = await freshDatabase(cluster.url, !reuse);
    let seeded: Seeded;
    if (reuse) seeded = JSON.parse(await readFile(record, 'utf8')) as Seeded;
    else {
      const started = performance.now();
      seeded = { ...(await seedStores(EVENTS, file, url)), totalS: 0 };
      seeded.totalS = (performance.now() - started) / 1000;
      if (KEEP) await writeFile(record, JSON.stringify(seeded));
    }
    console.log(
      `audit console at ${seeded.events} events (~${Math.round(seeded.events / 3)} runs, 200 devices; ${ROUNDS} rounds, page of ${PAGE}; target p95 < ${TARGET_MS} ms)`,
    );
    console.log(
      `  seeding${reuse ? ' (earlier, kept in BENCH_CONSOLE_KEEP)' : ''}: SQLite ${(seeded.sqliteMs / 1000).toFixed(1)} s, PostgreSQL ${(seeded.postgresMs / 1000).toFixed(1)} s (with VACUUM ANALYZE), ${seeded.totalS.toFixed(1)} s in all with event generation`,
    );
    console.log(
      `  load average ${os
        .loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    );
    let missed = 0;
    for (const [name, database] of [
      ['SQLite', file],
      ['PostgreSQL', url],
    ] as const) {
      // Opening applies the store's migrations: on a kept, older seed that is their cost at 1M.
      const opening = performance.now();
      const store = await openAuditStore(database);
      console.log(
        `  ${name}: opened (migrations included) in ${((performance.now() - opening) / 1000).toFixed(1)} s`,
      );
      try {
        missed += await measure(name, store);
      } finally {
        await store.close();
      }
      await endToEnd(name, database);
    }
    console.log(`  ${missed === 0 ? 'every query met the target' : `${missed} queries NOT met`}`);
  } finally {
    await cluster.stop();
    if (!KEEP) await rm(dir, { recursive: true, force: true });
  }
}
