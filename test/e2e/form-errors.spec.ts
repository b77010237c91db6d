import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { SHOTS } from './desk.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SALES_CSV = path.join(REPO, 'examples', 'data', 'sales.csv');

const OTHER_REQUIRED = 'Other separator is required.';
const TOP_N_TOO_HIGH = 'Most frequent values to list must be at most 50.';
const OTHER_FORMAT =
  'Other separator is not in the expected format. Type a single character such as | or : that is not a letter, digit, space or quote.';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** Opens "Summarise a CSV" on the demo desk with its file chosen. */
async function openCsvSummary(page: Page): Promise<void> {
  const url = process.env.SCRIPTDESK_E2E_URL;
  if (!url) throw new Error('SCRIPTDESK_E2E_URL is not set; run through playwright.config.ts');
  await page.goto(url);
  await page.getByTestId('script-item-csv-summary').click();
  await page.locator('#root_csvFile').fill(SALES_CSV);
}

/** The error lines shown under one field (RJSF's error list of that field). */
function errorsOf(page: Page, field: string) {
  return page.locator(`#root_${field}__error`);
}

test('choosing Other flags "Other separator" as required at once, on that field, beside the other problems', async ({
  page,
}) => {
  await openCsvSummary(page);
  const topN = page.locator('#root_topN');
  await topN.fill('99');
  await topN.blur();
  await expect(errorsOf(page, 'topN')).toHaveText(TOP_N_TOO_HIGH);
  await expect(page.getByText(OTHER_REQUIRED)).toHaveCount(0);

  await page.getByRole('radio', { name: 'Other' }).check();
  await expect(errorsOf(page, 'otherDelimiter')).toHaveText(OTHER_REQUIRED);
  await expect(errorsOf(page, 'topN')).toHaveText(TOP_N_TOO_HIGH);
  await expect(page.locator('#root_otherDelimiter')).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({
    path: path.join(SHOTS, 'form-errors-required-on-condition.png'),
    fullPage: true,
  });

  await page.getByRole('radio', { name: 'Comma ( , )' }).check();
  await expect(page.getByText(OTHER_REQUIRED)).toHaveCount(0);
});

test("a wrongly filled form shows plain words on each field, with the author's advice, and runs once fixed", async ({
  page,
}) => {
  await openCsvSummary(page);
  await page.getByRole('radio', { name: 'Other' }).check();
  const other = page.locator('#root_otherDelimiter');
  await other.fill('ab');
  await other.blur();
  await expect(errorsOf(page, 'otherDelimiter')).toHaveText(OTHER_FORMAT);
  const reportTitle = page.locator('#root_reportTitle');
  await reportTitle.fill('');
  await reportTitle.blur();
  await expect(errorsOf(page, 'reportTitle')).toHaveText('Report title is required.');

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status-message')).toHaveText(
    'Fix the 2 marked fields to continue.',
  );
  await expect(other).toBeFocused();
  await page.screenshot({ path: path.join(SHOTS, 'form-errors-plain-words.png'), fullPage: true });
  await expect(page.getByText(/must match|must NOT|pattern "/)).toHaveCount(0);

  await other.fill(',');
  await reportTitle.fill('Q1 sales');
  await expect(errorsOf(page, 'otherDelimiter')).toHaveCount(0);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  await expect(page.getByTestId('run-log')).toContainText('","-separated');
});
