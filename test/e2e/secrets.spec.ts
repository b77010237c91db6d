import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { SHOTS, startDesk, type Desk, withDesk as withDeskOf } from './desk.js';

/** Looks like a real token, and is long enough that finding it anywhere by accident is impossible. */
const TOKEN = 'sdk_live_7f3a9c2e41b84d0f96a5e1c7d2b8f403';
const NAME = 'DEMO_API_TOKEN';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/**
 * The keychain is shared by every desk of the run (the private keyring of global-setup.ts) and the
 * secret is filed by name, so each test starts with it unset and removes it again afterwards.
 */
const clearSecret = (desk: Desk) => desk.cli('secrets', 'clear', 'api-check', NAME);
const withDesk = (
  options: Parameters<typeof withDeskOf>[0],
  body: (desk: Desk) => Promise<void>,
): Promise<void> => withDeskOf(options, body, clearSecret);

/** Everything the page holds that a value could hide in: its HTML, field values, address and storage. */
async function everythingOnThePage(page: Page): Promise<string> {
  return page.evaluate(() =>
    [
      document.documentElement.outerHTML,
      ...Array.from(document.querySelectorAll('input, textarea')).map(
        (field) => (field as HTMLInputElement).value,
      ),
      location.href,
      JSON.stringify({ ...sessionStorage }),
      JSON.stringify({ ...localStorage }),
    ].join('\n'),
  );
}

test('a script that needs a secret asks for it when run, keeps it masked and off the page, and runs with it', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('script-item-api-check').click();
    await expect(page.getByTestId('script-title')).toHaveText('Check API connection');
    const state = page.getByTestId(`secret-state-${NAME}`);
    await expect(state).toHaveText('Not set');
    await expect(page.getByTestId(`secret-edit-${NAME}`)).toHaveText('Set…');
    await page.screenshot({ path: path.join(SHOTS, 'secrets-01-not-set.png'), fullPage: true });

    await page.locator('#root_note').fill('Token from the service desk');
    await page.getByTestId('run-button').click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading')).toContainText(NAME);
    // Main's own words say which secret the run lacks.
    await expect(page.getByTestId('secret-dialog-reason')).toContainText(NAME);
    const field = dialog.getByLabel(`Value of ${NAME}`);
    await expect(field).toBeFocused();
    await expect(field).toHaveAttribute('type', 'password');
    await expect(field).toHaveAttribute('autocomplete', 'off');
    await field.fill(TOKEN);
    const saveAndRun = dialog.getByRole('button', { name: 'Save and run' });
    await expect(saveAndRun).toBeEnabled();
    await page.screenshot({
      path: path.join(SHOTS, 'secrets-02-dialog.png'),
      fullPage: true,
      animations: 'disabled',
    });

    await saveAndRun.click();
    await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
    const log = page.getByTestId('run-log');
    await expect(log).toContainText(`Received a token of ${TOKEN.length} characters.`);
    await expect(log).toContainText('Note: Token from the service desk');
    await page.screenshot({
      path: path.join(SHOTS, 'secrets-03-run-with-token.png'),
      fullPage: true,
    });
    expect(await everythingOnThePage(page)).not.toContain(TOKEN);

    await page.getByRole('button', { name: 'Open script again' }).click();
    await expect(state).toHaveText('Set');
    await expect(page.getByTestId(`secret-edit-${NAME}`)).toHaveText('Change…');
    expect(await everythingOnThePage(page)).not.toContain(TOKEN);
    await page.screenshot({ path: path.join(SHOTS, 'secrets-04-set.png'), fullPage: true });
  });
});

test('a secret set from the Secrets section is used, and a passing problem of the script says to try again later', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('script-item-api-check').click();
    const edit = page.getByTestId(`secret-edit-${NAME}`);
    await edit.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('button', { name: 'Save', exact: true })).toBeDisabled();
    await dialog.getByLabel(`Value of ${NAME}`).fill('short-token');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId(`secret-state-${NAME}`)).toHaveText('Set');
    await expect(page.getByTestId('secrets-notice')).toHaveText(`${NAME} saved.`);
    // The focus is back on the button that opened the dialog.
    await expect(edit).toBeFocused();

    await page.getByLabel('Pretend the API is down (demo)').check();
    await page.getByTestId('run-button').click();
    const status = page.getByTestId('run-status');
    await expect(status).toHaveAttribute('data-status', 'retriable', { timeout: 30_000 });
    await expect(status).toHaveText('Try again later');
    const result = page.getByTestId('run-result');
    await expect(result).toContainText('A temporary problem stopped the run');
    await expect(result).toContainText('The reporting API did not answer');
    await expect(result).toContainText('Try again later');
    await expect(page.getByTestId('run-log')).toContainText('Received a token of 11 characters.');
    await page.screenshot({ path: path.join(SHOTS, 'status-retriable.png'), fullPage: true });
  });
});

test('when the keychain cannot be reached, the Secrets section says why and nothing can be set', async ({
  page,
}) => {
  // No session bus at this address: keytar cannot reach any keychain.
  const desk = await startDesk({
    env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/scriptdesk-e2e-bus' },
  });
  try {
    await page.goto(desk.url);
    await page.getByTestId('script-item-api-check').click();
    const warning = page.getByTestId('secrets-keychain-unavailable');
    await expect(warning).toBeVisible();
    await expect(warning).not.toBeEmpty();
    await expect(page.getByTestId(`secret-edit-${NAME}`)).toBeDisabled();
    await page.screenshot({
      path: path.join(SHOTS, 'secrets-05-keychain-unavailable.png'),
      fullPage: true,
    });
  } finally {
    await desk.stop();
  }
});
