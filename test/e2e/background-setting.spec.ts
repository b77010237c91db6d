import { expect, test } from '@playwright/test';
import path from 'node:path';
import { expectAccessible } from './axe.js';
import { callApi, SHOTS, startDesk, type Desk } from './desk.js';

// A desk of its own: the test changes a preference every later page would read.
let desk: Desk;
test.beforeAll(async () => {
  desk = await startDesk();
});
test.afterAll(async () => {
  await desk?.stop();
});

const setting = () =>
  callApi<{ runInBackground: string }>(desk.url, 'prefs.get', {}).then(
    (preferences) => preferences.runInBackground,
  );

test('"Keep running in the background" is chosen from the keyboard alone, kept by main, and passes axe', async ({
  page,
}) => {
  await page.goto(desk.url);
  await page.getByTestId('nav-settings').click();
  const group = page.getByRole('radiogroup', {
    name: 'Keep running in the background when the window is closed',
  });
  await expect(group.getByRole('radio', { name: /^Automatic/ })).toBeChecked();
  await expect(group.getByRole('radio', { name: /^Automatic/ })).toHaveAccessibleDescription(
    'Only while you have scheduled runs, so they run on time.',
  );
  // In the web host the page says where the setting applies.
  await expect(page.getByText('This applies to the desktop app.', { exact: false })).toBeVisible();

  // Tab reaches the group at its checked choice; the arrow keys choose.
  await page.getByRole('heading', { level: 1, name: 'Settings' }).focus();
  const automatic = group.getByRole('radio', { name: /^Automatic/ });
  for (let presses = 0; presses < 15; presses += 1) {
    if (await automatic.evaluate((element) => element === document.activeElement)) break;
    await page.keyboard.press('Tab');
  }
  await expect(automatic).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(group.getByRole('radio', { name: /^On/ })).toBeChecked();
  await expect.poll(setting).toBe('on');
  const ring = await page.evaluate(() => {
    // The ring is drawn on the radio's box or something in it, not on the hidden <input>.
    const radio = document.activeElement?.closest('.MuiRadio-root');
    if (!radio) return null;
    for (const candidate of [radio, ...Array.from(radio.querySelectorAll('*'))]) {
      const style = getComputedStyle(candidate);
      if (style.outlineStyle !== 'none') return `${style.outlineWidth} ${style.outlineStyle}`;
    }
    return 'none';
  });
  expect(ring).toBe('2px solid');
  await page.screenshot({ path: path.join(SHOTS, 'settings-background.png') });
  await page.keyboard.press('ArrowDown');
  await expect(group.getByRole('radio', { name: /^Off/ })).toBeChecked();
  await expect.poll(setting).toBe('off');
  await expectAccessible(page, 'settings page with the background choice');

  // Kept by main: a reload reads it back.
  await page.reload();
  await expect(page.getByRole('radio', { name: /^Off/ })).toBeChecked();
});
