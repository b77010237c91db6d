import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectAccessible } from './axe.js';
import { SHOTS, startDesk, type Desk } from './desk.js';

// The folder browser shows the user's home only: this desk's web host gets a home of its own,
// holding the analyst's files.
let desk: Desk;
let home: string;
const SALES = () => path.join(home, 'Sales', '2026');

test.beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-user-'));
  mkdirSync(SALES(), { recursive: true });
  mkdirSync(path.join(home, 'Archive'));
  writeFileSync(path.join(SALES(), 'q3.csv'), 'region,amount\nnorth,10\nsouth,20\n');
  writeFileSync(path.join(SALES(), 'notes.txt'), 'not a csv');
  desk = await startDesk({ env: { HOME: home } });
});
test.afterAll(async () => {
  await desk?.stop();
  rmSync(home, { recursive: true, force: true });
});

async function openCsvSummary(page: Page) {
  await page.goto(desk.url);
  await page.getByTestId('script-item-csv-summary').click();
  await expect(page.getByTestId('run-button')).toBeVisible();
}

test('from the keyboard alone an analyst browses to a CSV in their home, chooses it and runs the script', async ({
  page,
}) => {
  await openCsvSummary(page);
  await page.locator('#root_csvFile').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Browse for CSV file' })).toBeFocused();
  await page.keyboard.press('Enter');

  const dialog = page.getByRole('dialog', { name: 'Choose CSV file' });
  await expect(dialog.getByTestId('browse-folder')).toHaveText(home);
  // Folders first; only the files the field accepts.
  await expect(dialog.getByTestId('browse-entries')).toContainText('Archive');
  const sales = dialog.getByRole('button', { name: 'Sales Folder' });
  await sales.focus();
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('browse-folder')).toHaveText(path.join(home, 'Sales'));
  await dialog.getByRole('button', { name: '2026 Folder' }).focus();
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('browse-entries')).toContainText('q3.csv');
  await expect(dialog.getByTestId('browse-entries')).not.toContainText('notes.txt');
  await expectAccessible(page, 'folder browser');
  await page.screenshot({ path: path.join(SHOTS, 'files-browse.png') });
  await dialog.getByRole('button', { name: /^q3\.csv/ }).focus();
  await page.keyboard.press('Enter');

  await expect(dialog).toBeHidden();
  await expect(page.locator('#root_csvFile')).toHaveValue(path.join(SALES(), 'q3.csv'));
  await page.getByTestId('run-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded');
});

test('the browser offers the folder a field used before, and stops at the home', async ({
  page,
}) => {
  // The first test ran the script with a file from Sales/2026.
  await openCsvSummary(page);
  await page.getByRole('button', { name: 'Browse for CSV file' }).click();
  const dialog = page.getByRole('dialog', { name: 'Choose CSV file' });
  await expect(dialog.getByRole('button', { name: 'Up' })).toBeDisabled();
  await dialog.getByRole('button', { name: '/Sales/2026' }).click();
  await expect(dialog.getByTestId('browse-folder')).toHaveText(SALES());
  await dialog.getByRole('button', { name: /^q3\.csv/ }).click();
  await expect(dialog.getByRole('status')).toHaveText(`Chosen: ${path.join(SALES(), 'q3.csv')}`);
  await page.screenshot({ path: path.join(SHOTS, 'files-browse-recent.png') });
  await dialog.getByRole('button', { name: 'Choose', exact: true }).click();
  await expect(page.locator('#root_csvFile')).toHaveValue(path.join(SALES(), 'q3.csv'));
});

test('a file dropped on the field in the browser, which cannot say where it is on disk, points to Browse', async ({
  page,
}) => {
  await openCsvSummary(page);
  const field = page.locator('#root_csvFile');
  const dropped = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['a,b\n'], 'from-desktop.csv', { type: 'text/csv' }));
    return transfer;
  });
  await field.dispatchEvent('dragover', { dataTransfer: dropped });
  await field.dispatchEvent('drop', { dataTransfer: dropped });
  await expect(page.getByText('cannot see where “from-desktop.csv” is on disk')).toBeVisible();
  await expect(field).toHaveValue('');
});
