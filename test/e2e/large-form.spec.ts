import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe.js';
import { REPO, SHOTS, startDesk, type Desk } from './desk.js';

const GROUPS = 6;
const PER_GROUP = 20;

/** 120 text fields in six groups; one field of the fourth group is required. */
function longFormSchema() {
  const properties: Record<string, unknown> = {};
  for (let g = 1; g <= GROUPS; g += 1) {
    const fields: Record<string, unknown> = {};
    for (let f = 1; f <= PER_GROUP; f += 1)
      fields[`field${f}`] = { type: 'string', title: `Group ${g} field ${f}`, maxLength: 100 };
    properties[`group${g}`] = {
      type: 'object',
      title: `Group ${g}`,
      additionalProperties: false,
      properties: fields,
      ...(g === 4 ? { required: ['field3'] } : {}),
    };
  }
  return { type: 'object', additionalProperties: false, properties, required: ['group4'] };
}

let desk: Desk;
let work: string;

/** A desk whose catalogue is the test fixtures plus the long form (built from the probe script). */
test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-long-form-'));
  const source = path.join(work, 'catalogue');
  cpSync(path.join(REPO, 'test', 'fixtures', 'catalogue'), source, { recursive: true });
  const folder = path.join(source, 'scripts', 'long-form');
  mkdirSync(folder);
  const manifest = JSON.parse(
    readFileSync(path.join(source, 'scripts', 'probe', 'script.json'), 'utf8'),
  ) as Record<string, unknown>;
  const script = {
    ...manifest,
    id: 'long-form',
    title: 'A long form',
    summary: 'One hundred and twenty fields in six groups.',
    supportsDryRun: false,
  };
  writeFileSync(path.join(folder, 'script.json'), JSON.stringify(script, null, 2));
  writeFileSync(path.join(folder, 'form.schema.json'), JSON.stringify(longFormSchema(), null, 2));
  writeFileSync(path.join(folder, 'main.py'), 'print("ok")\n');
  writeFileSync(path.join(folder, 'requirements.lock'), '# Nothing to install.\n');
  desk = await startDesk({ source });
});

test.afterAll(async () => {
  await desk?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** Opens the long form. */
async function openLongForm(page: Page): Promise<void> {
  await page.goto(desk.url);
  await page.getByTestId('script-item-long-form').click();
  await expect(page.getByTestId('script-title')).toHaveText('A long form');
}

const toggle = (page: Page, group: number) => page.locator(`#form-section-group${group}-toggle`);

test('a long form shows its groups as sections: the first open, the others closed until opened from the keyboard', async ({
  page,
}) => {
  await openLongForm(page);
  await expect(page.getByRole('heading', { name: 'Group 1' })).toBeVisible();
  await expect(toggle(page, 1)).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#root_group1_field1')).toBeVisible();
  for (let g = 2; g <= GROUPS; g += 1)
    await expect(toggle(page, g)).toHaveAttribute('aria-expanded', 'false');
  // A closed section's fields are not on the page at all.
  await expect(page.locator('#root_group2_field1')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Group 2' })).toBeVisible();

  await toggle(page, 2).focus();
  await page.keyboard.press('Enter');
  await expect(toggle(page, 2)).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#root_group2_field1')).toBeVisible();
  await page.keyboard.press('Space');
  await expect(toggle(page, 2)).toHaveAttribute('aria-expanded', 'false');
  await expect(page.locator('#root_group2_field1')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'large-form-top.png') });
  await expectAccessible(page, 'a long form in sections');
});

test('Run with a problem in a closed section opens it and focuses the field', async ({ page }) => {
  await openLongForm(page);
  await page.locator('#root_group1_field1').fill('something');
  await expect(toggle(page, 4)).toHaveAttribute('aria-expanded', 'false');

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status-message')).toHaveText(
    'Fix the marked field to continue.',
  );
  await expect(toggle(page, 4)).toHaveAttribute('aria-expanded', 'true');
  await expect(toggle(page, 4)).toContainText('1 problem');
  const field = page.locator('#root_group4_field3');
  await expect(field).toBeFocused();
  await expect(page.locator('#root_group4_field3__error')).toHaveText(
    'Group 4 field 3 is required.',
  );
  await page.screenshot({ path: path.join(SHOTS, 'large-form-error-in-section.png') });
});

test('the Run bar stays in view while a long form scrolls under it', async ({ page }) => {
  await openLongForm(page);
  for (let g = 2; g <= GROUPS; g += 1) await toggle(page, g).click();
  await expect(page.locator('#root_group6_field20')).toBeAttached();
  const field = page.locator('#root_group3_field10');
  await field.scrollIntoViewIfNeeded();
  await expect(field).toBeInViewport();
  await expect(page.getByTestId('run-button')).toBeInViewport();
  await expect(page.getByTestId('run-bar')).toBeInViewport();
  await page.screenshot({ path: path.join(SHOTS, 'large-form-scrolled.png') });
});
