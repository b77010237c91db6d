import { createServer } from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  remoteApprove,
  remoteDevices,
  remoteExport,
  remoteList,
  remoteRevoke,
  remoteVerify,
} from '../../main/cli/audit-remote.js';
import { CliError } from '../../main/cli/cli-error.js';
import { eventBody } from '../../main/audit/event.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { newDeviceKey, runData, testDevice } from '../support/audit-events.js';
import { ADMIN_TOKEN, INGEST_TOKEN, postEvents } from '../support/audit-server.js';
import { publish } from '../support/catalogue.js';
import { tempDir } from '../support/temp.js';

// The client does not care which store the server uses: SQLite keeps these tests quick.
const ENV = { SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN };

let server: CatalogueServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve() {
  server = await startServer({
    port: 0,
    audit: {
      database: path.join(await tempDir(), 'audit.sqlite'),
      ingestToken: INGEST_TOKEN,
      adminToken: ADMIN_TOKEN,
    },
  });
  return server.url;
}

/** The CliError a call fails with. */
async function failure(call: Promise<unknown>): Promise<CliError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('scriptdesk audit --server (the admin API client)', () => {
  it('lists filtered events newest first and pages with next', async () => {
    const url = await serve();
    const device = testDevice();
    const events = device.events(5, (i) => runData({ user: i < 3 ? 'alice' : 'bob' }));
    await postEvents(url, events);
    const first = await remoteList(url, { user: 'alice', limit: 2 }, ENV);
    expect(first.events).toEqual([events[2], events[1]]);
    const second = await remoteList(url, { user: 'alice', limit: 2, after: first.next! }, ENV);
    expect(second).toEqual({ events: [events[0]], next: null });
    // A base URL with a trailing slash or a path prefix works the same.
    expect((await remoteList(`${url}/`, { source: device.source }, ENV)).events).toHaveLength(5);
  });

  it('streams an export into the given stream and leaves it open', async () => {
    const url = await serve();
    const events = testDevice().events(3);
    await postEvents(url, events);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk));
    await remoteExport(url, 'jsonl', {}, out, ENV);
    expect(out.writableEnded).toBe(false);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(
      events.map((e) => `${eventBody(e)}\n`).join(''),
    );
  });

  it('lists devices, approves a pending key and revokes a device', async () => {
    const url = await serve();
    const device = testDevice();
    await postEvents(url, [device.next()]);
    const other = device.next({ privateKey: newDeviceKey() });
    await postEvents(url, [other]);
    const devices = await remoteDevices(url, ENV);
    expect(devices.map((d) => [d.source, d.keys.length, d.events, d.flags])).toEqual([
      [device.source, 2, 1, 1],
    ]);
    expect(await remoteApprove(url, device.source, undefined, ENV)).toEqual({
      source: device.source,
      changed: [{ key: other.devicekey, status: 'active' }],
    });
    const revoked = await remoteRevoke(url, device.source, device.key, ENV);
    expect(revoked.changed).toEqual([{ key: device.key, status: 'revoked' }]);
  });

  it('verifies the chains and reports a gap with its sequence', async () => {
    const url = await serve();
    const device = testDevice();
    const [one, , three] = device.events(3);
    await postEvents(url, [one, three]);
    const report = await remoteVerify(url, device.source, ENV);
    expect(report.devices).toHaveLength(1);
    expect(report.devices[0]).toMatchObject({ source: device.source, checked: 2, intact: false });
    expect(report.devices[0]!.problems.map((p) => [p.kind, p.sequence])).toEqual([['gap', 2]]);
    expect((await remoteVerify(url, undefined, ENV)).devices).toHaveLength(1);
  });

  it('names SCRIPTDESK_ADMIN_TOKEN when it is missing or refused, and never prints the token', async () => {
    const url = await serve();
    const missing = await failure(remoteDevices(url, {}));
    expect(missing.message).toMatch(/^SCRIPTDESK_ADMIN_TOKEN is not set/);
    expect(missing.exitCode).toBe(2);
    for (const token of [INGEST_TOKEN, 'a-wrong-admin-token-123']) {
      const refused = await failure(remoteDevices(url, { SCRIPTDESK_ADMIN_TOKEN: token }));
      expect(refused.message).toBe(
        `the admin token was refused by ${url}; check SCRIPTDESK_ADMIN_TOKEN`,
      );
    }
  });

  it('says which server it cannot reach, and that a catalogue-only server has no audit endpoint', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const unreachable = await failure(remoteDevices(`http://127.0.0.1:${port}`, ENV));
    expect(unreachable.message).toBe(
      `cannot reach the audit server at http://127.0.0.1:${port} (ECONNREFUSED); check --server and that scriptdesk server is running there`,
    );

    const { published } = await publish();
    server = await startServer({ root: published, port: 0 });
    const catalogueOnly = await failure(remoteList(server.url, {}, ENV));
    expect(catalogueOnly.message).toMatch(
      new RegExp(`^${server.url.replace(/\./g, '\\.')} has no audit endpoint \\(404\\)`),
    );
  });

  it("passes on the server's reason for a refused request in one line", async () => {
    const url = await serve();
    const badQuery = await failure(remoteList(url, { since: 'yesterday' }, ENV));
    expect(badQuery.message).toBe(
      `the audit server at ${url} refused the request (400): query parameter "since" must be an ISO 8601 date-time with offset, e.g. 2026-01-31T00:00:00Z`,
    );
    const unknown = await failure(remoteApprove(url, 'no-such-device', undefined, ENV));
    expect(unknown.message).toMatch(/refused the request \(404\): no device with this source/);
  });

  it('refuses a --server that is not http(s) or carries credentials, as a usage error', async () => {
    for (const bad of ['ftp://example.org/', 'http://admin:secret@example.org/', 'not a url']) {
      const error = await failure(remoteDevices(bad, ENV));
      expect(error.exitCode).toBe(2);
      expect(error.message).not.toContain('secret');
    }
  });
});
