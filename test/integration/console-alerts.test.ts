import { afterEach, expect, it } from 'vitest';
import { parseServerConfig } from '../../main/server/alerts/alert-config.js';
import type {
  ConsoleAlertDelivery,
  ConsoleAlertPage,
  ConsoleAlertSummary,
} from '../../main/server/console/console-types.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { tampered, testDevice } from '../support/audit-events.js';
import {
  ADMIN_TOKEN,
  describeEachStore,
  INGEST_TOKEN,
  postEvents,
  type AuditStoreKind,
} from '../support/audit-server.js';
import { AUDITOR_TOKEN, consoleApi, runEvents, signIn } from '../support/console-runs.js';
import { waitFor } from '../support/runs.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

const SECRET = 'console-alerts-secret-1f8e2b7c';
const URL_TOKEN = 'console-url-credential-9d3a';

let server: CatalogueServer | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await receiver?.close();
  receiver = undefined;
});

describeEachStore('console alerts API on $name', (store: AuditStoreKind) => {
  /** `ops` (signed, answers 200, a credential in its URL) and `chat` (always 500, one attempt). */
  async function serve(withAlerts = true) {
    receiver = await startReceiver((path) => (path === '/chat' ? 500 : 200));
    const targets = ['ops', 'chat'];
    const config = parseServerConfig(
      {
        alerts: {
          targets: [
            {
              name: 'ops',
              url: `${receiver.url}/ops?key=${URL_TOKEN}`,
              format: 'signed-json',
              secretEnv: 'OPS_SECRET',
            },
            { name: 'chat', url: `${receiver.url}/chat`, format: 'slack' },
          ],
          rules: [
            { on: 'run-failed', scripts: ['*'], targets },
            { on: 'integrity', targets: ['ops'] },
          ],
          delivery: { maxAttempts: 1 },
        },
      },
      'test.json',
    ).alerts!;
    server = await startServer({
      port: 0,
      audit: {
        database: await store.database(),
        ingestToken: INGEST_TOKEN,
        adminToken: ADMIN_TOKEN,
        auditorToken: AUDITOR_TOKEN,
        alerts: withAlerts ? { config, env: { OPS_SECRET: SECRET } } : undefined,
      },
    });
    return server.url;
  }

  async function page(url: string, cookie: string, query: Record<string, string> = {}) {
    const answer = await consoleApi<ConsoleAlertPage>(url, 'alerts', { cookie, query });
    expect(answer.status).toBe(200);
    return answer.body;
  }

  /** Three failed runs (two deliveries each) and one integrity flag (one delivery), all settled. */
  async function raise(url: string, cookie: string) {
    const device = testDevice('laptop-a');
    const events = ['r1', 'r2', 'r3'].flatMap((runId, index) =>
      runEvents(device, {
        runId,
        status: 'failed',
        exitCode: 2,
        startedAt: `2026-03-0${index + 1}T08:00:00.000Z`,
      }),
    );
    expect((await postEvents(url, events)).status).toBe(200);
    const edited = testDevice('tampered-b');
    const [first, second] = runEvents(edited, { runId: 't1' });
    await postEvents(url, [first!]);
    await postEvents(url, [tampered(second!)]);
    await waitFor(async () => {
      const { deliveries } = await page(url, cookie);
      return (
        deliveries.length === 7 &&
        deliveries.every((d) => d.state === 'delivered' || d.state === 'gave-up')
      );
    }, 'every delivery settled');
  }

  it('lets an auditor read the deliveries with their state, newest first, naming targets but never their URL or secret', async () => {
    const url = await serve();
    const cookie = await signIn(url, AUDITOR_TOKEN);
    await raise(url, cookie);
    const answer = await consoleApi<ConsoleAlertPage>(url, 'alerts', { cookie });
    const text = JSON.stringify(answer.body);
    for (const secret of [SECRET, URL_TOKEN, receiver!.url]) expect(text).not.toContain(secret);
    const { enabled, deliveries } = answer.body;
    expect(enabled).toBe(true);
    const runs = deliveries.filter((d) => d.kind === 'run-failed');
    expect(runs.map((d) => `${String(d.facts.runId)}:${d.target}:${d.state}`).sort()).toEqual([
      'r1:chat:gave-up',
      'r1:ops:delivered',
      'r2:chat:gave-up',
      'r2:ops:delivered',
      'r3:chat:gave-up',
      'r3:ops:delivered',
    ]);
    expect(runs.find((d) => d.target === 'chat')!.lastError).toBe(
      'attempt 1: the target answered HTTP 500',
    );
    const times = deliveries.map((d) => d.createdAt);
    expect(times).toEqual([...times].sort().reverse());

    const summary = await consoleApi<ConsoleAlertSummary>(url, 'alerts/summary', { cookie });
    expect(summary.body).toEqual({ enabled: true, failing: 3 });
  });

  it('pages the deliveries by their keyset and filters them by state and kind', async () => {
    const url = await serve();
    const cookie = await signIn(url, ADMIN_TOKEN);
    await raise(url, cookie);
    const seen: ConsoleAlertDelivery[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const body: ConsoleAlertPage = await page(url, cookie, {
        limit: '3',
        ...(after ? { after } : {}),
      });
      seen.push(...body.deliveries);
      after = body.next;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen.map((d) => `${d.alertId}/${d.target}`)).toEqual(
      (await page(url, cookie)).deliveries.map((d) => `${d.alertId}/${d.target}`),
    );

    const gaveUp = await page(url, cookie, { state: 'gave-up' });
    expect(gaveUp.deliveries.map((d) => d.target)).toEqual(['chat', 'chat', 'chat']);
    const flags = await page(url, cookie, { kind: 'integrity' });
    expect(flags.deliveries).toHaveLength(1);
    expect(flags.deliveries[0]).toMatchObject({ target: 'ops', source: 'tampered-b' });
    const both = await page(url, cookie, { kind: 'integrity', state: 'gave-up' });
    expect(both.deliveries).toEqual([]);

    const wrong = await consoleApi(url, 'alerts', { cookie, query: { kind: 'fire' } });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.body)).toContain('run-failed, or integrity');
    const extra = await consoleApi(url, 'alerts/summary', { cookie, query: { x: '1' } });
    expect(extra.status).toBe(400);
  });

  it('refuses a signed-out request and says when the server runs without alerts', async () => {
    const url = await serve(false);
    expect((await consoleApi(url, 'alerts')).status).toBe(401);
    expect((await consoleApi(url, 'alerts/summary')).status).toBe(401);
    const cookie = await signIn(url, AUDITOR_TOKEN);
    expect(await page(url, cookie)).toEqual({ enabled: false, deliveries: [], next: null });
    const summary = await consoleApi<ConsoleAlertSummary>(url, 'alerts/summary', { cookie });
    expect(summary.body).toEqual({ enabled: false, failing: 0 });
  });
});
