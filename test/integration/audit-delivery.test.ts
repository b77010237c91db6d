import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { deviceKeyName } from '../../main/audit/device-key.js';
import type { AuditEvent } from '../../main/audit/event.js';
import { KEY_ROTATED_TYPE } from '../../main/audit/key-rotation.js';
import { AUDIT_TOKEN_NAME } from '../../main/audit/reporter.js';
import { DEFAULT_POLICY, type Policy } from '../../main/policy/policy.js';
import { KeytarSecretStore } from '../../main/secrets/keytar-store.js';
import { startServer } from '../../main/server/server.js';
import type { Device, VerifyResponseSchema } from '../../main/audit/protocol.js';
import {
  ADMIN_TOKEN,
  admin,
  describeEachStore,
  INGEST_TOKEN,
  type AuditStoreKind,
} from '../support/audit-server.js';
import { appWithCatalogue, REPO } from '../support/catalogue.js';
import { BIN, scriptdesk } from '../support/cli.js';
import { runToEnd } from '../support/runs.js';
import { withPostgresClient } from '../support/postgres-database.js';
import { refusingPort, switchablePort } from '../support/ports.js';
import { memoryTempDir, tempDir } from '../support/temp.js';
import type { z } from 'zod';

type Verify = z.infer<typeof VerifyResponseSchema>;

const apps: ScriptDeskApp[] = [];
const servers: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A running audit endpoint with a new, empty store of `kind`. */
async function endpoint(kind: AuditStoreKind) {
  const server = await startServer({
    port: 0,
    audit: {
      database: await kind.database(),
      ingestToken: INGEST_TOKEN,
      adminToken: ADMIN_TOKEN,
    },
  });
  servers.push(server);
  return server;
}

/**
 * A flush deadline no test reaches: a flush ends once everything is delivered, so this costs
 * nothing when all goes well and a busy machine cannot turn a slow answer into a failure. Flushes
 * that expect a failure pass `retry: false` and read the first one.
 */
const whenever = () => new Date(Date.now() + 3_600_000);

function policyFor(url: string): Policy {
  return { ...DEFAULT_POLICY, audit: { endpoint: `${url}/`, retainDeliveredDays: 90 } };
}

/** The device's events as the endpoint stored them, in sequence order. */
async function storedEvents(url: string, source: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let after: string | null = null;
  do {
    const page: { body: { events: AuditEvent[]; next: string | null } } = await admin(
      url,
      'events',
      { query: { source, limit: '1000', ...(after ? { after } : {}) } },
    );
    events.push(...page.body.events);
    after = page.body.next;
  } while (after);
  return events.sort((a, b) => a.sequence - b.sequence);
}

async function verifyAt(url: string, source: string): Promise<Verify['devices'][number]> {
  const { body } = await admin<Verify>(url, 'verify', { query: { source } });
  return body.devices[0]!;
}

async function setToken(): Promise<void> {
  // Every test server takes the same ingest token, so tests running side by side agree on it.
  await new KeytarSecretStore().set(AUDIT_TOKEN_NAME, INGEST_TOKEN);
}

describeEachStore('delivery to the audit endpoint on $name', (kind: AuditStoreKind) => {
  it('a run is delivered once even when ScriptDesk is killed (SIGKILL) after the endpoint stored it but before it heard back', async () => {
    await setToken();
    const server = await endpoint(kind);
    // A relay that forwards the first batch, lets the endpoint store it, then kills the
    // `scriptdesk run` process before passing the acknowledgement on.
    let victim: number | null = null;
    let relayed = 0;
    const relay: Server = createServer((incoming, outgoing) => {
      const upstream = httpRequest(
        `${server.url}${incoming.url}`,
        { method: incoming.method, headers: incoming.headers },
        (answer) => {
          relayed++;
          answer.resume();
          answer.once('end', () => {
            if (victim !== null) process.kill(victim, 'SIGKILL');
            outgoing.destroy();
          });
        },
      );
      incoming.pipe(upstream);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise((resolve) => relay.close(resolve)) });
    const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;

    const made = await appWithCatalogue();
    await made.app.close();
    const policyFile = path.join(await tempDir('scriptdesk-policy-'), 'policy.json');
    await writeFile(policyFile, JSON.stringify({ audit: { endpoint: `${relayUrl}/` } }));
    const markerDir = await tempDir('scriptdesk-marker-');
    const inputs = path.join(markerDir, 'inputs.json');
    await writeFile(inputs, JSON.stringify({ markerDir, mode: 'ok' }));

    const child = spawn(process.execPath, [BIN, 'run', 'probe', '--inputs', inputs], {
      env: { ...process.env, SCRIPTDESK_HOME: made.home, SCRIPTDESK_POLICY: policyFile },
      cwd: REPO,
      stdio: 'ignore',
    });
    victim = child.pid!;
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    expect(signal).toBe('SIGKILL');
    expect(relayed).toBe(1);
    const markers = (await readdir(markerDir)).filter((name) => name.startsWith('started-'));
    expect(markers).toHaveLength(1); // the script did run and exit before the kill
    expect(code).toBeNull();

    // Everything was stored, but the device never heard so: it all still waits locally.
    const app = await openScriptDeskApp({
      home: made.home,
      logError: () => {},
      policy: policyFor(server.url),
    });
    apps.push(app);
    const source = app.services.identity.source;
    const waiting = app.services.journal.deliveryState().pending;
    const stored = await storedEvents(server.url, source);
    expect(waiting).toBe(stored.length);
    expect(stored.map((e) => e.type)).toContain('dev.scriptdesk.run.finished');

    // After the restart it is sent again: the endpoint keeps one copy of each event.
    const after = await app.services.reporter!.flush(whenever());
    expect(after).toMatchObject({ pending: 0, rejected: 0, lastError: null });
    const again = await storedEvents(server.url, source);
    expect(again.map((e) => e.id)).toEqual(stored.map((e) => e.id));
    expect(new Set(again.map((e) => e.id)).size).toBe(again.length);
    expect(again.map((e) => e.sequence)).toEqual(again.map((_e, i) => i + 1));
    expect(await verifyAt(server.url, source)).toMatchObject({ intact: true, flags: [] });
  });

  // A volume test: 5 s idle, 21-26 s at load 15, 66 s with two more busy processes; its limit only
  // catches a hang.
  it('10,000 events journaled while the endpoint is down are all delivered, in order and once, when it is back', async () => {
    await setToken();
    // The endpoint's address refuses connections until the endpoint is back behind it.
    const gate = await switchablePort();
    const port = gate.port;
    const url = `http://127.0.0.1:${port}`;
    // In memory: each of the 10,000 appends waits for the disk otherwise (about 45 s on a busy
    // shared disk), and this test is about delivering them.
    const { app } = await appWithCatalogue(undefined, {
      policy: policyFor(url),
      home: await memoryTempDir('scriptdesk-home-'),
    });
    apps.push(app);
    const { journal, reporter, identity } = app.services;
    for (let i = 0; i < 10_000; i++)
      journal.append('dev.scriptdesk.settings.changed', 'settings', {
        setting: 'bench.offline',
        change: `step ${i}`,
      });
    const offline = await reporter!.flush(whenever(), { retry: false });
    expect(offline.pending).toBeGreaterThanOrEqual(10_001);
    expect(offline.lastError).toContain(
      `the audit endpoint http://127.0.0.1:${port} cannot be reached`,
    );
    expect(offline.lastDeliveryAt).toBeNull();

    const server = await endpoint(kind);
    gate.forwardTo(Number(new URL(server.url).port));
    const online = await reporter!.flush(whenever());
    expect(online).toMatchObject({ pending: 0, rejected: 0, lastError: null });
    const stored = await storedEvents(server.url, identity.source);
    const local = journal.list(1000 * 11).reverse();
    expect(stored).toHaveLength(local.length);
    expect(stored.map((e) => e.id)).toEqual(local.map((e) => e.event.id));
    expect(stored.map((e) => e.sequence)).toEqual(local.map((_e, i) => i + 1));
    // Arrived in order: the endpoint saw no gap, no reordering, no break.
    expect(await verifyAt(server.url, identity.source)).toMatchObject({
      intact: true,
      problems: [],
      flags: [],
    });
  }, 300_000);

  it.each([
    ['edited', 'signature'],
    ['deleted', 'gap'],
    ['swapped with the next', 'gap'],
  ] as const)(
    'a local row %s before delivery is reported by the endpoint at its sequence number',
    async (change, firstFlag) => {
      await setToken();
      const made = await appWithCatalogue();
      const markerDir = await tempDir('scriptdesk-marker-');
      for (const count of [1, 2])
        await runToEnd(made.app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok', count } });
      await made.app.close();
      const target = 4;
      const db = new Database(path.join(made.home, 'scriptdesk.sqlite'));
      db.transaction(() => {
        if (change === 'edited') {
          const { body } = db
            .prepare('SELECT body FROM audit_events WHERE seq = ?')
            .get(target) as {
            body: string;
          };
          db.prepare('UPDATE audit_events SET body = ? WHERE seq = ?').run(
            body.replace(/"user":"[^"]*"/, '"user":"someone-else"'),
            target,
          );
        } else if (change === 'deleted') {
          db.prepare('DELETE FROM audit_events WHERE seq = ?').run(target);
        } else {
          db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = ?').run(target);
          db.prepare('UPDATE audit_events SET seq = ? WHERE seq = ?').run(target, target + 1);
          db.prepare('UPDATE audit_events SET seq = ? WHERE seq = -1').run(target + 1);
        }
      })();
      db.close();

      const server = await endpoint(kind);
      const app = await openScriptDeskApp({
        home: made.home,
        logError: () => {},
        policy: policyFor(server.url),
      });
      apps.push(app);
      const delivered = await app.services.reporter!.flush(whenever());
      expect(delivered.pending).toBe(0);
      expect(delivered.rejected).toBe(change === 'edited' ? 1 : 0);
      const report = await verifyAt(server.url, app.services.identity.source);
      expect(report.intact).toBe(false);
      const first = [...report.flags].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0))[0]!;
      expect(first).toMatchObject({ sequence: target, kind: firstFlag });
    },
  );

  it('after the keychain lost the device key, the endpoint holds the new key until approved, then stores the held events and verifies the chain across the change', async () => {
    await setToken();
    const server = await endpoint(kind);
    const made = await appWithCatalogue(undefined, { policy: policyFor(server.url) });
    apps.push(made.app);
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(made.app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    const { source, deviceId } = made.app.services.identity;
    const oldKey = made.app.services.journal.publicKey!;
    expect((await made.app.services.reporter!.flush(new Date(Date.now() + 30_000))).pending).toBe(
      0,
    );
    await made.app.close();
    expect(await new KeytarSecretStore().delete(deviceKeyName(deviceId))).toBe(true);

    const app = await openScriptDeskApp({
      home: made.home,
      logError: () => {},
      policy: policyFor(server.url),
    });
    apps.push(app);
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    const newKey = app.services.journal.publicKey!;
    const [{ event: rotation }] = app.services.journal.list(1, { type: KEY_ROTATED_TYPE });
    const held = await app.services.reporter!.flush(new Date(Date.now() + 30_000), {
      retry: false,
    });
    expect(held.pending).toBe(app.services.journal.list(1000)[0]!.seq - rotation!.sequence + 1);
    expect(held.lastError).toBe(
      "the audit endpoint holds this computer's events back: this device's key changed (this event records the change) and the new key waits for an admin's approval (scriptdesk audit approve); keep the event and send it again later",
    );
    const { body } = await admin<{ devices: Device[] }>(server.url, 'devices');
    const keys = body.devices.find((device) => device.source === source)!.keys;
    expect(keys.find((key) => key.key === newKey)).toMatchObject({
      status: 'pending',
      rotation: { previousKey: oldKey, sequence: rotation!.sequence, reason: 'key_lost' },
    });
    const asAdmin = { env: { SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN } };
    const devices = await scriptdesk(
      made.home,
      ['audit', 'devices', '--server', server.url],
      asAdmin,
    );
    expect(devices.stdout).toContain(`  key ${newKey}  pending  first seen `);
    const when = `${rotation!.time.slice(0, 10)} ${rotation!.time.slice(11, 16)} UTC`;
    expect(devices.stdout).toContain(
      `    replaces key ${oldKey} from event ${rotation!.sequence} (${when}): the previous key was lost from the keychain\n`,
    );

    await admin(server.url, 'devices/approve', { body: { source, key: newKey } });
    const delivered = await app.services.reporter!.flush(new Date(Date.now() + 30_000));
    expect(delivered).toMatchObject({ pending: 0, rejected: 0, lastError: null });
    expect(await verifyAt(server.url, source)).toMatchObject({
      intact: true,
      problems: [],
      flags: [],
      rotations: [
        { sequence: rotation!.sequence, previousKey: oldKey, key: newKey, reason: 'key_lost' },
      ],
    });
    const verified = await scriptdesk(
      made.home,
      ['audit', 'verify', '--server', server.url, '--device', source],
      asAdmin,
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout.trim().split('\n')).toEqual([
      `${source}: intact (${app.services.journal.list(1000).length} events)`,
      `  notice: the device key changed at event ${rotation!.sequence} (${when}): the previous key was lost from the keychain; events before it are checked with the earlier key.`,
    ]);
  });

  it('a device whose key the administrator revoked keeps its events and says why they wait', async () => {
    await setToken();
    const server = await endpoint(kind);
    const { app } = await appWithCatalogue(undefined, { policy: policyFor(server.url) });
    apps.push(app);
    const { reporter, identity, journal } = app.services;
    expect((await reporter!.flush(whenever())).pending).toBe(0);
    const revoked = await admin(server.url, 'devices/revoke', {
      body: { source: identity.source },
    });
    expect(revoked.status).toBe(200);

    journal.append('dev.scriptdesk.settings.changed', 'settings', { setting: 'x', change: 'set' });
    const held = await reporter!.flush(whenever(), { retry: false });
    expect(held.pending).toBe(1);
    expect(held.lastError).toMatch(/holds this computer's events back: .*revoked/i);
    expect(await storedEvents(server.url, identity.source)).toHaveLength(
      journal.list(1000).length - 1,
    );
  });

  it('an input marked x-sensitive appears in no journal, endpoint store, export or log, searched as raw bytes', async () => {
    await setToken();
    const secret = `SENSITIVE-${Math.random().toString(36).slice(2)}-VALUE`;
    const database = await kind.database();
    const serverLog: string[] = [];
    const server = await startServer({
      audit: { database, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN },
      log: (line) => serverLog.push(line),
      verbose: true,
    });
    servers.push(server);
    const appLog: string[] = [];
    const { app, home } = await appWithCatalogue(undefined, {
      policy: policyFor(server.url),
      logError: (line) => appLog.push(line),
    });
    apps.push(app);
    const markerDir = await tempDir('scriptdesk-marker-');
    const { detail } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir, mode: 'ok', token: secret },
    });
    expect(detail.status).toBe('succeeded');
    expect((await app.services.reporter!.flush(whenever())).pending).toBe(0);
    const started = (await storedEvents(server.url, app.services.identity.source)).find(
      (e) => e.type === 'dev.scriptdesk.run.started',
    )!;
    expect(started.data.inputs).toMatchObject({ token: '[redacted]' });

    const exports = [
      (await admin<string>(server.url, 'export', { query: { format: 'jsonl' } })).body,
      (await admin<string>(server.url, 'export', { query: { format: 'csv' } })).body,
    ];
    expect(exports[0]).toContain('[redacted]');
    const haystacks: [string, Buffer][] = exports.map((text, i) => [
      `export ${i}`,
      Buffer.from(text),
    ]);
    haystacks.push(['logs', Buffer.from([...serverLog, ...appLog].join('\n'))]);
    for (const name of ['scriptdesk.sqlite', 'scriptdesk.sqlite-wal'])
      haystacks.push([name, await readFile(path.join(home, name)).catch(() => Buffer.alloc(0))]);
    haystacks.push(['run log', await readFile(path.join(home, 'runs', detail.runId, 'log.txt'))]);
    haystacks.push(['endpoint store', await storeBytes(kind, database)]);
    expect(haystacks.find(([, bytes]) => bytes.length > 0)).toBeDefined();
    for (const [name, bytes] of haystacks)
      expect(bytes.includes(secret), `${name} holds the sensitive value`).toBe(false);
    // It did reach the script, which needs it: only there.
    expect(await readFile(path.join(home, 'runs', detail.runId, 'inputs.json'), 'utf8')).toContain(
      secret,
    );
  });
});

/** Every byte the endpoint's store holds: the SQLite files, or PostgreSQL's data folder. */
async function storeBytes(kind: AuditStoreKind, database: string): Promise<Buffer> {
  if (kind.name === 'SQLite') {
    const parts = await Promise.all(
      ['', '-wal'].map((suffix) => readFile(database + suffix).catch(() => Buffer.alloc(0))),
    );
    return Buffer.concat(parts);
  }
  // Force everything to disk, then read the cluster's files as they are.
  let dataDirectory = '';
  await withPostgresClient(database, async (client) => {
    await client.query('CHECKPOINT');
    dataDirectory = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!
      .data_directory;
  });
  return Buffer.concat(await filesUnder(dataDirectory));
}

async function filesUnder(dir: string): Promise<Buffer[]> {
  const found: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(full)));
    else if (entry.isFile()) found.push(await readFile(full).catch(() => Buffer.alloc(0)));
  }
  return found;
}

describe('scriptdesk run and an endpoint that is down', () => {
  it("the run keeps the script's exit code and says its records wait for delivery, and why", async () => {
    await setToken();
    const made = await appWithCatalogue();
    await made.app.close();
    const dir = await tempDir('scriptdesk-policy-');
    const policyFile = path.join(dir, 'policy.json');
    const port = await refusingPort();
    await writeFile(
      policyFile,
      JSON.stringify({ audit: { endpoint: `http://127.0.0.1:${port}/` } }),
    );
    const inputs = path.join(dir, 'inputs.json');
    await writeFile(inputs, JSON.stringify({ markerDir: dir, mode: 'exit3' }));
    const result = await scriptdesk(made.home, ['run', 'probe', '--inputs', inputs], {
      env: { SCRIPTDESK_POLICY: policyFile },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(
        `\\[\\d+ audit events waiting for delivery: the audit endpoint http://127\\.0\\.0\\.1:${port} cannot be reached \\(ECONNREFUSED\\)\\]`,
      ),
    );
  });
});
