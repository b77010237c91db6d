import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { signerFor } from '../main/audit/device-key.js';
import { hasValidSignature, type AuditEvent } from '../main/audit/event.js';
import { AUDIT_TYPES, AuditJournal } from '../main/audit/journal.js';
import { AuditReporter } from '../main/audit/reporter.js';
import { startPostgresCluster } from '../main/dev/postgres-cluster.js';
import { openDatabase, type Db } from '../main/storage/database.js';
import { finishedRecord } from './audit-journal.js';

/**
 * The audit endpoint, as a separate `scriptdesk server` process on 127.0.0.1 (so it does not
 * share an event loop with the device), on SQLite and on PostgreSQL:
 *
 * - drain: a device's 10,000-event backlog (journaled while offline) delivered by the reporter,
 *   from the first request until nothing waits;
 * - ingestion: pre-signed batches from many devices posted by 4 clients at once, in events/s,
 *   against the same machine's rate of Ed25519 verification alone (the endpoint checks every
 *   signature, so that rate bounds ingestion from above).
 */
const BACKLOG = Number(process.env.BENCH_AUDIT_BACKLOG ?? 10_000);
const INGEST_DEVICES = 20;
const INGEST_PER_DEVICE = 1000;
const INGEST_BATCH = 500;
const INGEST_CLIENTS = 4;
const INGEST_TOKEN = 'bench-ingest-token-0123456789';
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const BIN = fileURLToPath(new URL('../../bin/scriptdesk.js', import.meta.url));

export async function benchAuditEndpoint(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-endpoint-'));
  const cluster = await startPostgresCluster();
  try {
    const stores = [
      {
        name: 'SQLite',
        database: () => Promise.resolve(path.join(dir, `audit-${Date.now()}.sqlite`)),
      },
      { name: 'PostgreSQL', database: () => freshDatabase(cluster.url) },
    ];
    console.log(`audit endpoint (scriptdesk server in its own process, 127.0.0.1)`);
    const verifyRate = await signatureVerifyRate();
    for (const store of stores) {
      const drainMs = await drain(dir, await store.database());
      const ingestRate = await ingest(await store.database());
      const target =
        store.name === 'SQLite'
          ? `  (target under 5 s: ${drainMs < 5000 ? 'met' : 'NOT met'})`
          : '';
      console.log(
        `  ${store.name.padEnd(10)} drain of a ${BACKLOG}-event backlog ${(drainMs / 1000).toFixed(2)} s (${((BACKLOG / drainMs) * 1000).toFixed(0)} events/s)${target}`,
      );
      console.log(
        `  ${store.name.padEnd(10)} ingestion ${ingestRate.toFixed(0)} events/s from ${INGEST_DEVICES} devices, ${INGEST_CLIENTS} clients (${((ingestRate / verifyRate) * 100).toFixed(0)}% of the signature-check bound)`,
      );
    }
    console.log(`  baseline   Ed25519 verification alone, one core: ${verifyRate.toFixed(0)} /s`);
  } finally {
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function freshDatabase(adminUrl: string): Promise<string> {
  const name = `bench_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/** Starts `scriptdesk server` on a free port and resolves with its URL once it listens. */
async function startEndpoint(database: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'server', '--port', '0', '--database', database], {
    env: {
      ...process.env,
      SCRIPTDESK_INGEST_TOKEN: INGEST_TOKEN,
      SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const found = /Audit endpoint at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`scriptdesk server exited with ${code}: ${out}`)),
    );
  });
  return { url, child };
}

async function stopEndpoint(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Journals a backlog while "offline", then times the reporter delivering all of it. */
async function drain(dir: string, database: string): Promise<number> {
  const db: Db = openDatabase(path.join(dir, `device-${Date.now()}.sqlite`));
  const journal = new AuditJournal(db, `urn:scriptdesk:device:bench-${Date.now()}`);
  journal.setSigner(signerFor(generateKeyPairSync('ed25519').privateKey));
  db.transaction(() => {
    for (let i = 0; i < BACKLOG; i++)
      journal.append(AUDIT_TYPES.runFinished, 'loan-schedule@1.4.2', finishedRecord(i));
  })();
  const { url, child } = await startEndpoint(database);
  try {
    const reporter = new AuditReporter({
      journal,
      endpoint: `${url}/`,
      token: async () => INGEST_TOKEN,
    });
    const started = performance.now();
    const status = await reporter.flush(new Date(Date.now() + 300_000));
    const ms = performance.now() - started;
    if (status.pending !== 0)
      throw new Error(`the drain left ${status.pending} events: ${status.lastError}`);
    return ms;
  } finally {
    await stopEndpoint(child);
    db.close();
  }
}

/** Posts pre-signed batches of many devices with several clients at once; events per second. */
async function ingest(database: string): Promise<number> {
  const batches: string[] = [];
  for (let d = 0; d < INGEST_DEVICES; d++) {
    const events = deviceChain(
      `urn:scriptdesk:device:ingest-${d}-${Date.now()}`,
      INGEST_PER_DEVICE,
    );
    for (let i = 0; i < events.length; i += INGEST_BATCH)
      batches.push(JSON.stringify(events.slice(i, i + INGEST_BATCH)));
  }
  // Each device's batches stay in order: client k takes devices k, k + clients, …
  const perClient: string[][] = Array.from({ length: INGEST_CLIENTS }, () => []);
  const batchesPerDevice = Math.ceil(INGEST_PER_DEVICE / INGEST_BATCH);
  batches.forEach((batch, i) =>
    perClient[Math.floor(i / batchesPerDevice) % INGEST_CLIENTS]!.push(batch),
  );
  const { url, child } = await startEndpoint(database);
  try {
    const started = performance.now();
    await Promise.all(
      perClient.map(async (mine) => {
        for (const body of mine) {
          const response = await fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${INGEST_TOKEN}`,
              'content-type': 'application/cloudevents-batch+json',
            },
            body,
          });
          const answer = (await response.json()) as { stored: number };
          if (response.status !== 200 || answer.stored !== INGEST_BATCH)
            throw new Error(
              `ingestion answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`,
            );
        }
      }),
    );
    return ((INGEST_DEVICES * INGEST_PER_DEVICE) / (performance.now() - started)) * 1000;
  } finally {
    await stopEndpoint(child);
  }
}

/** A device's signed chain, made in memory with a journal of its own. */
function deviceChain(source: string, count: number): AuditEvent[] {
  const db = openDatabase(':memory:');
  try {
    const journal = new AuditJournal(db, source);
    journal.setSigner(signerFor(generateKeyPairSync('ed25519').privateKey));
    db.transaction(() => {
      for (let i = 0; i < count; i++)
        journal.append(AUDIT_TYPES.runFinished, 'loan-schedule@1.4.2', finishedRecord(i));
    })();
    return journal
      .list(count)
      .reverse()
      .map((entry) => entry.event);
  } finally {
    db.close();
  }
}

/** How many event signatures one core verifies per second here. */
async function signatureVerifyRate(): Promise<number> {
  const events = deviceChain('urn:scriptdesk:device:verify', 2000);
  const started = performance.now();
  for (const event of events) if (!hasValidSignature(event)) throw new Error('bad signature');
  return (events.length / (performance.now() - started)) * 1000;
}
