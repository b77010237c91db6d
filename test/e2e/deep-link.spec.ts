import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { expectAccessible } from './axe.js';
import { callApi, SHOTS, startDesk, type Desk } from './desk.js';

// A desk of its own: the test saves a preset and counts the runs on this home.
let desk: Desk;
test.beforeAll(async () => {
  desk = await startDesk();
  await callApi(desk.url, 'presets.save', {
    scriptId: 'loan-schedule',
    name: 'ACME fleet & vans, 7 years',
    inputs: { principal: 42000, annualRatePercent: 4.25, years: 7, label: 'ACME fleet' },
  });
});
test.afterAll(async () => {
  await desk?.stop();
});

/**
 * Opens the app (which keeps the address's token for this tab), then the address a link names,
 * as a user following it in the same tab would; `hash` is everything after `#`.
 */
async function follow(page: Page, hash: string) {
  await page.goto(desk.url);
  await expect(page.getByTestId('script-item-loan-schedule')).toBeVisible();
  await page.goto(new URL(`/#${hash}`, desk.url).href);
}

async function runCount(): Promise<number> {
  const { runs } = await callApi<{ runs: unknown[] }>(desk.url, 'run.list', {});
  return runs.length;
}

test('a link to a saved preset opens the script’s form filled with it, and runs nothing', async ({
  page,
}) => {
  await follow(page, '/scripts/loan-schedule?preset=ACME%20fleet%20%26%20vans%2C%207%20years');

  await expect(page.getByTestId('script-title')).toHaveText('Loan repayment schedule');
  await expect(page.locator('#root_principal')).toHaveValue('42000');
  await expect(page.locator('#root_annualRatePercent')).toHaveValue('4.25');
  await expect(page.locator('#root_years')).toHaveValue('7');
  await expect(page.locator('#root_label')).toHaveValue('ACME fleet');
  await expect(page.getByTestId('run-again-notice')).toContainText(
    'Filled in from the preset “ACME fleet & vans, 7 years”',
  );
  await expect(page.getByTestId('run-button')).toBeEnabled();
  await expect(page.getByTestId('link-notice')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'deep-link-form.png') });
  await expectAccessible(page, 'form opened by a link');

  // The form is all there and idle: nothing was started, on this page or in main.
  await expect(page.getByTestId('run-status-message')).not.toContainText('Starting');
  expect(await runCount()).toBe(0);
  await page.getByTestId('nav-history').click();
  await expect(page.getByText('No runs yet')).toBeVisible();
});

test('a link naming another preset of the open script fills the form afresh with it', async ({
  page,
}) => {
  await follow(page, '/scripts/loan-schedule?preset=ACME%20fleet%20%26%20vans%2C%207%20years');
  await expect(page.locator('#root_years')).toHaveValue('7');
  // Only the address's hash changes, as when the desktop app hands the window a second link.
  await page.evaluate(() => {
    window.location.hash = '#/scripts/loan-schedule?preset=Car%20loan%2C%205%20years';
  });
  await expect(page.locator('#root_years')).toHaveValue('5');
  await expect(page.locator('#root_principal')).toHaveValue('18000');
  await expect(page.getByTestId('run-again-notice')).toContainText(
    'Filled in from the preset “Car loan, 5 years” (from your administrator)',
  );
  expect(await runCount()).toBe(0);
});

test('a link to a preset the script does not have says so, and fills nothing', async ({ page }) => {
  await follow(page, '/scripts/loan-schedule?preset=Not%20a%20preset');
  await expect(page.getByTestId('link-notice')).toHaveText(
    'Loan repayment schedule has no preset named “Not a preset”, so the form is not filled in from one. Nothing was run.',
  );
  await expect(page.getByTestId('run-again-notice')).toHaveCount(0);
  await expect(page.locator('#root_label')).toHaveValue('');
  await page.screenshot({ path: path.join(SHOTS, 'deep-link-unknown-preset.png') });
  await expectAccessible(page, 'link to an unknown preset');
  expect(await runCount()).toBe(0);
});

test('a link that asks for more than a preset opens the form unfilled and says why', async ({
  page,
}) => {
  await follow(page, '/scripts/loan-schedule?preset=Car%20loan%2C%205%20years&run=now');
  await expect(page.getByTestId('link-notice')).toHaveText(
    'The link’s preset was not used: the link asks for something other than a preset. The form is not filled in from a preset, and nothing was run.',
  );
  await expect(page.locator('#root_principal')).not.toHaveValue('18000');
  expect(await runCount()).toBe(0);
});

test('a link to a script the catalogue does not hold says so in plain words', async ({ page }) => {
  await follow(page, '/scripts/retired-report?preset=Monthly');
  await expect(page.getByTestId('unknown-script')).toContainText(
    'Your catalogue has no script “retired-report”, so nothing was opened and nothing was run.',
  );
  await expect(page.getByTestId('run-button')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'deep-link-unknown-script.png') });
  await expectAccessible(page, 'link to an unknown script');
  expect(await runCount()).toBe(0);
});
