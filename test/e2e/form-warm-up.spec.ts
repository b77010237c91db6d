import { expect, test, type Page } from '@playwright/test';
import { appUrl } from './desk.js';

// renderer/src/scripts/form-warm-up.tsx: the mark it sets once it has run to the end.
const WARMED_UP = 'scriptdesk:form-warmed-up';

/** How many times the warm-up has run in this page. */
function warmUps(page: Page): Promise<number> {
  return page.evaluate((name) => performance.getEntriesByName(name).length, WARMED_UP);
}

/** Resolves after `count` idle callbacks in a row: the warm-up does one step per idle callback. */
function idlePeriods(page: Page, count: number): Promise<void> {
  return page.evaluate(async (count) => {
    for (let i = 0; i < count; i++)
      await new Promise((resolve) => requestIdleCallback(() => resolve(undefined)));
  }, count);
}

/** What the user could notice of the page: the focus, the scroll, problems shown, the Run bar. */
function visibleState(page: Page) {
  return page.evaluate(() => ({
    focused: document.activeElement?.id ?? null,
    scrollY: window.scrollY,
    invalidFields: document.querySelectorAll('[aria-invalid="true"]').length,
    errorLists: document.querySelectorAll('[id$="__error"]').length,
    status: document.querySelector('[data-testid="run-status-message"]')?.textContent ?? null,
    probeElements: document.querySelectorAll('[id*="scriptdeskWarmUp"]').length,
  }));
}

test('the Scripts page warms the form up once while idle, leaving the focus, the scroll and the form as they were', async ({
  page,
}) => {
  await page.goto(appUrl());
  const search = page.getByLabel('Find a script');
  await search.click();
  const before = await visibleState(page);
  expect(before.focused).not.toBeNull();

  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, WARMED_UP);
  // The probe typed into a field and pressed Run on an invalid form; none of that shows here.
  expect(await visibleState(page)).toEqual(before);
  expect(before).toMatchObject({ invalidFields: 0, errorLists: 0, probeElements: 0 });

  // Opening forms does not warm up again: the code is compiled already.
  await page.getByTestId('script-item-csv-summary').click();
  await expect(page.getByTestId('run-button')).toBeVisible();
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
  await page.getByTestId('script-item-loan-schedule').click();
  await expect(page.getByTestId('run-button')).toBeVisible();
  await idlePeriods(page, 10);
  expect(await warmUps(page)).toBe(1);

  // And the real form still reports its own problems on Run, at its first field.
  await page.getByTestId('script-item-csv-summary').click();
  await page.getByTestId('run-button').click();
  await expect(page.locator('#root_csvFile')).toBeFocused();
  await expect(page.locator('#root_csvFile')).toHaveAttribute('aria-invalid', 'true');
});

test('a page opened on a script warms up once, though both its list and its form ask for it', async ({
  page,
}) => {
  await page.goto(appUrl()); // keeps the token for this tab
  await expect(page.getByTestId('script-item-csv-summary')).toBeVisible();
  await page.evaluate(() => (window.location.hash = '#/scripts/csv-summary'));
  await page.reload();
  await expect(page.getByTestId('run-button')).toBeVisible();
  await page.waitForFunction((name) => performance.getEntriesByName(name).length > 0, WARMED_UP);
  await idlePeriods(page, 10);
  expect(await warmUps(page)).toBe(1);
  await expect(page.locator('[aria-invalid="true"]')).toHaveCount(0);
});
