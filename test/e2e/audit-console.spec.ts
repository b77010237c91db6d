import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { AuditEvent } from '../../main/audit/event.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { tampered, testDevice } from '../support/audit-events.js';
import { AUDITOR_TOKEN, runEvents } from '../support/console-runs.js';
import { expectAccessible } from './axe.js';
import { REPO, SHOTS } from './desk.js';

/**
 * The audit console in Chromium against a real `scriptdesk server` (SQLite), its pages from the
 * build (dist/console), seeded with real signed device events through the ingest endpoint.
 */

const INGEST = 'e2e-ingest-token-7f3a9c1d2b';
const ADMIN = 'e2e-admin-token-4e8b2d6f0a';

let server: CatalogueServer;
let work: string;

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

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-console-e2e-'));
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({
    port: 0,
    audit: {
      database: path.join(work, 'audit.sqlite'),
      ingestToken: INGEST,
      adminToken: ADMIN,
      auditorToken: AUDITOR_TOKEN,
      devices: 'approve',
      consolePages: path.join(REPO, 'dist', 'console'),
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
});

test.afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function signInAs(page: Page, token: string) {
  await page.goto(`${server.url}/console/`);
  await page.getByTestId('sign-in-token').fill(token);
  await page.getByTestId('sign-in-submit').click();
  await expect(page.getByTestId('signed-in-role')).toBeVisible();
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `console-${name}.png`), fullPage: true });
}

test('an auditor filters runs by an input value, opens a verified run and sees the tampered device flagged', async ({
  page,
}) => {
  await page.goto(`${server.url}/console/`);
  await expectAccessible(page, 'console sign-in');
  await shot(page, 'sign-in');
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
  await shot(page, 'runs-filtered');

  await page.getByTestId('run-row-r1').getByRole('link').click();
  for (const sequence of [1, 2, 3])
    await expect(page.getByTestId(`event-${sequence}`)).toHaveAttribute('data-verified', 'true');
  await expect(page.getByTestId('input-password')).toContainText('redacted on the device');
  await expect(page.getByText('e'.repeat(64))).toBeVisible();
  await expectAccessible(page, 'console run');
  await shot(page, 'run');

  await page.getByTestId('nav-integrity').click();
  // The edited event is refused with a signature flag at its sequence; the next one shows the gap.
  await expect(page.getByTestId('flag-tampered-c-2-signature')).toContainText('signature');
  await expect(page.getByTestId('flag-tampered-c-2-gap')).toBeVisible();
  await expectAccessible(page, 'console integrity');
  await shot(page, 'integrity');

  await page.getByTestId('nav-insights').click();
  await page.getByTestId('insights-period').click();
  await page.getByRole('option', { name: 'All time' }).click();
  const report = page.getByTestId('insights-script-monthly-report');
  // Two runs of 2 s and 4 s: the median by nearest rank is the first, p95 the second, each read
  // from the duration histogram (1972 and 3905 ms: within 2.5 %) and marked approximate.
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
  await shot(page, 'insights');

  await page.getByTestId('nav-devices').click();
  await expect(page.getByTestId('device-row-new-d')).toHaveAttribute('data-standing', 'pending');
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
  await shot(page, 'approve-dialog');
  await page.getByTestId('confirm-change').click();
  await expect(page.getByTestId('device-row-new-d')).toHaveAttribute('data-standing', 'known');
  await shot(page, 'devices');

  await page.getByTestId('nav-admin-log').click();
  const entry = page.getByTestId('admin-log-table').getByRole('row').nth(1);
  await expect(entry).toContainText('console:admin');
  await expect(entry).toContainText('approve');
  await expect(entry).toContainText('new-d');
  await expectAccessible(page, 'console admin log');
  await shot(page, 'admin-log');

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
