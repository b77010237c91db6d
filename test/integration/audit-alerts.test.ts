import { createHmac, timingSafeEqual } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../main/cli/cli-error.js';
import { serverCommand } from '../../main/cli/server-command.js';
import type { AuditEvent } from '../../main/audit/event.js';
import { parseServerConfig } from '../../main/server/alerts/alert-config.js';
import type { AlertTiming } from '../../main/server/alerts/alert-worker.js';
import type { AlertDelivery, AlertList } from '../../main/server/audit/alert-queue.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { newDeviceKey, runData, testDevice } from '../support/audit-events.js';
import {
  admin,
  ADMIN_TOKEN,
  describeEachStore,
  INGEST_TOKEN,
  postEvents,
} from '../support/audit-server.js';
import { scriptdesk } from '../support/cli.js';
import { waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import {
  startReceiver as startWebhookReceiver,
  type Received,
  type Receiver,
} from '../support/webhook-receiver.js';

const SECRET = 'test-webhook-secret-5d1e9a73c2';
const DAY = 24 * 60 * 60 * 1000;

/** A receiver on 127.0.0.1 (see test/support/webhook-receiver.ts), closed after the test. */
async function startReceiver(decide: Parameters<typeof startWebhookReceiver>[0]) {
  const receiver = await startWebhookReceiver(decide);
  receivers.push(receiver);
  return receiver;
}

let server: CatalogueServer | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const receiver of receivers.splice(0)) await receiver.close();
});

/** Signed-json to /ops and Slack text to /chat; every rule sends to both. */
function alertsConfig(receiverUrl: string, delivery: Record<string, number> = {}) {
  const targets = ['ops', 'chat'];
  return parseServerConfig(
    {
      alerts: {
        targets: [
          {
            name: 'ops',
            url: `${receiverUrl}/ops`,
            format: 'signed-json',
            secretEnv: 'OPS_SECRET',
          },
          { name: 'chat', urlEnv: 'CHAT_URL', format: 'slack' },
        ],
        rules: [
          { on: 'run-failed', scripts: ['payroll'], targets },
          { on: 'integrity', targets },
          { on: 'device-pending', targets },
          { on: 'device-silent', days: 1, targets },
        ],
        delivery,
      },
    },
    'test.json',
  ).alerts!;
}

/** The HMAC recipe of the README: HMAC-SHA256(secret, "<t>.<raw body>") equals v1, in time. */
function signatureVerifies(headers: IncomingHttpHeaders, body: string): boolean {
  const header = String(headers['x-scriptdesk-signature'] ?? '');
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const t = parts.get('t');
  const v1 = parts.get('v1');
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > 5 * 60 * 60 * 24) return false;
  const expected = createHmac('sha256', SECRET).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Posts events as a device that says how many events its journal still holds. */
async function postWithBacklog(url: string, events: AuditEvent[], backlog: number) {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${INGEST_TOKEN}`,
      'Content-Type': 'application/cloudevents-batch+json',
      'ScriptDesk-Backlog': String(backlog),
    },
    body: JSON.stringify(events),
  });
  expect(response.status).toBe(200);
}

const failedRun = (script = 'payroll') => ({
  data: runData({ scriptId: script, status: 'failed' }),
});

describeEachStore('webhook alerts on $name', (store) => {
  async function serve(database: string, receiverUrl: string, timing: AlertTiming, delivery = {}) {
    server = await startServer({
      port: 0,
      audit: {
        database,
        ingestToken: INGEST_TOKEN,
        adminToken: ADMIN_TOKEN,
        devices: 'auto',
        alerts: {
          config: alertsConfig(receiverUrl, delivery),
          env: { OPS_SECRET: SECRET, CHAT_URL: `${receiverUrl}/chat` },
          timing,
        },
      },
    });
    return server.url;
  }

  async function deliveries(url: string): Promise<AlertDelivery[]> {
    const answer = await admin<AlertList>(url, 'alerts', { query: { limit: '1000' } });
    expect(answer.status).toBe(200);
    return answer.body.deliveries;
  }

  const untilDelivered = (url: string, count: number) =>
    waitFor(async () => {
      const list = await deliveries(url);
      return list.length === count && list.every((d) => d.state === 'delivered');
    }, `${count} deliveries delivered`);

  /** Per (target path, alert id): how many requests came, and how many were answered 2xx. */
  function tally(received: Received[]) {
    const counts = new Map<string, { requests: number; accepted: number }>();
    for (const r of received) {
      const key = `${r.path} ${r.alertId}`;
      const count = counts.get(key) ?? { requests: 0, accepted: 0 };
      count.requests++;
      if (typeof r.answer === 'number' && r.answer < 300) count.accepted++;
      counts.set(key, count);
    }
    return counts;
  }

  it('delivers each alert kind exactly once to a receiver that fails twice, signed so the recipe verifies', async () => {
    const receiver = await startReceiver((_path, _id, attempt) => (attempt <= 2 ? 500 : 200));
    const database = await store.database();
    let url = await serve(database, receiver.url, { retryDelay: () => 0, pollMs: 20 });

    const device = testDevice();
    await postEvents(url, [device.next(failedRun()), device.next(failedRun('other'))]);
    device.next(); // never sent: the next batch leaves a gap
    await postEvents(url, [device.next()]);
    await postEvents(url, [device.next({ privateKey: newDeviceKey() })]); // a key to approve
    const quiet = testDevice('quiet-laptop');
    await postWithBacklog(url, [quiet.next()], 7); // 6 events left on the device
    await untilDelivered(url, 6);

    // Two days later (the injected clock) the silent-device check finds the quiet laptop.
    await server!.close();
    url = await serve(database, receiver.url, {
      retryDelay: () => 0,
      pollMs: 20,
      now: () => new Date(Date.now() + 2 * DAY),
    });
    await untilDelivered(url, 8);

    const list = await deliveries(url);
    expect(new Set(list.map((d) => d.kind))).toEqual(
      new Set(['run-failed', 'integrity', 'device-pending', 'device-silent']),
    );
    expect(list.filter((d) => d.kind === 'run-failed')[0]!.facts).toMatchObject({
      device: device.source,
      script: 'payroll',
      status: 'failed',
      sequence: 1,
    });
    expect(list.find((d) => d.kind === 'integrity')!.facts).toMatchObject({ flag: 'gap' });
    expect(list.find((d) => d.kind === 'device-silent')!.facts).toMatchObject({
      device: 'quiet-laptop',
      backlog: 6,
    });
    for (const delivery of list) {
      expect(delivery.attempts).toBe(3);
      expect(delivery.lastError).toBe('attempt 2: the target answered HTTP 500');
    }
    const counts = tally(receiver.received);
    expect(counts.size).toBe(8);
    for (const count of counts.values()) expect(count).toEqual({ requests: 3, accepted: 1 });

    for (const request of receiver.received) {
      if (request.path === '/ops') {
        expect(signatureVerifies(request.headers, request.body)).toBe(true);
        const body = JSON.parse(request.body);
        expect(body.id).toBe(request.alertId);
        expect(Object.keys(body)).toEqual(['facts', 'id', 'kind', 'time']);
      } else {
        expect(request.headers['x-scriptdesk-signature']).toBeUndefined();
        expect(Object.keys(JSON.parse(request.body))).toEqual(['text']);
      }
      expect(request.body).not.toContain(SECRET);
    }
    // A body altered in transit no longer verifies.
    const signed = receiver.received.find((r) => r.path === '/ops')!;
    expect(signatureVerifies(signed.headers, signed.body.replace('"kind"', '"kinds"'))).toBe(false);
  });

  it('retries a receiver that answers after the timeout, and one that answers garbage', async () => {
    const receiver = await startReceiver((requestPath, _id, attempt) =>
      attempt > 1 ? 204 : requestPath === '/ops' ? 'hang' : 'garbage',
    );
    const url = await serve(
      await store.database(),
      receiver.url,
      { retryDelay: () => 0, pollMs: 20 },
      { timeoutSeconds: 1 },
    );
    await postEvents(url, [testDevice().next(failedRun())]);
    await untilDelivered(url, 2);

    const list = await deliveries(url);
    expect(list.find((d) => d.target === 'ops')).toMatchObject({
      attempts: 2,
      lastError: 'attempt 1: no answer within 1 s',
    });
    expect(list.find((d) => d.target === 'chat')!.lastError).toMatch(
      /^attempt 1: the target could not be reached or did not answer in HTTP \(.+\)$/,
    );
    for (const count of tally(receiver.received).values())
      expect(count).toEqual({ requests: 2, accepted: 1 });
  });

  it('gives up after maxAttempts and says why, sending nothing more', async () => {
    const receiver = await startReceiver(() => 500);
    const url = await serve(
      await store.database(),
      receiver.url,
      { retryDelay: () => 0, pollMs: 20 },
      { maxAttempts: 2 },
    );
    await postEvents(url, [testDevice().next(failedRun())]);
    await waitFor(async () => {
      const list = await deliveries(url);
      return list.length === 2 && list.every((d) => d.state === 'gave-up');
    }, 'both deliveries given up');
    for (const delivery of await deliveries(url))
      expect(delivery).toMatchObject({
        attempts: 2,
        lastError: 'attempt 2: the target answered HTTP 500',
      });
    const gaveUp = await admin<AlertList>(url, 'alerts', { query: { state: 'gave-up' } });
    expect(gaveUp.body.deliveries).toHaveLength(2);
    expect((await admin(url, 'alerts', { query: { state: 'lost' } })).status).toBe(400);
    for (const count of tally(receiver.received).values())
      expect(count).toEqual({ requests: 2, accepted: 0 });
  });

  it('sends again at start what a crashed server left delivering', async () => {
    let failing = true;
    const receiver = await startReceiver(() => (failing ? 503 : 200));
    const database = await store.database();
    let url = await serve(database, receiver.url, { retryDelay: () => 60 * 60 * 1000, pollMs: 20 });
    await postEvents(url, [testDevice().next(failedRun())]);
    await waitFor(
      async () => (await deliveries(url)).filter((d) => d.state === 'failed-retrying').length === 2,
      'two deliveries waiting to retry',
    );
    await server!.close();
    // What a crash mid-request leaves behind: deliveries marked delivering, never settled.
    await store.execute(database, "UPDATE audit_alert_deliveries SET state = 'delivering'");
    failing = false;
    url = await serve(database, receiver.url, { retryDelay: () => 0, pollMs: 20 });
    await untilDelivered(url, 2);
    for (const delivery of await deliveries(url))
      expect(delivery).toMatchObject({
        attempts: 2,
        lastError: 'the server stopped during an attempt; sent again',
      });
    for (const count of tally(receiver.received).values())
      expect(count).toEqual({ requests: 2, accepted: 1 });
  });

  it('resumes from the database after a restart mid-retry: nothing lost, nothing sent twice', async () => {
    let failing = false;
    const receiver = await startReceiver(() => (failing ? 503 : 200));
    const database = await store.database();
    // An hour between retries: the first server stops while every retry is still waiting.
    let url = await serve(database, receiver.url, { retryDelay: () => 60 * 60 * 1000, pollMs: 20 });
    const device = testDevice();
    await postEvents(url, [device.next(failedRun())]);
    await untilDelivered(url, 2);
    failing = true;
    await postEvents(url, [device.next(failedRun()), device.next(failedRun())]);
    await waitFor(async () => {
      const waiting = (await deliveries(url)).filter((d) => d.state === 'failed-retrying');
      return waiting.length === 4 && waiting.every((d) => d.attempts === 1);
    }, 'four deliveries waiting to retry');
    await server!.close();

    failing = false;
    url = await serve(database, receiver.url, {
      retryDelay: () => 0,
      pollMs: 20,
      now: () => new Date(Date.now() + 2 * 60 * 60 * 1000),
    });
    await untilDelivered(url, 6);
    const counts = [...tally(receiver.received).values()];
    expect(counts).toHaveLength(6);
    for (const count of counts) expect(count.accepted).toBe(1);
    // The two delivered before the stop were not sent again; the four others failed once.
    expect(counts.map((c) => c.requests).sort()).toEqual([1, 1, 2, 2, 2, 2]);

    // The CLI view shows the same deliveries and their last error.
    const home = await tempDir('scriptdesk-home-');
    const asAdmin = { env: { SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN } };
    /** `scriptdesk audit alerts --server URL ...args` as the admin. */
    const alerts = (...args: string[]) =>
      scriptdesk(home, ['audit', 'alerts', '--server', url, ...args], asAdmin);
    const text = await alerts();
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(
      lines.filter((line) => / run-failed device .* → (ops|chat): delivered/.test(line)),
    ).toHaveLength(6);
    expect(
      lines.filter((line) => line === '  last error: attempt 1: the target answered HTTP 503'),
    ).toHaveLength(4);
    const json = await alerts('--state', 'gave-up', '--json');
    expect(JSON.parse(json.stdout)).toEqual([]);
    // By kind: every delivery here is of a failed run; none is of a pending device.
    const failedRuns = await alerts('--kind', 'run-failed', '--json');
    expect((JSON.parse(failedRuns.stdout) as { kind: string }[]).map((d) => d.kind)).toEqual(
      Array(6).fill('run-failed'),
    );
    const pending = await alerts('--kind', 'device-pending', '--json');
    expect(JSON.parse(pending.stdout)).toEqual([]);
    const badKind = await alerts('--kind', 'fire');
    expect(badKind.code).toBe(2);
    expect(badKind.stderr).toContain('--kind "fire" must be run-failed, integrity');
    const bad = await alerts('--state', 'lost');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--state "lost" must be pending, delivering, delivered');
  });
});

describe('scriptdesk server --config', () => {
  const env = {
    SCRIPTDESK_INGEST_TOKEN: INGEST_TOKEN,
    SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN,
  };
  const quiet = { line: () => {}, json: () => {} };

  async function refusal(config: unknown, extraEnv: NodeJS.ProcessEnv = {}) {
    const folder = await tempDir('scriptdesk-config-');
    const file = path.join(folder, 'alerts.json');
    await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config));
    const error = await serverCommand(
      { port: '0', host: '127.0.0.1', config: file, database: path.join(folder, 'a.sqlite') },
      quiet,
      { ...env, ...extraEnv },
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    return { message: (error as CliError).message, file };
  }

  it('refuses a config with a bad rule before starting, naming the file, field and fix', async () => {
    const { message, file } = await refusal({
      alerts: {
        targets: [{ name: 'chat', url: 'https://chat.example/x', format: 'slack' }],
        rules: [{ on: 'run-failed', scripts: [], targets: ['chat'] }],
      },
    });
    expect(message).toContain(
      `${file}: alerts.rules[0].scripts: list script ids, or ["*"] for every script`,
    );
  });

  it('refuses a signed target whose secret variable is unset, without printing any secret', async () => {
    const config = {
      alerts: {
        targets: [
          { name: 'ops', url: 'https://ops.example/', format: 'signed-json', secretEnv: 'OPS_KEY' },
        ],
        rules: [{ on: 'device-pending', targets: ['ops'] }],
      },
    };
    expect((await refusal(config)).message).toBe(
      'alert target "ops": set OPS_KEY to its HMAC secret, 16+ characters (e.g. openssl rand -hex 32); it is not set',
    );
    const short = await refusal(config, { OPS_KEY: 'tiny-secret' });
    expect(short.message).toContain('too short');
    expect(short.message).not.toContain('tiny-secret');
  });

  it('starts with the example config and says where its alerts go', async () => {
    const folder = await tempDir('scriptdesk-config-');
    const lines: string[] = [];
    let announced: () => void = () => {};
    const started = new Promise<void>((resolve) => (announced = resolve));
    const command = serverCommand(
      {
        port: '0',
        host: '127.0.0.1',
        config: 'examples/server/alerts.json',
        database: path.join(folder, 'audit.sqlite'),
      },
      {
        line: (line) => {
          lines.push(line);
          if (line.startsWith('Alerts:')) announced();
        },
        json: () => {},
      },
      {
        ...env,
        SCRIPTDESK_ALERT_SECRET: SECRET,
        SCRIPTDESK_SLACK_WEBHOOK: 'https://chat.example/hook',
      },
    );
    await Promise.race([started, command]);
    process.emit('SIGINT');
    await command;
    expect(lines).toContain(
      'Alerts: 5 rules sending to ops, team-chat (see scriptdesk audit alerts)',
    );
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('refuses a file that is not JSON', async () => {
    const { message, file } = await refusal('{ alerts: ');
    expect(message).toMatch(
      new RegExp(`^the server config ${file.replace(/[\\/.]/g, '\\$&')} is not JSON`),
    );
  });
});
