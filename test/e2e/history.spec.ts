import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SHOTS, startDesk, type Desk } from './desk.js';

let desk: Desk;
const today = new Date();
const day = (offset: number) => {
  const date = new Date(today.getFullYear(), today.getMonth(), today.getDate() + offset);
  return [date.getFullYear(), date.getMonth() + 1, date.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-');
};

test.beforeAll(async () => {
  desk = await startDesk();
  // Four runs made with the CLI, as an analyst's earlier days would have left them.
  const inputs = (name: string, values: object) => {
    const file = path.join(desk.work, `${name}.json`);
    writeFileSync(file, JSON.stringify(values));
    return file;
  };
  const loan = inputs('loan', {
    principal: 20000,
    annualRatePercent: 4,
    years: 2,
    startDate: '2026-01-15',
  });
  desk.cli('run', 'loan-schedule', '--inputs', loan);
  desk.cli('run', 'loan-schedule', '--inputs', loan, '--reason', 'Quarterly review for ACME');
  const folder = path.join(desk.work, 'invoices');
  mkdirSync(folder);
  writeFileSync(path.join(folder, 'inv 1.txt'), 'one');
  const rename = inputs('rename', {
    folder,
    pattern: ' ',
    replacement: '_',
    includeSubfolders: false,
  });
  desk.cli(
    'run',
    'rename-files',
    '--inputs',
    rename,
    '--dry-run',
    '--reason',
    'CHG-2041 tidy invoices',
  );
  desk.cli(
    'run',
    'rename-files',
    '--inputs',
    rename,
    '--yes',
    '--reason',
    'CHG-2042 tidy invoices',
  );
});

test.afterAll(async () => {
  await desk?.stop();
});

async function openHistory(page: Page) {
  await page.goto(desk.url);
  await page.getByTestId('nav-history').click();
  await expect(page.getByTestId('history-pages')).toContainText('1–4 of 4 runs');
}

const rows = (page: Page) => page.getByTestId('history-table').locator('tbody tr');

async function choose(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test('history finds runs by reason text and narrows by script, status, dry run and days', async ({
  page,
}) => {
  await openHistory(page);
  // Who ran it and why are columns of their own.
  await expect(rows(page).first()).toContainText('CHG-2042 tidy invoices');
  await expect(page.getByRole('columnheader', { name: 'Run by' })).toBeVisible();

  await page.getByTestId('history-search').fill('chg-2041');
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page)).toContainText('Dry run');
  await expect(page.getByTestId('history-pages')).toContainText('1–1 of 1 matching runs');
  await page.getByRole('button', { name: 'Clear filters' }).first().click();
  await expect(page.getByTestId('history-search')).toHaveValue('');
  await expect(rows(page)).toHaveCount(4);

  await choose(page, 'history-script', 'Loan repayment schedule');
  await expect(rows(page)).toHaveCount(2);
  await expect(rows(page).filter({ hasText: 'Quarterly review for ACME' })).toHaveCount(1);
  await choose(page, 'history-script', 'Every script');

  await choose(page, 'history-kind', 'Dry runs only');
  await expect(rows(page)).toHaveCount(1);
  await choose(page, 'history-kind', 'Real runs only');
  await expect(rows(page)).toHaveCount(3);
  await choose(page, 'history-kind', 'Dry and real runs');

  await page.getByTestId('history-status').click();
  await page.getByRole('option', { name: /^Did not succeed/ }).click();
  await expect(page.getByText('No runs match')).toBeVisible();
  await page.getByTestId('history-status').click();
  await page.getByRole('option', { name: /^Succeeded/ }).click();
  await expect(rows(page)).toHaveCount(4);

  // Days are the user's own: every run was today, none before it.
  await page.getByTestId('history-to').fill(day(-1));
  await expect(page.getByText('No runs match')).toBeVisible();
  await page.getByTestId('history-to').fill(day(0));
  await page.getByTestId('history-from').fill(day(0));
  await expect(rows(page)).toHaveCount(4);
  await page.screenshot({ path: path.join(SHOTS, 'history-filtered.png'), fullPage: true });
});

test('a run opened from a search shows who ran it, why and where its audit record is; Back keeps the search', async ({
  page,
}) => {
  await openHistory(page);
  await page.getByTestId('history-search').fill('CHG-2042');
  await expect(rows(page)).toHaveCount(1);
  await rows(page).getByRole('button', { name: 'Rename files' }).click();

  await expect(page.getByTestId('run-reason')).toHaveText('CHG-2042 tidy invoices');
  await expect(page.getByTestId('run-user')).not.toBeEmpty();
  await expect(page.getByTestId('run-delivery')).toHaveText(
    'Kept in this computer’s journal (no audit endpoint is set up)',
  );
  await page.screenshot({ path: path.join(SHOTS, 'history-run-facts.png'), fullPage: true });

  await page.goBack();
  await expect(page.getByTestId('history-search')).toHaveValue('CHG-2042');
  await expect(rows(page)).toHaveCount(1);
});
