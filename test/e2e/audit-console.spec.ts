import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import pg from 'pg';
import type { AuditEvent } from '../../main/audit/event.js';
import { startPostgresCluster, type PostgresCluster } from '../../main/dev/postgres-cluster.js';
import { parseServerConfig } from '../../main/server/alerts/alert-config.js';
import type { AlertList } from '../../main/server/audit/alert-queue.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { tampered, testDevice } from '../support/audit-events.js';
import { AUDITOR_TOKEN, runEvents } from '../support/console-runs.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';
import { expectAccessible } from './axe.js';
import { REPO, SHOTS } from './desk.js';

/**
 * The audit console in Chromium against a real `scriptdesk server`, the whole flow once on
 * SQLite and once on PostgreSQL (a private cluster started here, a fresh database), its pages
 * from the build (dist/console), seeded with real signed device events through the ingest
 * endpoint, its alerts sent to a webhook receiver on 127.0.0.1 started here.
 */

const INGEST = 'e2e-ingest-token-7f3a9c1d2b';
const ADMIN = 'e2e-admin-token-4e8b2d6f0a';

let server: CatalogueServer;
let work: string;
let receiver: Receiver;
let cluster: PostgresCluster | undefined;

const STORES = ['sqlite', 'postgres'] as const;
type Store = (typeof STORES)[number];
/** Only in the signed-json target's environment: never in an answer or a page. */
const OPS_SECRET = 'e2e-webhook-secret-8c2f6a1d94';
/** Part of the ops target's URL: a page shows the target's name, never its URL. */
const URL_TOKEN = 'url-credential-3b7e';

/**
 * Alert rules: a failed `cleanup` run goes to `ops` (answers 200) and to `chat`, whose receiver
 * always answers 500, so after its two attempts it has failed for good.
 */
function alertsConfig(receiverUrl: string) {
  return parseServerConfig(
    {
      alerts: {
        targets: [
          {
            name: 'ops',
            url: `${receiverUrl}/ops?key=${URL_TOKEN}`,
            format: 'signed-json',
            secretEnv: 'OPS_SECRET',
          },
          { name: 'chat', url: `${receiverUrl}/chat`, format: 'slack' },
        ],
        rules: [{ on: 'run-failed', scripts: ['cleanup'], targets: ['ops', 'chat'] }],
        delivery: { maxAttempts: 2, firstRetrySeconds: 1, maxRetrySeconds: 1 },
      },
    },
    'e2e-alerts.json',
  ).alerts!;
}

/** The database of `store`: a SQLite file in `work`, or a new database in a private cluster. */
async function databaseOf(store: Store): Promise<string> {
  if (store === 'sqlite') return path.join(work, 'audit.sqlite');
  cluster = await startPostgresCluster();
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  await client.query('CREATE DATABASE console_e2e').finally(() => client.end());
  return cluster.url.replace(/\/postgres$/, '/console_e2e');
}

async function startConsole(store: Store) {
  work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-console-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  receiver = await startReceiver((requestPath) => (requestPath === '/chat' ? 500 : 200));
  server = await startServer({
    port: 0,
    audit: {
      database: await databaseOf(store),
      ingestToken: INGEST,
      adminToken: ADMIN,
      auditorToken: AUDITOR_TOKEN,
      devices: 'approve',
      consolePages: path.join(REPO, 'dist', 'console'),
      alerts: { config: alertsConfig(receiver.url), env: { OPS_SECRET } },
    },
  });
  const laptop = testDevice('laptop-a');
  await seed([
    ...runEvents(laptop, {
      runId: 'r1',
      user: 'alice',
      inputs: { region: 'north', password: '[redacted]' },
      reason: 'Month end OPS-17',
      outputs: [{ name: 'report.csv', size: 120, sha256: 'e'.repeat(64) }],
      startedAt: '2026-03-01T08:00:00.000Z',
      durationMs: 2000,
    }),
    ...runEvents(laptop, {
      runId: 'r2',
      user: 'bob',
      scriptId: 'cleanup',
      status: 'failed',
      exitCode: 3,
      inputs: { region: 'south' },
      startedAt: '2026-03-02T08:00:00.000Z',
    }),
  ]);
  const desktop = testDevice('desktop-b');
  await seed(
    runEvents(desktop, {
      runId: 'r3',
      user: 'carol',
      inputs: { region: 'north' },
      catalogueVersion: 8,
      startedAt: '2026-03-03T08:00:00.000Z',
      durationMs: 4000,
    }),
  );
  // A device whose second event was edited after it was signed: refused, flagged at sequence 2.
  const edited = testDevice('tampered-c');
  const [first, second, third] = runEvents(edited, { runId: 't1', scriptId: 'payroll' });
  await seed([first!]);
  await ingest([tampered(second!), third!]);
  // A device nobody approved yet.
  expect(await ingest(runEvents(testDevice('new-d'), { runId: 'n1' }))).toBe(403);
}

async function stopConsole() {
  await server?.close();
  await receiver?.close();
  await cluster?.stop();
  cluster = undefined;
  rmSync(work, { recursive: true, force: true });
}

/** The alert deliveries as the admin API lists them. */
async function deliveries(): Promise<AlertList['deliveries']> {
  const response = await fetch(`${server.url}/v1/admin/alerts`, {
    headers: { Authorization: `Bearer ${ADMIN}` },
  });
  return ((await response.json()) as AlertList).deliveries;
}

async function ingest(events: AuditEvent[]): Promise<number> {
  const response = await fetch(`${server.url}/v1/events`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${INGEST}`,
      'Content-Type': 'application/cloudevents-batch+json',
    },
    body: JSON.stringify(events),
  });
  return response.status;
}

async function approve(source: string): Promise<void> {
  const response = await fetch(`${server.url}/v1/admin/devices/approve`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ source }),
  });
  expect(response.status).toBe(200);
}

/** A device's events, sent once to register its key, approved, then sent again to be stored. */
async function seed(events: AuditEvent[]): Promise<void> {
  expect(await ingest(events)).toBe(403);
  await approve(events[0]!.source);
  await ingest(events);
}

async function signInAs(page: Page, token: string) {
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('sign-in-token').fill(token);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in-role')).toBeVisible();
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true });
}

for (const store of STORES) {
  test.describe(`the audit console on ${store}`, () => {
    // A long flow with axe on every page: a busy shared machine takes over a minute for it.
    test.describe.configure({ mode: 'serial', timeout: 180_000 });

    test.beforeAll(async () => {
      // initdb and a first start on a machine shared with others.
      test.setTimeout(180_000);
      await startConsole(store);
    });
    test.afterAll(stopConsole);

    test('an auditor filters runs by an input value, opens a verified run and sees the tampered device flagged', async ({
      page,
    }) => {
      await page.goto(`${server.url}/console/`);
      await expectAccessible(page, 'console sign-in');
      await shot(page, `${store}-sign-in`);
      await signInAs(page, AUDITOR_TOKEN);
      await expect(page.getByTestId('signed-in-role')).toHaveText('Auditor (read-only)');
      await expect(page.getByTestId('runs-table')).toHaveAttribute('data-rows', '4');

      await page.getByTestId('filter-field').fill('region');
      await page.getByTestId('filter-value').fill('north');
      await page.getByTestId('apply-filters').click();
      await expect(page.getByTestId('runs-table')).toHaveAttribute('data-rows', '2');
      await expect(page.getByTestId('run-row-r3')).toBeVisible();
      await expect(page.getByTestId('run-row-r1')).toBeVisible();
      await expectAccessible(page, 'console runs');
      await shot(page, `${store}-runs-filtered`);

      await page.getByTestId('run-row-r1').getByRole('link').click();
      for (const sequence of [1, 2, 3])
        await expect(page.getByTestId(`event-${sequence}`)).toHaveAttribute(
          'data-verified',
          'true',
        );
      await expect(page.getByTestId('input-password')).toContainText('redacted on the device');
      await expect(page.getByText('e'.repeat(64))).toBeVisible();
      await expectAccessible(page, 'console run');
      await shot(page, `${store}-run`);

      await page.getByTestId('nav-integrity').click();
      // The edited event is refused with a signature flag at its sequence; the next one shows the gap.
      await expect(page.getByTestId('flag-tampered-c-2-signature')).toContainText('signature');
      await expect(page.getByTestId('flag-tampered-c-2-gap')).toBeVisible();
      await expectAccessible(page, 'console integrity');
      await shot(page, `${store}-integrity`);

      await page.getByTestId('nav-insights').click();
      await page.getByTestId('insights-period').click();
      await page.getByRole('option', { name: 'All time' }).click();
      const report = page.getByTestId('insights-script-monthly-report');
      // Two runs of 2 s and 4 s: the median by nearest rank is the first, p95 the second, each
      // read from the duration histogram (1972 and 3905 ms: within 2.5 %) and marked approximate.
      const cells = report.locator('td');
      await expect(cells.nth(1)).toHaveText('2');
      await expect(cells.nth(4)).toHaveText('100 %');
      await expect(cells.nth(5)).toHaveText('≈ 2.0 s');
      await expect(cells.nth(6)).toHaveText('≈ 3.9 s');
      await expect(page.getByTestId('insights-script-note')).toContainText('within 2.5 %');
      await expect(page.getByTestId('insights-script-cleanup')).toContainText('0 %');
      await expect(page.getByTestId('insights-failure-failed-3')).toBeVisible();
      await expect(page.getByTestId('runs-per-day-chart').locator('svg').first()).toBeVisible();
      await expectAccessible(page, 'console insights');
      await shot(page, `${store}-insights`);

      await page.getByTestId('nav-devices').click();
      await expect(page.getByTestId('device-row-new-d')).toHaveAttribute(
        'data-standing',
        'pending',
      );
      await expect(page.getByTestId('approve-new-d')).toHaveCount(0);
      const refused = await page.request.post(`${server.url}/console/api/devices/approve`, {
        data: { source: 'new-d' },
        headers: { Origin: server.url },
      });
      expect(refused.status()).toBe(403);
      await expectAccessible(page, 'console devices (auditor)');
    });

    test('an admin approves a pending device after confirming, sees it in the admin log, and exports CSV', async ({
      page,
    }) => {
      await signInAs(page, ADMIN);
      await page.getByTestId('nav-devices').click();
      await page.getByTestId('approve-new-d').click();
      await expect(page.getByRole('dialog')).toContainText('Approve new-d?');
      await expectAccessible(page, 'console approve dialog');
      await shot(page, `${store}-approve-dialog`);
      await page.getByTestId('confirm-change').click();
      await expect(page.getByTestId('device-row-new-d')).toHaveAttribute('data-standing', 'known');
      await shot(page, `${store}-devices`);

      await page.getByTestId('nav-admin-log').click();
      const entry = page.getByTestId('admin-log-table').getByRole('row').nth(1);
      await expect(entry).toContainText('console:admin');
      await expect(entry).toContainText('approve');
      await expect(entry).toContainText('new-d');
      await expectAccessible(page, 'console admin log');
      await shot(page, `${store}-admin-log`);

      await page.getByTestId('nav-runs').click();
      await page.getByTestId('filter-device').fill('laptop-a');
      await page.getByTestId('apply-filters').click();
      await expect(page.getByTestId('runs-table')).toHaveAttribute('data-rows', '2');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('export-csv').click(),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8')
        .trimEnd()
        .split('\r\n');
      expect(csv[0]).toMatch(/^"received_at","source","sequence"/);
      expect(csv).toHaveLength(1 + 6);
      expect(csv.slice(1).every((line) => line.includes('laptop-a'))).toBe(true);
    });

    test('an auditor sees the failed run’s alert delivered, the failing target counted and named, never its URL', async ({
      page,
    }) => {
      // The worker delivers on its own: wait until ops has it and chat has failed for good.
      await expect
        .poll(async () => (await deliveries()).map((d) => `${d.target}:${d.state}`).sort())
        .toEqual(['chat:gave-up', 'ops:delivered']);
      expect(receiver.received.filter((r) => r.path.startsWith('/ops'))).toHaveLength(1);

      await signInAs(page, AUDITOR_TOKEN);
      await expect(page.getByTestId('alerts-failing')).toHaveText('1 failing');
      await page.getByTestId('nav-alerts').click();
      const delivered = page.getByTestId('alert-run-failed-ops');
      await expect(delivered).toHaveAttribute('data-state', 'delivered');
      await expect(delivered).toContainText('cleanup ended failed (run by bob)');
      await expect(delivered).toContainText('delivered');
      const failed = page.getByTestId('alert-run-failed-chat');
      await expect(failed).toContainText('failed for good');
      await expect(failed).toContainText('attempt 2');
      const content = await page.content();
      expect(content).not.toContain(URL_TOKEN);
      expect(content).not.toContain(OPS_SECRET);
      expect(content).not.toContain(receiver.url);
      await expectAccessible(page, 'console alerts');
      await shot(page, `${store}-alerts`);

      await page.getByTestId('alert-filter-state').click();
      await page.getByRole('option', { name: 'delivered' }).click();
      await expect(page.getByTestId('alerts-table')).toHaveAttribute('data-rows', '1');
      await delivered.getByTestId('alert-run-link').click();
      // r2 is laptop-a's second run: its events are sequences 4 to 6.
      await expect(page.getByTestId('event-6')).toHaveAttribute('data-verified', 'true');
      await expect(page.getByRole('heading', { level: 1 })).toContainText('cleanup');
    });
  });
}

test('without an alerts config the Alerts page says alerts are off and how to turn them on', async ({
  page,
}) => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-console-e2e-'));
  const plain = await startServer({
    port: 0,
    audit: {
      database: path.join(home, 'audit.sqlite'),
      ingestToken: INGEST,
      adminToken: ADMIN,
      consolePages: path.join(REPO, 'dist', 'console'),
    },
  });
  try {
    await page.goto(`${plain.url}/console/#/alerts`);
    await page.getByTestId('sign-in-token').fill(ADMIN);
    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('alerts-off')).toContainText('--config');
    await expect(page.getByTestId('alerts-table')).toHaveAttribute('data-rows', '0');
    await expect(page.getByTestId('alerts-failing')).toHaveCount(0);
    await expectAccessible(page, 'console alerts off');
    await shot(page, 'alerts-off');
  } finally {
    await plain.close();
    rmSync(home, { recursive: true, force: true });
  }
});
