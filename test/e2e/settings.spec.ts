import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe.js';
import {
  callApi,
  SHOTS,
  startWeb,
  testManifest,
  withDesk,
  withScriptsDesk,
  type Desk,
} from './desk.js';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** The colour mode the window applied (`Themed` writes it on the root element). */
const themeMode = (page: Page) => page.locator('html');

/** The page's background colour as the browser computes it. */
const pageColour = (page: Page) =>
  page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/**
 * A script for the notification tests: sleeps for the seconds asked, so a run's length is the
 * script's own doing, never a wait in the test.
 */
const SLEEP_SCRIPT = {
  'script.json': testManifest({
    id: 'monthly-extract',
    title: 'Monthly extract',
    summary: 'Test script: waits the seconds it is given, then ends.',
  }),
  'form.schema.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      sleepSeconds: { type: 'number', title: 'Wait (seconds)', minimum: 0, maximum: 60 },
      customer: { type: 'string', title: 'Customer' },
    },
  },
  'requirements.lock': '# Nothing to install.\n',
  'main.py': `import json, os, time
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
time.sleep(inputs.get("sleepSeconds", 0))
print("Extract finished.", flush=True)
`,
};

/**
 * A desk with the demo catalogue plus the sleeping script, under a machine policy that calls a
 * run "long" after 3 seconds, well above a short run even on a loaded machine (the policy IT sets; 10 seconds by default).
 */
async function withNoticeDesk(body: (desk: Desk) => Promise<void>): Promise<void> {
  await withScriptsDesk([SLEEP_SCRIPT], { policy: { notifications: { longRunSeconds: 3 } } }, body);
}

/**
 * Records every browser notification the page creates and every permission request, passing
 * them on to the real API (installed before the page's own scripts run).
 */
async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Real = window.Notification;
    const record = window as unknown as {
      shown: { title: string; body: string; tag: string }[];
      created: Notification[];
      permissionAsks: number;
    };
    record.shown = [];
    record.created = [];
    record.permissionAsks = 0;
    class Recorded extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        record.shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
        record.created.push(this);
      }
      static override requestPermission(): Promise<NotificationPermission> {
        record.permissionAsks += 1;
        return Real.requestPermission();
      }
    }
    window.Notification = Recorded;
  });
}

const shownNotifications = (page: Page) =>
  page.evaluate(() => (window as unknown as { shown: unknown[] }).shown);

test('Dark chosen in Settings is applied at once, kept by main after a reload, and passes axe-core in dark', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'light');
    await page.screenshot({ path: path.join(SHOTS, 'settings-00-light-script-list.png') });

    await page.getByTestId('nav-settings').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(page.getByRole('radio', { name: /^System/ })).toBeChecked();
    await expectAccessible(page, 'settings page, light');
    await page.screenshot({ path: path.join(SHOTS, 'settings-01-light.png') });

    await page.getByRole('radio', { name: /^Dark/ }).check();
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'dark');
    expect(await pageColour(page)).toBe('rgb(15, 20, 26)');
    await expect
      .poll(() => callApi<{ theme: string }>(desk.url, 'prefs.get', {}))
      .toMatchObject({
        theme: 'dark',
      });
    await expectAccessible(page, 'settings page, dark');
    await page.screenshot({ path: path.join(SHOTS, 'settings-02-dark.png') });

    await page.reload();
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'dark');
    await expect(page.getByRole('radio', { name: /^Dark/ })).toBeChecked();

    // The other places in dark, as a user sees them.
    await page.getByTestId('nav-scripts').click();
    await expect(page.getByTestId('script-list')).toContainText('Loan repayment schedule');
    await expectAccessible(page, 'scripts page, dark');
    await page.screenshot({ path: path.join(SHOTS, 'settings-03-dark-script-list.png') });
    await page.getByTestId('script-item-loan-schedule').click();
    await expect(page.getByTestId('run-button')).toBeEnabled();
    await expectAccessible(page, 'form of loan-schedule, dark');
    await page.screenshot({ path: path.join(SHOTS, 'settings-04-dark-form.png') });
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-result')).toHaveAttribute('data-status', 'succeeded');
    await expect(page.getByTestId('run-log')).not.toBeEmpty();
    await expectAccessible(page, 'run page, dark');
    await page.screenshot({ path: path.join(SHOTS, 'settings-05-dark-run-page.png') });
  });
});

test('About this computer shows the Python in use, whether updates are on, and the machine policy, each setting with where it came from', async ({
  page,
}) => {
  await withNoticeDesk(async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('nav-settings').click();
    const about = page.getByRole('region', { name: 'About this computer' });
    await expect(about.getByTestId('about-python')).toContainText(
      /^Python 3\.\d+\.\d+ at \/.+, chosen by .+\.$/,
    );
    // The web host never updates itself, and this policy names no feed: About says which.
    await expect(about.getByTestId('about-updates')).toHaveText(
      /^Updates are off: the machine policy names no update feed \(updates\.feedUrl\)\./,
    );
    await expect(about.getByTestId('policy-updates.channel').getByRole('cell')).toHaveText([
      'latest',
      'Default',
    ]);
    // The policy of this desk sets only longRunSeconds; everything else is the default.
    const longRun = about.getByTestId('policy-notifications.longRunSeconds');
    await expect(longRun.getByRole('cell')).toHaveText(['3', 'Policy file']);
    await expect(about.getByTestId('policy-maxConcurrentRuns').getByRole('cell')).toHaveText([
      '3',
      'Default',
    ]);
    await expect(about.getByTestId('policy-python').getByRole('cell')).toHaveText([
      'not set',
      'Default',
    ]);
    await expect(about.getByRole('table', { name: 'Machine policy settings' })).toBeVisible();
    await expect(about.getByRole('button')).toHaveCount(0); // read-only: nothing to press
    await expectAccessible(page, 'settings page, about this computer');
    await about.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'settings-09-about.png'), fullPage: true });
  });
});

test('System follows the operating system live: dark when it turns dark, light when it turns light', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'dark');
    expect(await pageColour(page)).toBe('rgb(15, 20, 26)');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'light');
    expect(await pageColour(page)).toBe('rgb(244, 246, 249)');

    // An explicit choice wins over the system's.
    await callApi(desk.url, 'prefs.set', { theme: 'light' });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await expect(page.getByTestId('script-list')).toBeVisible();
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'light');
  });
});

test('from the keyboard alone the theme and notifications are changed in Settings, with the focus ring visible in dark', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();
    // From the Settings entry of the rail on, only keys.
    await page.getByTestId('nav-settings').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

    await page.keyboard.press('Tab');
    await expect(page.getByRole('radio', { name: /^System/ })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('radio', { name: /^Dark/ })).toBeChecked();
    await expect(page.getByRole('radio', { name: /^Dark/ })).toBeFocused();
    await expect(themeMode(page)).toHaveAttribute('data-theme-mode', 'dark');
    // The focus ring: 2px of the dark theme's light blue round the radio.
    const ring = await page.evaluate(() => {
      // The ring is drawn on the radio's box or something in it, not on the hidden <input>.
      const radio = document.activeElement?.closest('.MuiRadio-root');
      if (!radio) return null;
      for (const candidate of [radio, ...Array.from(radio.querySelectorAll('*'))]) {
        const style = getComputedStyle(candidate);
        if (style.outlineStyle !== 'none')
          return `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`;
      }
      return 'none';
    });
    expect(ring).toBe('2px solid rgb(140, 188, 242)');
    await page.screenshot({ path: path.join(SHOTS, 'settings-06-dark-keyboard-focus.png') });

    await page.keyboard.press('Tab');
    const notify = page.getByRole('switch', {
      name: /Tell me when a run that took over 10 seconds ends/,
    });
    await expect(notify).toBeFocused();
    await expect(notify).toBeChecked();
    await page.keyboard.press('Space');
    await expect(notify).not.toBeChecked();
    await expect
      .poll(() => callApi<object>(desk.url, 'prefs.get', {}))
      .toMatchObject({
        theme: 'dark',
        notifyLongRuns: false,
      });
    await page.reload();
    await expect(page.getByRole('switch', { name: /Tell me when/ })).not.toBeChecked();
  });
});

test('a starred script is listed under Favourites at the top, still after a reload, and Recently run shows a script once it ran', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await page.goto(desk.url);
    const list = page.getByTestId('script-list');
    await expect(list).toContainText('Summarise a CSV');
    await expect(page.getByRole('list', { name: 'Favourites' })).toHaveCount(0);
    await expect(page.getByRole('list', { name: 'Recently run' })).toHaveCount(0);

    const star = page.getByRole('button', { name: 'Add Summarise a CSV to favourites' });
    await expect(star).toHaveAttribute('aria-pressed', 'false');
    await star.click();
    const favourites = page.getByRole('list', { name: 'Favourites' });
    await expect(favourites.getByTestId('favourite-item-csv-summary')).toBeVisible();
    await expect(
      page.getByRole('button', { name: 'Remove Summarise a CSV from favourites' }).first(),
    ).toHaveAttribute('aria-pressed', 'true');

    await page.reload();
    // The first group of the list, above every category.
    const firstGroup = list.locator(':scope > li').first();
    await expect(firstGroup.getByRole('list')).toHaveAccessibleName('Favourites');
    await expect(firstGroup.getByTestId('favourite-item-csv-summary')).toBeVisible();
    await firstGroup.getByTestId('favourite-item-csv-summary').click();
    await expect(page.getByTestId('script-title')).toHaveText('Summarise a CSV');

    // A run from elsewhere (the CLI, another window): the list shows it when it is read again.
    await callApi(desk.url, 'run.start', {
      scriptId: 'loan-schedule',
      inputs: { principal: 10000, annualRatePercent: 5, years: 1, startDate: '2026-01-01' },
    });
    await page.reload();
    const recent = page.getByRole('list', { name: 'Recently run' });
    await expect(recent.getByTestId('recent-item-loan-schedule')).toBeVisible();
    await page.screenshot({ path: path.join(SHOTS, 'settings-07-favourites-and-recent.png') });

    // Filtering shows each match once, by category.
    await page.getByTestId('script-filter').fill('loan');
    await expect(page.getByRole('list', { name: 'Recently run' })).toHaveCount(0);
    await expect(page.getByTestId('script-item-loan-schedule')).toBeVisible();
    await page.getByTestId('script-filter').fill('');

    await page
      .getByRole('button', { name: 'Remove Summarise a CSV from favourites' })
      .first()
      .click();
    await expect(page.getByRole('list', { name: 'Favourites' })).toHaveCount(0);
    await expect
      .poll(() => callApi<object>(desk.url, 'prefs.get', {}))
      .toMatchObject({
        favourites: [],
      });
  });
});

test('a run longer than the policy’s threshold ends with a browser notification and a title badge; a short one and one with notifications off do not', async ({
  page,
  context,
}) => {
  await withNoticeDesk(async (desk) => {
    await context.grantPermissions(['notifications'], { origin: new URL(desk.url).origin });
    await recordNotifications(page);
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toContainText('Monthly extract');
    await expect(page).toHaveTitle('ScriptDesk');

    // A short run first: it ends without a notice (a notice comes before its run's last status).
    await page.getByTestId('nav-history').click();
    const short = await callApi<{ runId: string }>(desk.url, 'run.start', {
      scriptId: 'monthly-extract',
      inputs: { sleepSeconds: 0 },
    });
    await expect(page.getByTestId(`history-row-${short.runId}`)).toContainText('Succeeded');

    const long = await callApi<{ runId: string }>(desk.url, 'run.start', {
      scriptId: 'monthly-extract',
      inputs: { sleepSeconds: 3.5, customer: 'ACME secret customer' },
    });
    await expect(page.getByTestId(`history-row-${long.runId}`)).toContainText('Succeeded');
    await expect.poll(() => shownNotifications(page)).toHaveLength(1);
    const [shown] = (await shownNotifications(page)) as {
      title: string;
      body: string;
      tag: string;
    }[];
    expect(shown!.title).toBe('Monthly extract finished');
    expect(shown!.body).toMatch(/^Took \d+ s\. Select to open the run in ScriptDesk\.$/);
    expect(shown!.tag).toBe(long.runId);
    expect(JSON.stringify(shown)).not.toContain('ACME');
    await expect(page).toHaveTitle('(1) ScriptDesk');

    // Selecting the notification opens the run, and the badge goes.
    await page.evaluate(() => {
      const created = (window as unknown as { created: Notification[] }).created;
      created[0]!.onclick?.(new Event('click'));
    });
    await expect(page).toHaveURL(new RegExp(`#/runs/${long.runId}$`));
    await expect(page.getByTestId('run-status')).toBeVisible();
    await expect(page).toHaveTitle('ScriptDesk');

    // Turned off in Settings: the next long run ends silently.
    await page.getByTestId('nav-settings').click();
    await page
      .getByRole('switch', { name: /Tell me when a run that took over 3 seconds ends/ })
      .click();
    await expect
      .poll(() => callApi<object>(desk.url, 'prefs.get', {}))
      .toMatchObject({
        notifyLongRuns: false,
      });
    await page.getByTestId('nav-history').click();
    const silent = await callApi<{ runId: string }>(desk.url, 'run.start', {
      scriptId: 'monthly-extract',
      inputs: { sleepSeconds: 3.5 },
    });
    await expect(page.getByTestId(`history-row-${silent.runId}`)).toContainText('Succeeded');
    expect(await shownNotifications(page)).toHaveLength(1);
    await expect(page).toHaveTitle('ScriptDesk');
  });
});

test('the browser is asked for permission only when notifications are turned on, never on load', async ({
  page,
}) => {
  await withDesk({}, async (desk) => {
    await callApi(desk.url, 'prefs.set', { notifyLongRuns: false });
    await recordNotifications(page);
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();
    await page.getByTestId('nav-settings').click();
    const notify = page.getByRole('switch', { name: /Tell me when/ });
    await expect(notify).not.toBeChecked();
    const asks = () =>
      page.evaluate(() => (window as unknown as { permissionAsks: number }).permissionAsks);
    expect(await asks()).toBe(0);

    await notify.click();
    await expect(notify).toBeChecked();
    await expect.poll(asks).toBe(1);
    // Not granted (this browser context was given no permission): the page says what to do.
    await expect(page.getByTestId('notification-permission-hint')).toBeVisible();
    await expectAccessible(page, 'settings page with the browser permission hint');
    await page.screenshot({ path: path.join(SHOTS, 'settings-08-permission-hint.png') });
  });
});

test('another window follows a change: on the same ScriptDesk at once, on another one on the same home when it gets the focus', async ({
  page,
  context,
}) => {
  await withDesk({}, async (desk) => {
    const second = await startWeb(desk.home);
    try {
      const sameHost = await context.newPage();
      const otherHost = await context.newPage();
      await page.goto(desk.url);
      await sameHost.goto(desk.url);
      await otherHost.goto(second.url);
      for (const window of [page, sameHost, otherHost]) {
        await expect(window.getByTestId('script-list')).toBeVisible();
        await expect(themeMode(window)).toHaveAttribute('data-theme-mode', 'light');
      }

      await page.getByTestId('nav-settings').click();
      await page.getByRole('radio', { name: /^Dark/ }).check();
      await page.getByTestId('nav-scripts').click();
      await page.getByRole('button', { name: 'Add Loan repayment schedule to favourites' }).click();
      // Same process: main pushes prefs.changed to every window it serves.
      await expect(themeMode(sameHost)).toHaveAttribute('data-theme-mode', 'dark');
      await expect(sameHost.getByTestId('favourite-item-loan-schedule')).toBeVisible();

      // Another process on the same home hears nothing; it reads them again when focused.
      await expect(themeMode(otherHost)).toHaveAttribute('data-theme-mode', 'light');
      await otherHost.bringToFront();
      await otherHost.evaluate(() => window.dispatchEvent(new Event('focus')));
      await expect(themeMode(otherHost)).toHaveAttribute('data-theme-mode', 'dark');
      await expect(otherHost.getByTestId('favourite-item-loan-schedule')).toBeVisible();
    } finally {
      await second.stop();
    }
  });
});
