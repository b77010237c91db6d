import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { SHOTS, testManifest, withScriptsDesk, type Desk } from './desk.js';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** A script for these tests: prints numbered lines, some through Python's logging as errors and warnings. */
const LONG_LOG_SCRIPT = {
  'script.json': testManifest({
    id: 'long-log',
    title: 'Reconcile ledger',
    summary: 'Test script: prints many numbered lines, with logging errors and warnings.',
  }),
  'form.schema.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      lines: { type: 'integer', title: 'Lines', minimum: 1, maximum: 1000000, default: 100000 },
    },
  },
  'requirements.lock': '# Nothing to install.\n',
  'main.py': `import json, logging, os, sys
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
# Everything on stdout, so the line numbers are the row numbers.
logging.basicConfig(stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("ledger")
for n in range(1, inputs.get("lines", 100000) + 1):
    if n % 20000 == 0:
        log.error("row %d: account 4711 does not balance", n)
    elif n % 5000 == 0:
        log.warning("row %d: currency missing, EUR assumed", n)
    else:
        print(f"row {n} reconciled")
`,
};

async function withLogDesk(body: (desk: Desk) => Promise<void>): Promise<void> {
  await withScriptsDesk([LONG_LOG_SCRIPT], {}, body);
}

test('a log of 100,000 lines: counts, the first line, search, only errors and warnings, download', async ({
  page,
}) => {
  await withLogDesk(async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('script-item-long-log').click();
    await page.getByTestId('run-button').click();
    const status = page.getByTestId('run-status');
    await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
    const log = page.getByTestId('run-log');
    await expect(log).toHaveAttribute('data-rows', '100000');
    await expect(page.getByTestId('log-line-count')).toHaveText('100,000 lines');
    // 5 errors (every 20,000th line) and 15 warnings (every 5,000th, less those).
    await expect(page.getByTestId('log-error-count')).toHaveText('5 errors');
    await expect(page.getByTestId('log-warning-count')).toHaveText('15 warnings');
    // The view follows the end, and draws only a screenful of rows.
    await expect(log).toContainText('row 99999 reconciled');
    expect(await log.locator('[data-seq]').count()).toBeLessThan(100);
    await page.screenshot({ path: path.join(SHOTS, 'long-log-end.png'), fullPage: true });

    // Home on the focused log goes to the start: line 1 is read from main and shown.
    await log.focus();
    await page.keyboard.press('Home');
    await expect(log.locator('[data-seq="1"]')).toHaveText(/^1row 1 reconciled$/);
    await log.screenshot({ path: path.join(SHOTS, 'long-log-start.png') });

    // Search: Enter finds the line and scrolls to it; Enter again goes to the next.
    const search = page.getByTestId('log-search');
    await search.fill('ROW 54321 ');
    await search.press('Enter');
    await expect(page.getByTestId('log-search-count')).toHaveText('1 of 1');
    const found = log.locator('.current');
    await expect(found).toHaveAttribute('data-seq', '54321');
    await expect(found).toBeInViewport();
    await search.fill('does not balance');
    await search.press('Enter');
    await expect(page.getByTestId('log-search-count')).toHaveText('1 of 5');
    await expect(log.locator('.current')).toHaveAttribute('data-seq', '20000');
    await search.press('Enter');
    await expect(log.locator('.current')).toHaveAttribute('data-seq', '40000');
    await search.press('Shift+Enter');
    await expect(log.locator('.current')).toHaveAttribute('data-seq', '20000');
    await expect(log.locator('.current.error')).toContainText('ERROR row 20000');
    await page.screenshot({ path: path.join(SHOTS, 'long-log-search.png'), fullPage: true });
    await search.press('Escape');
    await expect(search).toHaveValue('');
    await expect(log.locator('.current')).toHaveCount(0);

    // Only errors and warnings.
    await page.getByTestId('log-problems-only').check();
    await expect(log).toHaveAttribute('data-rows', '20');
    await expect(log.locator('.error')).toHaveCount(5);
    await expect(log.locator('.warning')).toHaveCount(15);
    await log.screenshot({ path: path.join(SHOTS, 'long-log-problems.png') });
    await page.getByTestId('log-problems-only').uncheck();
    await expect(log).toHaveAttribute('data-rows', '100000');

    // Download gives the whole log as the run folder holds it.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('log-download').click(),
    ]);
    const runId = new URL(page.url()).hash.split('/').pop()!;
    expect(download.suggestedFilename()).toBe(`long-log-${runId}.log`);
    const saved = readFileSync(await download.path(), 'utf8');
    expect(saved).toBe(readFileSync(path.join(desk.home, 'runs', runId, 'log.txt'), 'utf8'));
    expect(saved.split('\n')).toHaveLength(100_001);
  });
});
