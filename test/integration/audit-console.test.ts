import { afterEach, expect, it } from 'vitest';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import type { Insights, RunSummary } from '../../main/server/console/console-types.js';
import type { IntegrityReport } from '../../main/server/console/integrity.js';
import type { RunDetail } from '../../main/server/console/run-detail.js';
import { testDevice } from '../support/audit-events.js';
import {
  admin,
  ADMIN_TOKEN,
  describeEachStore,
  INGEST_TOKEN,
  postEvents,
  type AuditStoreKind,
} from '../support/audit-server.js';
import { AUDITOR_TOKEN, consoleApi, runEvents, signIn } from '../support/console-runs.js';
import { DROP_ROLLUPS } from '../support/direct-insights.js';

let server: CatalogueServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

type RunPage = { runs: RunSummary[]; next: string | null };

/** A duration read from the insights histogram: within 2.5 % (plus rounding) of `ms`. */
const within = (ms: number) =>
  expect.toSatisfy((value: number) => Math.abs(value - ms) <= 0.025 * ms + 0.5);

describeEachStore('audit console API on $name', (store: AuditStoreKind) => {
  async function serve(devices: 'auto' | 'approve' = 'auto') {
    server = await startServer({
      port: 0,
      audit: {
        database: await store.database(),
        ingestToken: INGEST_TOKEN,
        adminToken: ADMIN_TOKEN,
        auditorToken: AUDITOR_TOKEN,
        devices,
      },
    });
    return server.url;
  }

  async function stored(url: string, events: Parameters<typeof postEvents>[1]) {
    const answer = await postEvents(url, events);
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** Every run matching `query`, page by page with `limit` per page. */
  async function allRuns(url: string, cookie: string, query: Record<string, string>, limit = 2) {
    const runs: RunSummary[] = [];
    let after: string | null = null;
    do {
      const page: { status: number; body: RunPage } = await consoleApi<RunPage>(url, 'runs', {
        cookie,
        query: { ...query, limit: String(limit), ...(after ? { after } : {}) },
      });
      expect(page.status).toBe(200);
      runs.push(...page.body.runs);
      after = page.body.next;
    } while (after);
    return runs;
  }

  it('signs in with the admin or auditor token into an HttpOnly, SameSite=Strict session cookie, and signs out', async () => {
    const url = await serve();
    const wrong = await consoleApi(url, 'session', { body: { token: INGEST_TOKEN } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const auditor = await consoleApi<{ role: string }>(url, 'session', {
      body: { token: AUDITOR_TOKEN },
    });
    expect(auditor.status).toBe(200);
    expect(auditor.body.role).toBe('auditor');
    const cookie = auditor.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^scriptdesk_console=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/console/');
    expect(cookie).toMatch(/Max-Age=28800/);
    expect(cookie).not.toContain('Secure');
    const session = cookie.split(';')[0]!;
    expect((await consoleApi(url, 'session', { cookie: session })).body).toMatchObject({
      role: 'auditor',
    });

    const overTls = await consoleApi(url, 'session', {
      body: { token: ADMIN_TOKEN },
      // Behind a TLS proxy the page's origin is https.
      origin: url.replace(/^http:/, 'https:'),
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(overTls.body).toMatchObject({ role: 'admin' });
    expect(overTls.headers.get('set-cookie')).toContain('; Secure');

    const out = await consoleApi(url, 'session/end', { cookie: session, body: {} });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await consoleApi(url, 'runs', { cookie: session })).status).toBe(401);
    expect((await consoleApi(url, 'runs', { cookie: 'scriptdesk_console=forged' })).status).toBe(
      401,
    );
  });

  it('refuses state-changing requests from another origin or without one, and limits sign-in attempts', async () => {
    const url = await serve();
    const cookie = await signIn(url, ADMIN_TOKEN);
    const foreign = await consoleApi(url, 'session', {
      body: { token: ADMIN_TOKEN },
      origin: 'http://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    expect(
      (await consoleApi(url, 'devices/approve', { cookie, body: { source: 'x' }, origin: null }))
        .status,
    ).toBe(403);
    expect(
      (
        await consoleApi(url, 'session/end', {
          cookie,
          body: {},
          headers: { 'Sec-Fetch-Site': 'cross-site' },
        })
      ).status,
    ).toBe(403);
    // The session survived every refused request.
    expect((await consoleApi(url, 'session', { cookie })).status).toBe(200);

    for (let attempt = 0; attempt < 10; attempt++)
      expect(
        (await consoleApi(url, 'session', { body: { token: `guess-${attempt}` } })).status,
      ).toBe(401);
    const limited = await consoleApi(url, 'session', { body: { token: ADMIN_TOKEN } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lists runs newest first with every filter, paged by keyset without repeats', async () => {
    const url = await serve();
    const laptop = testDevice('laptop-a');
    const desktop = testDevice('desktop-b');
    await stored(url, [
      ...runEvents(laptop, {
        runId: 'r1',
        user: 'alice',
        inputs: { region: 'north', month: '2026-01', token: '[redacted]' },
        startedAt: '2026-03-01T08:00:00.000Z',
        reason: 'Ticket OPS-17 month end',
      }),
      ...runEvents(laptop, {
        runId: 'r2',
        user: 'bob',
        scriptId: 'cleanup',
        scriptVersion: '2.1.0',
        status: 'failed',
        exitCode: 3,
        inputs: { region: 'south' },
        startedAt: '2026-03-02T08:00:00.000Z',
      }),
    ]);
    await stored(url, [
      ...runEvents(desktop, {
        runId: 'r3',
        user: 'alice',
        inputs: { region: 'north', dry: true, count: 5 },
        startedAt: '2026-03-03T08:00:00.000Z',
      }),
      ...runEvents(desktop, { runId: 'r4', user: 'carol', startedAt: '2026-03-04T08:00:00.000Z' }),
      ...runEvents(desktop, { runId: 'r5', user: 'carol', startedAt: '2026-03-05T08:00:00.000Z' }),
    ]);
    const cookie = await signIn(url, AUDITOR_TOKEN);
    const ids = async (query: Record<string, string>) =>
      (await allRuns(url, cookie, query)).map((run) => run.runId);

    expect(await ids({})).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect(await ids({ script: 'cleanup' })).toEqual(['r2']);
    expect(await ids({ version: '2.1.0' })).toEqual(['r2']);
    expect(await ids({ user: 'alice' })).toEqual(['r3', 'r1']);
    expect(await ids({ device: 'laptop-a' })).toEqual(['r2', 'r1']);
    expect(await ids({ status: 'failed' })).toEqual(['r2']);
    expect(await ids({ since: '2026-03-02T00:00:00Z', until: '2026-03-04T00:00:00Z' })).toEqual([
      'r3',
      'r2',
    ]);
    expect(await ids({ reason: 'ops-17' })).toEqual(['r1']);
    expect(await ids({ reason: '%' })).toEqual([]);
    expect(await ids({ field: 'region', value: 'north' })).toEqual(['r3', 'r1']);
    expect(await ids({ field: 'region', value: 'north', user: 'alice', limit: '1' })).toEqual([
      'r3',
      'r1',
    ]);
    expect(await ids({ field: 'dry', value: 'true' })).toEqual(['r3']);
    expect(await ids({ field: 'count', value: '5' })).toEqual(['r3']);
    expect(await ids({ field: 'token', value: '[redacted]' })).toEqual(['r1']);

    const [r2] = await allRuns(url, cookie, { script: 'cleanup' });
    expect(r2).toMatchObject({
      source: 'laptop-a',
      scriptVersion: '2.1.0',
      user: 'bob',
      status: 'failed',
      exitCode: 3,
      catalogueVersion: 7,
      dryRun: false,
      sequences: { requested: 4, started: 5, finished: 6 },
    });

    const bad = await consoleApi<{ error: { message: string } }>(url, 'runs', {
      cookie,
      query: { since: 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('"since"');
    const half = await consoleApi<{ error: { message: string } }>(url, 'runs', {
      cookie,
      query: { field: 'region' },
    });
    expect(half.status).toBe(400);
    expect(half.body.error.message).toContain('"field" and "value" go together');
  });

  it('shows a run with its verified events, inputs as recorded and output hashes, and a broken link with its flag', async () => {
    const url = await serve();
    const device = testDevice('laptop-a');
    const sha = 'e'.repeat(64);
    await stored(
      url,
      runEvents(device, {
        runId: 'good',
        inputs: { region: 'north', password: '[redacted]' },
        outputs: [{ name: 'report.csv', size: 12, sha256: sha }],
      }),
    );
    const cookie = await signIn(url, AUDITOR_TOKEN);
    const good = await consoleApi<RunDetail>(url, 'run', {
      cookie,
      query: { device: 'laptop-a', run: 'good' },
    });
    expect(good.status).toBe(200);
    expect(good.body.events.map((e) => [e.sequence, e.event?.type, e.check.verified])).toEqual([
      [1, 'dev.scriptdesk.run.requested', true],
      [2, 'dev.scriptdesk.run.started', true],
      [3, 'dev.scriptdesk.run.finished', true],
    ]);
    expect(good.body.events[1]!.event!.data).toMatchObject({
      inputs: { region: 'north', password: '[redacted]' },
    });
    expect(good.body.events[2]!.event!.data).toMatchObject({
      outputs: [{ name: 'report.csv', sha256: sha }],
    });

    // The next run's first event names a wrong previous hash: stored, flagged, shown broken; the
    // event after it names the hash of the event the device really wrote, so it is broken too.
    const [requested, ...rest] = runEvents(device, { runId: 'broken' });
    const { signature: _s, ...unsigned } = requested!;
    const { signEvent } = await import('../../main/audit/event.js');
    const relinked = signEvent({ ...unsigned, prevhash: 'f'.repeat(64) }, device.privateKey);
    await stored(url, [relinked, ...rest]);
    const broken = await consoleApi<RunDetail>(url, 'run', {
      cookie,
      query: { device: 'laptop-a', run: 'broken' },
    });
    const first = broken.body.events[0]!;
    expect(first.sequence).toBe(4);
    expect(first.check).toMatchObject({
      signatureValid: true,
      keyStatus: 'active',
      link: 'broken',
    });
    expect(first.check.flags.map((flag) => flag.kind)).toEqual(['prevhash']);
    expect(first.check.verified).toBe(false);
    expect(broken.body.events[1]!.check).toMatchObject({ link: 'broken', verified: false });
    expect(broken.body.events[2]!.check).toMatchObject({ link: 'linked', verified: true });

    const report = await consoleApi<IntegrityReport>(url, 'integrity', { cookie });
    const flagged = report.body.devices.find((d) => d.source === 'laptop-a')!;
    expect(flagged.counts).toEqual({ prevhash: 2 });
    expect(flagged.flags.map((flag) => [flag.kind, flag.sequence])).toEqual([
      ['prevhash', 5],
      ['prevhash', 4],
    ]);
    expect(report.body.meanings.prevhash.action).toMatch(/verify/);

    const missing = await consoleApi(url, 'run', { cookie, query: { device: 'x', run: 'y' } });
    expect(missing.status).toBe(404);
  });

  it('lets admins approve a pending device, refuses auditors with 403, and logs every change', async () => {
    const url = await serve('approve');
    const device = testDevice('new-laptop');
    const held = await postEvents(url, runEvents(device));
    expect(held.status).toBe(403);
    expect(held.body.results[0]).toMatchObject({ status: 'refused', reason: 'key_pending' });

    // The device says how many events its journal still holds: the console shows it.
    await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${INGEST_TOKEN}`,
        'Content-Type': 'application/cloudevents-batch+json',
        'ScriptDesk-Backlog': '42',
      },
      body: JSON.stringify(runEvents(testDevice('reporting-laptop'))),
    });
    const auditor = await signIn(url, AUDITOR_TOKEN);
    const listed = await consoleApi<{ devices: { source: string; keys: { status: string }[] }[] }>(
      url,
      'devices',
      { cookie: auditor },
    );
    expect(listed.body.devices).toMatchObject([
      { source: 'new-laptop', keys: [{ status: 'pending' }] },
      { source: 'reporting-laptop', keys: [{ status: 'pending' }], backlog: 42 },
    ]);
    const refused = await consoleApi(url, 'devices/approve', {
      cookie: auditor,
      body: { source: 'new-laptop' },
    });
    expect(refused.status).toBe(403);

    const adminCookie = await signIn(url, ADMIN_TOKEN);
    const approved = await consoleApi<{ changed: { status: string }[] }>(url, 'devices/approve', {
      cookie: adminCookie,
      body: { source: 'new-laptop' },
    });
    expect(approved.body).toMatchObject({ source: 'new-laptop' });
    expect(approved.status).toBe(200);
    expect(approved.body.changed).toEqual([{ key: device.key, status: 'active' }]);
    // The admin API's changes are written to the same log.
    await admin(url, 'devices/revoke', { body: { source: 'new-laptop' } });

    const log = await consoleApi<{ entries: { actor: string; action: string; outcome: string }[] }>(
      url,
      'admin-log',
      { cookie: auditor },
    );
    expect(log.body.entries.map((entry) => [entry.action, entry.actor.split(' ')[0]])).toEqual([
      ['revoke', 'admin-api'],
      ['approve', 'console:admin'],
    ]);
    expect(log.body.entries[1]!.outcome).toBe(`${device.key} active`);
    expect(JSON.stringify(log.body)).not.toContain(adminCookie.split('=')[1]);
  });

  it('computes insights and exports the filtered runs as CSV and JSON Lines', async () => {
    const url = await serve();
    const a = testDevice('laptop-a');
    const b = testDevice('desktop-b');
    await stored(url, [
      ...runEvents(a, { runId: 'a1', durationMs: 1000, startedAt: '2026-03-01T08:00:00.000Z' }),
      ...runEvents(a, { runId: 'a2', durationMs: 3000, startedAt: '2026-03-01T09:00:00.000Z' }),
      ...runEvents(a, {
        runId: 'a3',
        durationMs: 5000,
        status: 'failed',
        exitCode: 2,
        startedAt: '2026-03-02T08:00:00.000Z',
      }),
    ]);
    await stored(url, [
      ...runEvents(b, {
        runId: 'b1',
        scriptId: 'cleanup',
        user: 'bob',
        catalogueVersion: 8,
        startedAt: '2026-03-02T10:00:00.000Z',
      }),
    ]);
    const cookie = await signIn(url, AUDITOR_TOKEN);
    const figures = await consoleApi<Insights>(url, 'insights', {
      cookie,
      query: { since: '2026-03-01T00:00:00Z', until: '2026-03-03T00:00:00Z' },
    });
    expect(figures.status).toBe(200);
    expect(figures.body.scripts).toEqual([
      {
        scriptId: 'cleanup',
        runs: 1,
        finished: 1,
        succeeded: 1,
        failed: 0,
        successRate: 1,
        medianMs: within(1000),
        p95Ms: within(1000),
      },
      {
        scriptId: 'monthly-report',
        runs: 3,
        finished: 3,
        succeeded: 2,
        failed: 1,
        successRate: 2 / 3,
        medianMs: within(3000),
        p95Ms: within(5000),
      },
    ]);
    expect(figures.body.perDay).toEqual([
      { day: '2026-03-01', runs: 2, failed: 0 },
      { day: '2026-03-02', runs: 2, failed: 1 },
    ]);
    expect(figures.body.failures).toEqual([{ status: 'failed', exitCode: 2, runs: 1 }]);
    expect(figures.body.users.map((u) => [u.user, u.runs, u.failed])).toEqual([
      ['alice', 3, 1],
      ['bob', 1, 0],
    ]);
    expect(figures.body.adoption.map((row) => [row.source, row.catalogueVersion])).toEqual([
      ['desktop-b', 8],
      ['laptop-a', 7],
    ]);

    const csv = await fetch(`${url}/console/api/export?format=csv&device=laptop-a`, {
      headers: { Cookie: cookie },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^"received_at","source","sequence"/);
    // Three runs of three events each, newest run first.
    expect(lines).toHaveLength(1 + 9);
    expect(lines[1]).toContain('dev.scriptdesk.run.requested');

    const jsonl = await fetch(`${url}/console/api/export?format=jsonl&status=failed`, {
      headers: { Cookie: cookie },
    });
    const events = (await jsonl.text())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((event) => [event.sequence, event.data.runId])).toEqual([
      [7, 'a3'],
      [8, 'a3'],
      [9, 'a3'],
    ]);
    expect((await fetch(`${url}/console/api/export?format=csv`)).status).toBe(401);
  });

  it('fills the runs of events stored before the console migration, inputs included', async () => {
    const database = await store.database();
    const options = { database, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN };
    server = await startServer({ port: 0, audit: options });
    const device = testDevice('old-laptop');
    await stored(server.url, [
      ...runEvents(device, { runId: 'old', inputs: { region: 'west' }, reason: 'before' }),
    ]);
    await server.close();
    // Back to the schema before the console: its objects gone (migration 5's with its tables, and
    // SQLite's FTS5 table), its versions not recorded.
    await store.execute(
      database,
      `${DROP_ROLLUPS[store.name]}
       DROP TRIGGER audit_events_runs${store.name === 'PostgreSQL' ? ' ON audit_events' : ''};
       ${store.name === 'PostgreSQL' ? '' : 'DROP TABLE audit_runs_reason;'}
       DROP TABLE audit_run_inputs; DROP TABLE audit_runs; DROP TABLE audit_admin_log;
       DROP INDEX audit_flags_sequence;
       ${
         store.name === 'PostgreSQL'
           ? 'DROP FUNCTION audit_runs_record(); DROP FUNCTION audit_runs_apply(audit_events); DELETE FROM audit_schema_version WHERE version >= 4;'
           : 'PRAGMA user_version = 3;'
       }`,
    );
    server = await startServer({ port: 0, audit: options });
    const cookie = await signIn(server.url, ADMIN_TOKEN);
    const page = await consoleApi<RunPage>(server.url, 'runs', {
      cookie,
      query: { field: 'region', value: 'west' },
    });
    expect(page.body.runs).toMatchObject([
      { runId: 'old', reason: 'before', status: 'succeeded', sequences: { finished: 3 } },
    ]);
  });

  it('stores run events whose data does not fit a run row, leaving out only what does not fit', async () => {
    const url = await serve();
    const device = testDevice('odd-laptop');
    const answer = await stored(url, [
      device.next({ type: 'dev.scriptdesk.run.started', data: { note: 'no run id' } }),
      device.next({
        type: 'dev.scriptdesk.run.started',
        data: {
          runId: 'odd',
          scriptId: 42,
          user: 'u'.repeat(5000),
          catalogueVersion: 'seven',
          inputs: { long: 'x'.repeat(5000), nested: { a: 1 }, list: [1], ok: 'yes' },
        },
      }),
      device.next({
        type: 'dev.scriptdesk.run.finished',
        data: { runId: 'odd', status: 'failed', exitCode: 1.5 },
      }),
    ]);
    expect(answer.stored).toBe(3);
    const cookie = await signIn(url, ADMIN_TOKEN);
    const runs = await allRuns(url, cookie, {});
    expect(runs).toMatchObject([
      {
        runId: 'odd',
        scriptId: null,
        user: null,
        catalogueVersion: null,
        status: 'failed',
        sequences: { started: 2, finished: 3 },
      },
    ]);
    expect((await allRuns(url, cookie, { field: 'ok', value: 'yes' })).length).toBe(1);
    expect((await allRuns(url, cookie, { field: 'nested', value: '{"a":1}' })).length).toBe(0);
  });
});
