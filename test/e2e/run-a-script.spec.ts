import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { appUrl, SHOTS } from './desk.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SALES_CSV = path.join(REPO, 'examples', 'data', 'sales.csv');

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('an analyst picks a script, is stopped by a bad value, fixes it, runs it, sees the log and output, and finds it in history', async ({
  page,
}) => {
  await page.goto(appUrl());
  const list = page.getByTestId('script-list');
  await expect(list).toContainText('Summarise a CSV');
  await expect(list).toContainText('Rename files by pattern');
  await expect(list).toContainText('Loan repayment schedule');
  await page.screenshot({ path: path.join(SHOTS, '01-catalogue.png'), fullPage: true });

  await page.getByTestId('script-item-csv-summary').click();
  const topN = page.locator('#root_topN');
  await expect(topN).toBeVisible();
  await page.locator('#root_csvFile').fill(SALES_CSV);
  await topN.fill('99');
  await topN.blur();
  await expect(
    page.getByText('Most frequent values to list must be at most 50.').first(),
  ).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, '02-field-error.png'), fullPage: true });

  await topN.fill('3');
  await page.getByTestId('run-button').click();

  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  await expect(page.getByTestId('run-log')).toContainText('40');
  const report = page.getByTestId('output-file-summary.md');
  await expect(report).toBeVisible();
  await expect(page.getByTestId('output-file-column-stats.csv')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, '03-finished-run.png'), fullPage: true });

  await report.click();
  const preview = page.getByRole('dialog');
  await expect(preview).toContainText('revenue');
  await page.screenshot({ path: path.join(SHOTS, '04-output-preview.png'), fullPage: true });
  await page.keyboard.press('Escape');

  await page
    .getByRole('button', { name: /history/i })
    .first()
    .click();
  const history = page.getByTestId('history-table');
  await expect(history).toContainText('Summarise a CSV');
  await expect(history).toContainText(/succeeded/i);
  await page.screenshot({ path: path.join(SHOTS, '05-history.png'), fullPage: true });
});

test('main refuses a file of the wrong type even though the form accepted the text', async ({
  page,
}) => {
  const work = process.env.SCRIPTDESK_E2E_WORK!;
  const notCsv = path.join(work, 'notes.txt');
  writeFileSync(notCsv, 'not a csv\n');
  await page.goto(appUrl());
  await page.getByTestId('script-item-csv-summary').click();
  await page.locator('#root_csvFile').fill(notCsv);
  await page.getByTestId('run-button').click();
  await expect(page.getByText('must be a .csv file').first()).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, '06-main-refuses-file.png'), fullPage: true });
});

/** Opens "Rename files by pattern" and fills it: `scan NNN` → `{prefix}-NNN` in `folder`. */
async function fillRename(page: Page, folder: string, prefix: string, reason: string) {
  await page.goto(appUrl());
  await page.getByTestId('script-item-rename-files').click();
  await page.locator('#root_folder').fill(folder);
  await page.locator('#root_pattern').fill('^scan (\\d+)');
  await page.locator('#root_replacement').fill(`${prefix}-\\1`);
  await page.getByLabel(/reason or ticket/i).fill(reason);
}

test('a destructive script asks for a reason, runs as a dry run by default, and changes nothing', async ({
  page,
}) => {
  const work = process.env.SCRIPTDESK_E2E_WORK!;
  const folder = path.join(work, 'invoices');
  mkdirSync(folder, { recursive: true });
  for (const name of ['scan 001.pdf', 'scan 002.pdf']) writeFileSync(path.join(folder, name), 'x');
  await fillRename(page, folder, 'invoice', 'TICKET-42');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  await expect(page.getByTestId('run-log')).toContainText('invoice-001.pdf');
  await page.screenshot({ path: path.join(SHOTS, '07-dry-run.png'), fullPage: true });
  expect(readdirSync(folder).sort()).toEqual(['scan 001.pdf', 'scan 002.pdf']);
});

test('a finished run shows its inputs, and "Run again with these inputs" opens the form filled with them', async ({
  page,
}) => {
  await page.goto(appUrl());
  await page.getByTestId('script-item-loan-schedule').click();
  const principal = page.locator('#root_principal');
  await principal.fill('12000');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  const inputs = page.getByTestId('run-inputs');
  await expect(inputs).toContainText('principal');
  await expect(inputs).toContainText('12000');

  await page.getByTestId('run-again').click();
  await expect(page.getByTestId('script-title')).toHaveText('Loan repayment schedule');
  await expect(page.getByTestId('run-again-notice')).toContainText('Filled in from the run of');
  await expect(principal).toHaveValue('12000');
  await page.screenshot({ path: path.join(SHOTS, '08-run-again.png'), fullPage: true });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  await expect(page.getByTestId('run-inputs')).toContainText('12000');
});

test('after a dry run, "Run for real" opens the form with the same inputs and reason and the dry run off', async ({
  page,
}) => {
  const work = process.env.SCRIPTDESK_E2E_WORK!;
  const folder = path.join(work, 'receipts');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'scan 007.pdf'), 'x');
  await fillRename(page, folder, 'receipt', 'TICKET-77');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  await expect(page.getByTestId('run-reason')).toHaveText('TICKET-77');

  await page.getByTestId('run-for-real').click();
  await expect(page.getByTestId('run-again-notice')).toContainText('to run for real now');
  await expect(page.locator('#root_folder')).toHaveValue(folder);
  await expect(page.locator('#root_pattern')).toHaveValue('^scan (\\d+)');
  await expect(page.locator('#root_replacement')).toHaveValue('receipt-\\1');
  await expect(page.getByLabel(/reason or ticket/i)).toHaveValue('TICKET-77');
  await expect(page.getByTestId('dry-run-switch')).not.toBeChecked();
  await page.screenshot({ path: path.join(SHOTS, '09-run-for-real.png'), fullPage: true });
  await page.getByTestId('run-button').click();
  // The confirmation restates what will change and vouches for it with the dry run.
  const restated = page.getByTestId('confirm-run-inputs');
  await expect(restated).toContainText(folder);
  await expect(restated).toContainText('receipt-\\1');
  await expect(page.getByTestId('confirm-dry-run')).toContainText(
    'A dry run with these inputs succeeded',
  );
  await page.screenshot({ path: path.join(SHOTS, '10-confirm-real-run.png') });
  await page.getByTestId('confirm-run').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  expect(readdirSync(folder)).toEqual(['receipt-007.pdf']);
});

test('a real run of inputs never dry-run says so in the confirmation, and offers the dry run instead', async ({
  page,
}) => {
  const work = process.env.SCRIPTDESK_E2E_WORK!;
  const folder = path.join(work, 'untried');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'scan 001.pdf'), 'x');
  await fillRename(page, folder, 'fresh', 'TICKET-88');
  await page.getByTestId('dry-run-switch').uncheck();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('confirm-dry-run')).toContainText(
    'No dry run with these exact inputs yet',
  );
  await page.getByRole('button', { name: 'Dry run instead' }).click();
  await expect(page.getByTestId('confirm-run')).toBeHidden();
  await expect(page.getByTestId('dry-run-switch')).toBeChecked();
  expect(readdirSync(folder)).toEqual(['scan 001.pdf']);
});
