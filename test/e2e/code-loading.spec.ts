import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { appUrl, SHOTS } from './desk.js';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test("the window opens with its first screen's code only; the form's code comes after the list is shown, and no script holds Ajv", async ({
  page,
}) => {
  const scripts = new Map<string, { body: string; headers: Record<string, string> }>();
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/assets/')) return;
    scripts.set(path.basename(url.pathname), {
      body: (await response.body()).toString('utf8'),
      headers: response.headers(),
    });
  });
  const isFormCode = (name: string) => /^(?:checked-run-form|form-libraries)-/.test(name);

  // When the list first held a script, on the page's own clock (resource timings use it too).
  await page.addInitScript(() => {
    const page = window as unknown as { listShownAt?: number };
    new MutationObserver((_, observer) => {
      if (!document.querySelector('[data-testid="script-list"] [data-testid^="script-item-"]'))
        return;
      page.listShownAt = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });

  await page.goto(appUrl());
  await expect(page.getByTestId('script-list')).toContainText('Summarise a CSV');
  await page.getByTestId('script-item-csv-summary').click();
  await expect(page.getByTestId('run-button')).toBeVisible();
  await expect.poll(() => [...scripts.keys()].filter(isFormCode).length).toBe(2);

  // The form's code is fetched once the list is on screen (in the first idle moment, or when a
  // script is opened before that), never on the way to it.
  const timing = await page.evaluate(() => ({
    listShownAt: (window as unknown as { listShownAt?: number }).listShownAt,
    formCodeAt: performance
      .getEntriesByType('resource')
      .filter((entry) => /\/(?:checked-run-form|form-libraries)-[^/]*\.js$/.test(entry.name))
      .map((entry) => entry.startTime),
    firstScreen: performance
      .getEntriesByType('resource')
      .filter(
        (entry) => entry.startTime < (window as unknown as { listShownAt: number }).listShownAt,
      )
      .map((entry) => new URL(entry.name).pathname.split('/').at(-1)!)
      .filter((name) => name.endsWith('.js')),
  }));
  expect(timing.listShownAt).toBeGreaterThan(0);
  expect(timing.formCodeAt).toHaveLength(2);
  for (const startedAt of timing.formCodeAt) expect(startedAt).toBeGreaterThan(timing.listShownAt!);
  // Nor does the way to the list carry zod (its contract checks load after the first paint).
  expect(timing.firstScreen.length).toBeGreaterThan(2);
  for (const name of timing.firstScreen)
    expect([name, scripts.get(name)?.body.includes('ZodError')]).toEqual([name, false]);
  // Nor Material UI's widgets the first screen does not show (dialogs, menus, selects, tables).
  expect(timing.firstScreen.filter((name) => name.startsWith('widgets-'))).toEqual([]);

  for (const [name, { body, headers }] of scripts) {
    // Ajv's own message for a schema added twice: present wherever Ajv is bundled.
    expect([name, body.includes('schema with key or id')]).toEqual([name, false]);
    expect([name, headers['cache-control']]).toEqual([name, 'public, max-age=31536000, immutable']);
    expect([name, headers['content-encoding']]).toEqual([
      name,
      body.length >= 1024 ? expect.stringMatching(/^(?:br|gzip)$/) : undefined,
    ]);
  }
});

test('a page whose code cannot be fetched says so, and Reload brings it back', async ({ page }) => {
  await page.route('**/assets/history-page-*.js', (route) => route.abort('connectionfailed'));
  await page.goto(appUrl());
  await expect(page.getByTestId('script-list')).toContainText('Summarise a CSV');

  await page.getByTestId('nav-history').click();
  const failure = page.getByTestId('part-load-error');
  await expect(failure).toBeVisible();
  await expect(failure).toHaveAttribute('role', 'alert');
  await expect(failure).toContainText('This part of ScriptDesk could not be loaded');
  await expect(failure).toContainText('the History page');
  await expect(failure).toContainText('reload the window to try again');
  // The rest of the window still works.
  await expect(page.getByTestId('nav-scripts')).toBeEnabled();
  await page.screenshot({ path: path.join(SHOTS, 'code-load-failed.png') });

  await page.unroute('**/assets/history-page-*.js');
  await failure.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await expect(page.getByTestId('part-load-error')).toHaveCount(0);
});
