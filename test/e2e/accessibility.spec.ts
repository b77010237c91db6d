import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe.js';
import { callApi, REPO, seenAfterExpiry, startDesk, withDesk, type Desk } from './desk.js';

const DEMO_CATALOGUE = path.join(REPO, 'examples', 'catalogue');
const DEMO_SCRIPTS = {
  'api-check': 'Check API connection',
  'csv-summary': 'Summarise a CSV',
  'loan-schedule': 'Loan repayment schedule',
  'rename-files': 'Rename files by pattern',
};

/**
 * A script for the run page only: reports progress, then holds until the file named in its inputs
 * exists (so the test decides when it ends), writes a small CSV and ends with the exit code asked.
 */
const HOLD_SCRIPT = {
  'script.json': {
    id: 'hold',
    title: 'Quarterly totals',
    summary: 'Test script: reports progress, waits for a go-ahead file, writes totals.csv.',
    category: 'Reporting',
    version: '1.0.0',
    entrypoint: 'main.py',
    python: '>=3.9',
    timeoutSeconds: 300,
    secrets: [],
    allowed: { users: [], groups: ['analysts'] },
    destructive: false,
    supportsDryRun: false,
    requireReason: false,
    exitCodes: {
      '0': { status: 'success' },
      '1': { status: 'failed', message: 'The totals could not be worked out.' },
    },
  },
  'form.schema.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      releaseFile: { type: 'string', title: 'Go-ahead file', maxLength: 4096 },
      exitCode: { type: 'integer', title: 'Exit code', minimum: 0, maximum: 255 },
    },
  },
  'requirements.lock': '# Nothing to install.\n',
  'main.py': `import json, os, pathlib, sys, time
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
print("::progress 40 Adding up the quarter", flush=True)
print("Holding until the go-ahead file appears.", flush=True)
release = inputs.get("releaseFile")
while release and not os.path.exists(release):
    time.sleep(0.05)
out = pathlib.Path(os.environ["SCRIPTDESK_OUTPUT_DIR"])
(out / "totals.csv").write_text("region,revenue\\nNorth,120\\nSouth,80\\n", encoding="utf-8")
print("Totals written.", flush=True)
sys.exit(inputs.get("exitCode", 0))
`,
};

function appUrl(): string {
  const url = process.env.SCRIPTDESK_E2E_URL;
  if (!url) throw new Error('SCRIPTDESK_E2E_URL is not set; run through playwright.config.ts');
  return url;
}

async function openScript(page: Page, id: keyof typeof DEMO_SCRIPTS): Promise<void> {
  await page.getByTestId(`script-item-${id}`).click();
  await expect(page.getByTestId('script-title')).toHaveText(DEMO_SCRIPTS[id]);
}

/** Opens the run view of `runId` (the page keeps its token after the first visit). */
async function openRun(page: Page, runId: string): Promise<void> {
  await page.evaluate((id) => (location.hash = `#/runs/${id}`), runId);
  await expect(page.getByTestId('run-status')).toBeVisible();
}

test('the scripts page, every demo form, a form showing its problems and main’s refusal pass axe-core', async ({
  page,
}) => {
  await page.goto(appUrl());
  await expect(page.getByTestId('script-list')).toContainText('Summarise a CSV');
  await expectAccessible(page, 'scripts page, no script chosen');

  await page.getByTestId('catalogue-badge').hover();
  await expect(page.getByRole('tooltip')).toContainText('Last checked');
  await expectAccessible(page, 'catalogue badge details');
  await page.mouse.move(640, 780);
  await expect(page.getByRole('tooltip')).toHaveCount(0);

  await page.getByTestId('audit-delivery-badge').click();
  await expect(page.getByRole('dialog', { name: 'Audit delivery' })).toBeVisible();
  await expectAccessible(page, 'audit delivery details');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  for (const id of Object.keys(DEMO_SCRIPTS) as (keyof typeof DEMO_SCRIPTS)[]) {
    await openScript(page, id);
    await expect(page.getByTestId('run-button')).toBeEnabled();
    await expectAccessible(page, `form of ${id}`);
  }

  await openScript(page, 'csv-summary');
  await page.locator('#root_topN').fill('99');
  await page.locator('#root_topN').blur();
  await expect(
    page.getByText('Most frequent values to list must be at most 50.').first(),
  ).toBeVisible();
  await page.getByTestId('run-button').click();
  await expect(page.locator('#root_csvFile')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'form with its problems shown');

  const notCsv = path.join(process.env.SCRIPTDESK_E2E_WORK!, 'accessibility-notes.txt');
  writeFileSync(notCsv, 'not a csv\n');
  await page.locator('#root_csvFile').fill(notCsv);
  await page.locator('#root_topN').fill('3');
  await page.getByTestId('run-button').click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Some inputs are not valid' }),
  ).toBeVisible();
  await expectAccessible(page, 'form refused by main');
});

test('the confirm dialog of a destructive script and the secret dialog pass axe-core', async ({
  page,
}) => {
  const clearSecret = (desk: Desk) => desk.cli('secrets', 'clear', 'api-check', 'DEMO_API_TOKEN');
  await withDesk(
    {},
    async (desk) => {
      const folder = path.join(desk.work, 'scans');
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'scan 001.pdf'), 'x');
      await page.goto(desk.url);
      await openScript(page, 'rename-files');
      await page.locator('#root_folder').fill(folder);
      await page.locator('#root_pattern').fill('^scan ');
      await page.getByLabel(/reason or ticket/i).fill('TICKET-7');
      await page.getByTestId('dry-run-switch').uncheck();
      await page.getByTestId('run-button').click();
      const confirm = page.getByRole('dialog', { name: /for real/ });
      await expect(confirm).toBeVisible();
      await expectAccessible(page, 'confirm run dialog');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect(confirm).toBeHidden();

      await openScript(page, 'api-check');
      await page.getByTestId('run-button').click();
      const secret = page.getByRole('dialog', { name: /DEMO_API_TOKEN/ });
      await expect(secret.getByTestId('secret-dialog-reason')).toBeVisible();
      await expectAccessible(page, 'secret dialog opened by Run');
      await secret.getByRole('button', { name: 'Cancel' }).click();
      await expect(secret).toBeHidden();
    },
    clearSecret,
  );
});

test('the run page while running, waiting, finished, failed and cancelled, its file preview and History pass axe-core', async ({
  page,
}) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-a11y-'));
  try {
    const catalogue = path.join(work, 'catalogue');
    cpSync(DEMO_CATALOGUE, catalogue, { recursive: true });
    const folder = path.join(catalogue, 'scripts', HOLD_SCRIPT['script.json'].id);
    mkdirSync(folder, { recursive: true });
    for (const [name, content] of Object.entries(HOLD_SCRIPT))
      writeFileSync(
        path.join(folder, name),
        typeof content === 'string' ? content : JSON.stringify(content, null, 2),
      );
    const policy = path.join(work, 'policy.json');
    writeFileSync(policy, JSON.stringify({ maxConcurrentRuns: 1 }));
    const desk = await startDesk({ source: catalogue, env: { SCRIPTDESK_POLICY: policy } });
    try {
      const start = async (inputs: object) =>
        (await callApi<{ runId: string }>(desk.url, 'run.start', { scriptId: 'hold', inputs }))
          .runId;
      const release = path.join(work, 'go-ahead');
      const held = await start({ releaseFile: release });
      const waiting = await start({});
      await page.goto(desk.url);
      await expect(page.getByTestId('script-list')).toBeVisible();

      await openRun(page, held);
      await expect(page.getByTestId('run-progress-label')).toHaveText('Adding up the quarter');
      await expect(page.getByTestId('run-log')).toContainText('Holding until');
      await expectAccessible(page, 'run page while running');

      await openRun(page, waiting);
      await expect(page.getByTestId('run-queue-position')).toContainText('starts next');
      await expectAccessible(page, 'run page while waiting for a slot');
      await page.getByTestId('cancel-run').click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectAccessible(page, 'the dialog asking before a run is cancelled');
      await page.getByTestId('confirm-cancel-run').click();
      await expect(page.getByTestId('run-result')).toContainText('The run was cancelled');
      await expectAccessible(page, 'cancelled run');

      writeFileSync(release, 'go');
      await openRun(page, held);
      await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', {
        timeout: 30_000,
      });
      await expect(page.getByTestId('output-file-totals.csv')).toBeVisible();
      await expectAccessible(page, 'finished run with its files');
      await page.getByTestId('output-file-totals.csv').click();
      await expect(page.getByTestId('output-preview')).toContainText('revenue');
      await expectAccessible(page, 'output preview dialog');
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      await openRun(page, await start({ exitCode: 1 }));
      await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'failed', {
        timeout: 30_000,
      });
      await expectAccessible(page, 'failed run');

      await page.getByTestId('nav-history').click();
      await expect(page.getByTestId('history-table')).toContainText('Cancelled');
      await expectAccessible(page, 'history page');
    } finally {
      await desk.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('the catalogue banners (expiring, refused, expired) and a run refused for an expired catalogue pass axe-core', async ({
  page,
}) => {
  await withDesk({ expires: '2d' }, async (desk) => {
    await page.goto(desk.url);
    await expect(page.getByTestId('catalogue-banner')).toHaveAttribute('data-kind', 'expiring');
    await expectAccessible(page, 'expiring catalogue banner');

    desk.cli('keygen', '--out', path.join(desk.work, 'stranger'));
    const strangerKey = path.join(desk.work, 'stranger', 'catalogue-signing.key');
    desk.cli('catalogue', 'build', DEMO_CATALOGUE, '--key', strangerKey, '--out', desk.published);
    await page.getByTestId('catalogue-sync-button').click();
    await expect(page.getByTestId('catalogue-banner')).toHaveAttribute('data-kind', 'refused');
    await expectAccessible(page, 'refused catalogue banner');
  });

  await withDesk({ expires: '1d', beforeStart: seenAfterExpiry }, async (desk) => {
    await page.goto(desk.url);
    await openScript(page, 'loan-schedule');
    await expect(page.getByTestId('catalogue-banner')).toHaveAttribute('data-kind', 'expired');
    await expectAccessible(page, 'expired catalogue banner');
    await page.getByTestId('run-button').click();
    await expect(
      page.getByRole('alert').filter({ hasText: 'This script cannot run right now' }),
    ).toBeVisible();
    await expectAccessible(page, 'run refused: catalogue expired');
  });
});

test('the Settings page passes axe-core in light and in dark, and the scripts page with favourites in dark', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();
    await page.getByTestId('nav-settings').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expectAccessible(page, 'settings page');
    await page.getByRole('radio', { name: /^Dark/ }).check();
    await expect(page.locator('html')).toHaveAttribute('data-theme-mode', 'dark');
    await expectAccessible(page, 'settings page in dark');
    await page.getByTestId('nav-scripts').click();
    await page.getByRole('button', { name: 'Add Summarise a CSV to favourites' }).click();
    await expect(page.getByRole('list', { name: 'Favourites' })).toBeVisible();
    await expectAccessible(page, 'scripts page with favourites in dark');
  });
});
