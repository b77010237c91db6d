import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO, seenAfterExpiry, SHOTS, type Desk, withDesk } from './desk.js';

const DEMO_CATALOGUE = path.join(REPO, 'examples', 'catalogue');
const DEMO_NAME = 'Acme Analytics demo catalogue';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** Publishes `source` again into the desk's folder (one version up), signed with `keyFile`. */
function republish(desk: Desk, keyFile: string, source = DEMO_CATALOGUE): void {
  desk.cli('catalogue', 'build', source, '--key', keyFile, '--out', desk.published);
}

async function syncNow(page: Page): Promise<void> {
  const button = page.getByTestId('catalogue-sync-button');
  await expect(button).toBeEnabled();
  await button.click();
  await expect(page.getByTestId('catalogue-sync-state')).toHaveText(/^Synced |^Never synced$/);
  // Away from the button, so its tooltip does not cover the banner in screenshots.
  await page.mouse.move(640, 780);
}

async function expectScriptsStillListed(page: Page): Promise<void> {
  const list = page.getByTestId('script-list');
  await expect(list).toContainText('Summarise a CSV');
  await expect(list).toContainText('Loan repayment schedule');
}

test('the top bar names the catalogue in use, says when it last synced, and syncs on request', async ({
  page,
}) => {
  await page.goto(process.env.SCRIPTDESK_E2E_URL!);
  const badge = page.getByTestId('catalogue-badge');
  await expect(badge).toContainText(`${DEMO_NAME} · version 1`);
  await expect(page.getByTestId('catalogue-sync-state')).toHaveText(
    /^Synced (just now|\d+ min ago)$/,
  );
  await expect(page.getByTestId('catalogue-banner')).toHaveCount(0);
  await expectScriptsStillListed(page);
  await page.screenshot({ path: path.join(SHOTS, 'catalogue-01-status-bar.png') });

  await badge.hover();
  const details = page.getByRole('tooltip');
  await expect(details).toContainText('Issued');
  await expect(details).toContainText('Expires');
  await expect(details).toContainText(/Source.*published/);
  await expect(details).toContainText('Last checked');
  await page.screenshot({ path: path.join(SHOTS, 'catalogue-02-status-details.png') });

  await page.getByTestId('catalogue-sync-button').hover();
  await expect(
    page.getByRole('tooltip').filter({ hasText: 'Check for a newer catalogue' }),
  ).toBeVisible();
  await syncNow(page);
  await expect(page.getByTestId('catalogue-sync-state')).toHaveText('Synced just now');
  await expect(page.getByTestId('catalogue-banner')).toHaveCount(0);
});

test('a catalogue signed with a key this computer does not trust is refused, and version 1 stays in use', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    desk.cli('keygen', '--out', path.join(desk.work, 'stranger'));
    republish(desk, path.join(desk.work, 'stranger', 'catalogue-signing.key'));

    await page.goto(desk.url);
    await expect(page.getByTestId('catalogue-badge')).toContainText('version 1');
    await syncNow(page);

    const banner = page.getByTestId('catalogue-banner');
    await expect(banner).toHaveAttribute('data-severity', 'warning');
    await expect(banner).toContainText(
      `The newest catalogue from ${desk.published} was refused: it is signed with a key this computer does not trust.`,
    );
    await expect(banner).toContainText('You are still using version 1');
    await expect(page.getByTestId('catalogue-banner-detail')).toContainText('(unknown_key)');
    await expect(page.getByTestId('catalogue-badge')).toContainText('version 1');
    await expectScriptsStillListed(page);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-03-refused-banner.png') });
  });
});

test('a catalogue changed after it was signed (one flipped byte) is refused, and its scripts still open', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    republish(desk, path.join(desk.keys, 'catalogue-signing.key'));
    const document = path.join(desk.published, 'catalogue.json');
    const bytes = readFileSync(document);
    const at = bytes.indexOf('"name": "') + '"name": "'.length;
    bytes[at] = bytes[at]! ^ 0x20; // "Acme" becomes "acme": still JSON, no longer what was signed
    writeFileSync(document, bytes);

    await page.goto(desk.url);
    await syncNow(page);

    const banner = page.getByTestId('catalogue-banner');
    await expect(banner).toHaveAttribute('data-severity', 'warning');
    await expect(banner).toContainText(
      'was refused: its signature does not match its content, so it may have been changed after it was published.',
    );
    await expect(banner).toContainText('You are still using version 1');
    await expect(page.getByTestId('catalogue-banner-detail')).toContainText('(bad_signature)');
    await expectScriptsStillListed(page);
    await page.getByTestId('script-item-loan-schedule').click();
    await expect(page.getByTestId('script-title')).toHaveText('Loan repayment schedule');
    await expect(page.locator('#root_principal')).toBeVisible();
  });
});

test('an unreachable catalogue source leaves the app working offline from the installed version', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    renameSync(desk.published, `${desk.published}-moved`);
    await page.goto(desk.url);
    await syncNow(page);

    const banner = page.getByTestId('catalogue-banner');
    await expect(banner).toHaveAttribute('data-severity', 'info');
    await expect(banner).toContainText(
      /Could not reach the catalogue server \(last tried just now\)\. Working offline from version 1, valid until .+\./,
    );
    await expectScriptsStillListed(page);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-04-offline-banner.png') });
  });
});

/**
 * Publishes version 2 of the demo catalogue into the desk's folder with the loan script renamed
 * ("Loan repayment plan") and its first field retitled ("Amount borrowed (EUR)").
 */
function publishRenamedLoanScript(desk: Desk): void {
  const source = path.join(desk.work, 'catalogue-v2');
  cpSync(DEMO_CATALOGUE, source, { recursive: true });
  const scriptDir = path.join(source, 'scripts', 'loan-schedule');
  const edit = (file: string, change: (json: Record<string, unknown>) => void) => {
    const json = JSON.parse(readFileSync(path.join(scriptDir, file), 'utf8')) as Record<
      string,
      unknown
    >;
    change(json);
    writeFileSync(path.join(scriptDir, file), JSON.stringify(json, null, 2));
  };
  edit('script.json', (manifest) => {
    manifest.title = 'Loan repayment plan';
    manifest.version = '1.1.0';
  });
  edit('form.schema.json', (schema) => {
    const properties = schema.properties as Record<string, { title: string }>;
    properties.principal!.title = 'Amount borrowed (EUR)';
  });
  republish(desk, path.join(desk.keys, 'catalogue-signing.key'), source);
}

/** The window shows version 2 of {@link publishRenamedLoanScript}: badge, list and open form. */
async function expectRenamedLoanScript(page: Page): Promise<void> {
  await expect(page.getByTestId('catalogue-badge')).toContainText(`${DEMO_NAME} · version 2`);
  await expect(page.getByTestId('script-list')).toContainText('Loan repayment plan');
  await expect(page.getByTestId('script-title')).toHaveText('Loan repayment plan');
  await expect(page.locator('label[for="root_principal"]')).toContainText('Amount borrowed (EUR)');
}

async function openLoanScript(page: Page, desk: Desk): Promise<void> {
  await page.goto(desk.url);
  await page.getByTestId('script-item-loan-schedule').click();
  await expect(page.locator('label[for="root_principal"]')).toContainText('Amount borrowed');
}

test('a newer catalogue installed by Sync now refreshes the script list and the open form', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await openLoanScript(page, desk);
    publishRenamedLoanScript(desk);
    await syncNow(page);
    await expectRenamedLoanScript(page);
    await expect(page.getByTestId('catalogue-banner')).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-05-new-version.png') });
  });
});

test('a newer catalogue installed by `scriptdesk sync` in a terminal reaches the open window without a reload', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await openLoanScript(page, desk);
    publishRenamedLoanScript(desk);
    // Another process installs it; the window is not touched.
    desk.cli('sync');
    await expectRenamedLoanScript(page);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-05b-synced-elsewhere.png') });
  });
});

test('a catalogue close to its expiry gives a heads-up and nothing more', async ({ page }) => {
  await withDesk({ expires: '2d' }, async (desk) => {
    await page.goto(desk.url);
    const banner = page.getByTestId('catalogue-banner');
    await expect(banner).toHaveAttribute('data-severity', 'info');
    await expect(banner).toHaveText(
      'The catalogue expires in 2 days; it will renew the next time you are online.',
    );
    await expectScriptsStillListed(page);
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-06-expiring-banner.png') });
  });
});

test('once the catalogue has expired, runs are blocked with a clear message while scripts stay browsable', async ({
  page,
}) => {
  // Valid for a day; the device has then seen a time just after it (as if that day had passed).
  await withDesk({ expires: '1d', beforeStart: seenAfterExpiry }, async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('script-item-loan-schedule').click();
    await expect(page.locator('#root_principal')).toBeVisible();

    const banner = page.getByTestId('catalogue-banner');
    await expect(banner).toHaveAttribute('data-kind', 'expired');
    await expect(banner).toHaveAttribute('data-severity', 'error');
    await expect(page.getByTestId('catalogue-banner-message')).toContainText(
      /^Runs are blocked: the catalogue expired on .+\. Connect to your organisation's network and press Sync now, or ask your administrator to publish a new catalogue\./,
    );
    await expect(page.getByTestId('catalogue-badge')).toContainText('version 1 · expired');
    await expectScriptsStillListed(page);

    await page.getByTestId('run-button').click();
    const refusal = page.getByRole('alert').filter({ hasText: 'This script cannot run right now' });
    await expect(refusal).toContainText('Runs are blocked: catalogue version 1 expired on');
    await expect(refusal).toContainText('ask your administrator to publish a new catalogue');
    await expect(page.getByText('Something went wrong')).toHaveCount(0);
    await refusal.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-07-expired-banner.png') });
    // A small window: the badge shortens the name rather than pushing anything out of the bar.
    await page.setViewportSize({ width: 820, height: 640 });
    await expect(page.getByTestId('catalogue-sync-button')).toBeInViewport();
    await expect(page.getByTestId('signed-in-user')).toBeInViewport();
    await page.screenshot({ path: path.join(SHOTS, 'catalogue-08-expired-small-window.png') });

    // Syncing again finds nothing newer: the banner says so, and runs stay blocked.
    await syncNow(page);
    await expect(page.getByTestId('catalogue-banner-detail')).toContainText(
      'The server has nothing newer yet',
    );
  });
});
