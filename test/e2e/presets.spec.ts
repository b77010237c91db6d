import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { expectAccessible } from './axe.js';
import { SHOTS, startDesk, type Desk } from './desk.js';

// A desk of its own: a default preset changes how the loan form opens for every later test.
let desk: Desk;
test.beforeAll(async () => {
  desk = await startDesk();
});
test.afterAll(async () => {
  await desk?.stop();
});

async function openLoan(page: Page) {
  await page.goto(desk.url);
  await page.getByTestId('script-item-loan-schedule').click();
  await expect(page.getByTestId('run-button')).toBeVisible();
}

async function choosePreset(page: Page, name: string) {
  await page.getByTestId('presets-button').click();
  await page.getByRole('menuitem', { name }).click();
}

test('an administrator’s preset from script.json fills the form in one step', async ({ page }) => {
  await openLoan(page);
  await expect(page.getByTestId('presets-button')).toHaveText('Presets (2)');
  await page.getByTestId('presets-button').click();
  await expect(page.getByRole('menu')).toContainText('From your administrator');
  await page.screenshot({ path: path.join(SHOTS, 'presets-menu.png') });
  await page.getByRole('menuitem', { name: 'Car loan, 5 years' }).click();

  await expect(page.locator('#root_principal')).toHaveValue('18000');
  await expect(page.locator('#root_annualRatePercent')).toHaveValue('6.5');
  await expect(page.locator('#root_years')).toHaveValue('5');
  await expect(page.getByTestId('run-again-notice')).toContainText(
    'Filled in from the preset “Car loan, 5 years” (from your administrator)',
  );
});

test('an analyst saves a preset, the form opens with it after a reload, then renames and deletes it', async ({
  page,
}) => {
  await openLoan(page);
  await choosePreset(page, '25-year mortgage at 3.9%');
  await page.locator('#root_label').fill('Fleet of ACME');
  await page.getByTestId('presets-button').click();
  await page.getByRole('menuitem', { name: 'Save current values as a preset…' }).click();
  const save = page.getByRole('dialog', { name: 'Save as a preset' });
  await save.getByTestId('preset-name').fill('ACME fleet');
  await save.getByLabel('Open the form with this preset').check();
  await expectAccessible(page, 'save preset dialog');
  await save.getByRole('button', { name: 'Save preset' }).click();
  await expect(page.getByTestId('preset-saved')).toHaveText('Saved the preset “ACME fleet”.');

  // A second save under the same name, in other case, is stopped at the field, with Replace.
  await page.getByTestId('presets-button').click();
  await page.getByRole('menuitem', { name: 'Save current values as a preset…' }).click();
  await save.getByTestId('preset-name').fill('acme FLEET');
  await save.getByRole('button', { name: 'Save preset' }).click();
  await expect(save).toContainText('You already have a preset with this name');
  await save.getByRole('button', { name: 'Cancel' }).click();
  await expect(save).toBeHidden();

  await page.reload();
  await page.getByTestId('script-item-loan-schedule').click();
  await expect(page.locator('#root_label')).toHaveValue('Fleet of ACME');
  await expect(page.locator('#root_principal')).toHaveValue('250000');
  await expect(page.getByTestId('run-again-notice')).toContainText(
    'Filled in from the preset “ACME fleet”',
  );
  await page.screenshot({ path: path.join(SHOTS, 'presets-default-applied.png'), fullPage: true });

  await page.getByTestId('presets-button').click();
  await page.getByRole('menuitem', { name: 'Manage presets…' }).click();
  const manage = page.getByRole('dialog', { name: 'Presets of Loan repayment schedule' });
  await expect(manage.getByRole('radio', { name: 'ACME fleet' })).toBeChecked();
  await manage.getByRole('button', { name: 'Rename “ACME fleet”' }).click();
  await manage.getByLabel('New name for “ACME fleet”').fill('ACME fleet cars');
  await manage.getByRole('button', { name: 'Rename', exact: true }).click();
  // The default follows the new name.
  await expect(manage.getByRole('radio', { name: 'ACME fleet cars' })).toBeChecked();
  await expectAccessible(page, 'manage presets dialog');
  await page.screenshot({ path: path.join(SHOTS, 'presets-manage.png') });
  await manage.getByRole('button', { name: 'Delete “ACME fleet cars”' }).click();
  await manage.getByRole('button', { name: 'Delete “ACME fleet cars”' }).click();
  await expect(manage.getByRole('radio', { name: 'The form’s own defaults' })).toBeChecked();
  await expect(manage.getByTestId('own-presets')).toBeHidden();
  await manage.getByRole('button', { name: 'Done' }).click();

  await page.reload();
  await page.getByTestId('script-item-loan-schedule').click();
  await expect(page.locator('#root_principal')).toHaveValue('10000');
  await expect(page.getByTestId('run-again-notice')).toBeHidden();
});
