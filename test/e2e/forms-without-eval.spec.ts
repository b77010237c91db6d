import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO, SHOTS, type Desk, withDesk } from './desk.js';

const SALES_CSV = path.join(REPO, 'examples', 'data', 'sales.csv');
const SECRET = 'DEMO_API_TOKEN';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** The keychain is shared by every desk of the run: the demo secret starts and ends unset. */
const clearSecret = (desk: Desk) => desk.cli('secrets', 'clear', 'api-check', SECRET);

/** Everything the page reports about its CSP and script errors, from the first byte on. */
async function watchForEval(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(
        `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
      ),
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

async function openForm(page: Page, scriptId: string, title: string): Promise<void> {
  await page.getByTestId('nav-scripts').click();
  await page.getByTestId(`script-item-${scriptId}`).click();
  await expect(page.getByTestId('script-title')).toHaveText(title);
}

/** Types `value` into the field, leaves it, and expects RJSF to show main's words under it. */
async function expectFieldError(page: Page, field: string, value: string, error: RegExp) {
  const input = page.locator(`#root_${field}`);
  await input.fill(value);
  await input.blur();
  await expect(page.locator(`#root_${field}__error`)).toContainText(error);
  await expect(input).toHaveAttribute('aria-invalid', 'true');
}

test('every demo form validates as the user types and submits under a CSP without unsafe-eval', async ({
  page,
}) => {
  // A desk of its own and four real runs.
  test.setTimeout(180_000);
  await withDesk(
    {},
    async (desk) => {
      const problems = await watchForEval(page);
      const validators = new Set<string>();
      page.on('response', (response) => {
        const { pathname } = new URL(response.url());
        if (pathname.startsWith('/validators/') && response.status() === 200)
          validators.add(pathname);
      });

      const response = await page.goto(desk.url);
      const csp = response!.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe-eval');

      // Summarise a CSV: a number over its maximum, then a real run.
      await openForm(page, 'csv-summary', 'Summarise a CSV');
      await page.locator('#root_csvFile').fill(SALES_CSV);
      await page.getByLabel('Semicolon ( ; )').check();
      await page.getByLabel('Comma ( , )').check();
      await expectFieldError(
        page,
        'topN',
        '99',
        /^Most frequent values to list must be at most 50\.$/,
      );
      await page.screenshot({
        path: path.join(SHOTS, 'no-eval-01-field-error.png'),
        fullPage: true,
      });
      await page.locator('#root_topN').fill('3');
      await page.getByTestId('run-button').click();
      await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });

      // Loan schedule: cents only, a rate over 30 %; then a run.
      await openForm(page, 'loan-schedule', 'Loan repayment schedule');
      await expectFieldError(
        page,
        'principal',
        '25000.555',
        /^Amount borrowed must have at most 2 decimal places\.$/,
      );
      await expectFieldError(page, 'annualRatePercent', '31', /30/);
      await page.screenshot({
        path: path.join(SHOTS, 'no-eval-02-loan-errors.png'),
        fullPage: true,
      });
      await page.locator('#root_principal').fill('25000.50');
      await page.locator('#root_annualRatePercent').fill('4.25');
      await page.locator('#root_startDate').fill('2025-03-31');
      await page.getByTestId('run-button').click();
      await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });

      // Rename files: a replacement over its length, then a dry run with a reason.
      const folder = path.join(desk.work, 'scans');
      mkdirSync(folder);
      writeFileSync(path.join(folder, 'scan 001.pdf'), 'x');
      await openForm(page, 'rename-files', 'Rename files by pattern');
      await page.locator('#root_folder').fill(folder);
      await page.locator('#root_pattern').fill('^scan (\\d+)');
      await expectFieldError(
        page,
        'replacement',
        'x'.repeat(201),
        /^Replace with must be at most 200 characters\.$/,
      );
      await page.locator('#root_replacement').fill('invoice-\\1');
      await page.getByLabel(/reason or ticket/i).fill('TICKET-7');
      await page.getByTestId('run-button').click();
      await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
      await expect(page.getByTestId('run-log')).toContainText('invoice-001.pdf');

      // Check API connection: a note over its length; then main accepts the inputs and asks for
      // the secret the run needs (inputs are checked before secrets).
      await openForm(page, 'api-check', 'Check API connection');
      await expectFieldError(
        page,
        'note',
        'n'.repeat(201),
        /^Note must be at most 200 characters\.$/,
      );
      await page.locator('#root_note').fill('Checked without eval');
      await page.getByTestId('run-button').click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByRole('heading')).toContainText(SECRET);
      await dialog.getByLabel(`Value of ${SECRET}`).fill('demo-token-for-the-no-eval-test');
      await dialog.getByRole('button', { name: 'Save and run' }).click();
      await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
      await page.screenshot({ path: path.join(SHOTS, 'no-eval-03-last-run.png'), fullPage: true });

      expect([...validators]).toHaveLength(4);
      expect(problems).toEqual([]);
    },
    clearSecret,
  );
});
