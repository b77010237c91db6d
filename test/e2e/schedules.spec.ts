import { expect, test, type Page } from '@playwright/test';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectAccessible } from './axe.js';
import { REPO, SHOTS, startDesk, type Desk } from './desk.js';

// A desk of its own: its schedule runs a script while the other tests' desks stay untouched.
let desk: Desk;
test.beforeAll(async () => {
  desk = await startDesk();
});
test.afterAll(async () => {
  await desk?.stop();
});

/**
 * The next whole minute in the browser's time zone that leaves at least 25 seconds to fill in
 * the dialog, as `HH:MM`: the schedule is due within about 85 seconds, with no hook in the app.
 */
async function soonTime(page: Page): Promise<string> {
  return page.evaluate(() => {
    const at = new Date(Date.now() + 25_000);
    at.setSeconds(0, 0);
    at.setMinutes(at.getMinutes() + 1);
    return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  });
}

test('an analyst schedules a preset from the script page and sees the run it starts in History, marked scheduled', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(desk.url);
  await page.getByTestId('script-item-loan-schedule').click();
  await expect(page.getByTestId('run-button')).toBeVisible();
  await page.getByTestId('presets-button').click();
  await page.getByRole('menuitem', { name: 'Schedule a preset…' }).click();

  const dialog = page.getByRole('dialog', { name: 'Schedule Loan repayment schedule' });
  await expect(dialog.getByLabel('Every day')).toBeChecked();
  // Keyboard: the days appear for "On chosen days", Monday to Friday ticked.
  await dialog.getByLabel('On chosen days').check();
  await expect(dialog.getByLabel('Mon')).toBeChecked();
  await expect(dialog.getByLabel('Sun')).not.toBeChecked();
  await expectAccessible(page, 'schedule dialog');
  await dialog.getByLabel('Every day').check();
  const time = await soonTime(page);
  await dialog.getByTestId('schedule-time').fill(time);
  await expect(dialog.getByRole('status')).toContainText(
    `Every day at ${time} (UTC), with the preset “25-year mortgage at 3.9%”.`,
  );
  await page.screenshot({ path: path.join(SHOTS, 'schedules-dialog.png') });
  await dialog.getByTestId('schedule-create').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('schedule-created')).toContainText('Scheduled: the next run is at');

  await page.getByTestId('nav-settings').click();
  const row = page.getByTestId('schedule-row');
  await expect(row).toContainText('Loan repayment schedule');
  await expect(row).toContainText(`Every day at ${time} (UTC)`);
  await expect(row).toContainText('Last run:not yet');
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'schedules-list.png'), fullPage: true });
  await expectAccessible(page, 'settings with a schedule');

  // The schedule comes due: the list follows it live, to the run's end.
  await expect(row.getByTestId('schedule-last-status')).toHaveText('Succeeded', {
    timeout: 150_000,
  });
  await expect(row.getByTestId('schedule-next')).not.toContainText('none');
  await page.screenshot({ path: path.join(SHOTS, 'schedules-list-after-run.png'), fullPage: true });

  await page.getByTestId('nav-history').click();
  const scheduled = page.getByRole('row').filter({ has: page.getByTestId('run-scheduled') });
  await expect(scheduled).toHaveCount(1);
  await expect(scheduled).toContainText('Loan repayment schedule');
  await page.screenshot({ path: path.join(SHOTS, 'schedules-history.png'), fullPage: true });
  await expectAccessible(page, 'history with a scheduled run');

  // Pause and delete, by keyboard.
  await page.getByTestId('nav-settings').click();
  const pause = row.getByRole('button', { name: 'Pause Loan repayment schedule' });
  await pause.focus();
  await page.keyboard.press('Enter');
  await expect(row.getByTestId('schedule-paused')).toHaveText('Paused by you.');
  await expect(row.getByTestId('schedule-next')).toHaveText('Next run: none while paused');
  await row.getByRole('button', { name: 'Resume Loan repayment schedule' }).click();
  await expect(row.getByTestId('schedule-paused')).toBeHidden();
  await row.getByRole('button', { name: 'Delete schedule of Loan repayment schedule' }).click();
  await expect(page.getByTestId('no-schedules')).toBeVisible();
});

test('a schedule ScriptDesk pauses after the administrator forbids scheduling says why wherever the user is', async ({
  page,
}) => {
  await page.goto(desk.url);
  await page.getByTestId('script-item-loan-schedule').click();
  await page.getByTestId('presets-button').click();
  await page.getByRole('menuitem', { name: 'Schedule a preset…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule Loan repayment schedule' });
  await dialog.getByLabel('On chosen days').check();
  await dialog.getByTestId('schedule-create').click();
  await expect(dialog).toBeHidden();

  // The administrator publishes the catalogue again with "scheduling": false for the script.
  const source = path.join(mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-src-')), 'catalogue');
  cpSync(path.join(REPO, 'examples', 'catalogue'), source, { recursive: true });
  const manifestFile = path.join(source, 'scripts', 'loan-schedule', 'script.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestFile, JSON.stringify({ ...manifest, scheduling: false }));
  desk.cli(
    'catalogue',
    'build',
    source,
    '--key',
    path.join(desk.keys, 'catalogue-signing.key'),
    '--out',
    desk.published,
  );
  rmSync(path.dirname(source), { recursive: true, force: true });
  await page.getByTestId('catalogue-sync-button').click();

  const notice = page.getByTestId('schedule-paused-notice');
  await expect(notice).toContainText(
    'A schedule of Loan repayment schedule was paused: Your administrator does not allow scheduled runs of "Loan repayment schedule"',
  );
  await page.screenshot({ path: path.join(SHOTS, 'schedules-paused-notice.png') });
  await expectAccessible(page, 'schedule paused notice');
  await notice.getByRole('button', { name: 'Schedules' }).click();
  const row = page.getByTestId('schedule-row');
  await expect(row.getByTestId('schedule-paused')).toContainText(
    'Paused by ScriptDesk: Your administrator does not allow scheduled runs',
  );
  await expect(row.getByTestId('schedule-next')).toHaveText('Next run: none while paused');
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'schedules-paused.png'), fullPage: true });
});
