import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { SHOTS } from './desk.js';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** The element that has the keyboard focus, and the ring that shows it (if any). */
interface FocusStop {
  /** How a reader finds it: its test id, or its tag, id and text. */
  element: string;
  /** The ring as CSS says it ("2px solid rgb(31, 95, 166)"), or null when nothing shows the focus. */
  ring: string | null;
}

/**
 * Where the focus is and what shows it. A text field or checkbox draws its ring on its box, not on
 * the `<input>` itself, so the focused element's widget and everything in it is searched for a
 * solid or dashed outline at least 2px wide in a colour that is not transparent.
 */
async function focusStop(page: Page): Promise<FocusStop> {
  return page.evaluate(() => {
    const active = document.activeElement;
    if (!active || active === document.body) return { element: 'the page body', ring: null };
    const testId = active.getAttribute('data-testid');
    const text = (active.textContent ?? '').trim().slice(0, 40);
    const element =
      testId ?? `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''} "${text}"`;
    const widget =
      active.closest('.MuiInputBase-root, .MuiCheckbox-root, .MuiSwitch-root, .MuiRadio-root') ??
      active;
    for (const candidate of [active, widget, ...Array.from(widget.querySelectorAll('*'))]) {
      const style = getComputedStyle(candidate);
      const width = parseFloat(style.outlineWidth);
      const visible =
        ['solid', 'dashed', 'double'].includes(style.outlineStyle) &&
        width >= 2 &&
        !/rgba\(.*, 0\)$|transparent/.test(style.outlineColor);
      if (visible)
        return {
          element,
          ring: `${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`,
        };
    }
    return { element, ring: null };
  });
}

/** Presses Tab until `target` has the focus, checking that every element on the way shows it. */
async function tabTo(page: Page, target: Locator, visited: FocusStop[]): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    const stop = await focusStop(page);
    visited.push(stop);
    expect(stop.ring, `no visible focus ring on ${stop.element}`).not.toBeNull();
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(
    `Tab never reached ${target}; the focus went through ${visited.map((stop) => stop.element).join(', ')}`,
  );
}

test('from the keyboard alone an analyst reaches a script, fills its form and runs it, seeing the focus at every step, and lands on the run', async ({
  page,
}) => {
  await page.goto(process.env.SCRIPTDESK_E2E_URL!);
  await expect(page.getByTestId('script-list')).toContainText('Loan repayment schedule');
  const visited: FocusStop[] = [];

  await tabTo(page, page.getByTestId('audit-delivery-badge'), visited);
  await page.screenshot({
    path: path.join(SHOTS, 'focus-01-top-bar-chip.png'),
    clip: { x: 0, y: 0, width: 900, height: 60 },
  });
  await tabTo(page, page.getByTestId('nav-scripts'), visited);
  await page.screenshot({
    path: path.join(SHOTS, 'focus-02-nav-item.png'),
    clip: { x: 0, y: 40, width: 560, height: 220 },
  });
  await tabTo(page, page.getByTestId('script-item-rename-files'), visited);
  await page.screenshot({
    path: path.join(SHOTS, 'focus-03-list-item.png'),
    clip: { x: 150, y: 40, width: 560, height: 420 },
  });
  await tabTo(page, page.getByTestId('script-item-loan-schedule'), visited);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('script-title')).toHaveText('Loan repayment schedule');
  // Choosing a script keeps the focus in the list, where the user is.
  await expect(page.getByTestId('script-item-loan-schedule')).toBeFocused();

  await tabTo(page, page.locator('#root_principal'), visited);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('12000');
  await page.screenshot({
    path: path.join(SHOTS, 'focus-04-text-field.png'),
    clip: { x: 500, y: 40, width: 780, height: 300 },
  });
  await tabTo(page, page.getByTestId('run-button'), visited);
  await page.screenshot({ path: path.join(SHOTS, 'focus-05-run-button.png'), fullPage: true });
  await page.keyboard.press('Enter');

  // The Run button is gone with the form: the focus is on the run's name, not lost to the body.
  const title = page.getByTestId('run-title');
  await expect(title).toHaveText('Loan repayment schedule');
  await expect(title).toBeFocused();
  const describedBy = await title.getAttribute('aria-describedby');
  const status = page.locator(`[id="${describedBy}"]`);
  await expect(status).toHaveAttribute('aria-live', 'polite');
  await expect(status.getByTestId('run-status')).toHaveAttribute('data-status', 'succeeded', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('run-log')).toContainText('12');
  await page.screenshot({ path: path.join(SHOTS, 'focus-06-run-title.png'), fullPage: true });

  // Back to the form the same way: its title takes the focus from the vanished button.
  await tabTo(page, page.getByRole('button', { name: 'Open script again' }), visited);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('script-title')).toBeFocused();
  expect(visited.length).toBeGreaterThan(8);
});
