import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  formShapes,
  LARGE_FORM_ID,
  writeFormShapesSource,
  type FormShape,
} from '../support/form-shapes.js';
import { SHOTS, startDesk, type Desk } from './desk.js';

/**
 * Issue 12's real-world form shapes (`test/fixtures/forms/`) in the real UI: every form is filled
 * through its widgets (typing, choosing a `oneOf` alternative, adding list entries, ticking a
 * dependency) to one of its valid inputs, run, and the script must report exactly that input;
 * one invalid input per form shows main's words on the field at fault. The 1000-field form is
 * reached deep down, and Run with one bad field there jumps to it.
 */

const SHAPES = new Map(formShapes().map((shape) => [shape.id, shape]));

// One desk for every form (per worker): the catalogue of shapes is built, signed and synced once.
// Hang guards, not expectations: typing key by key into forms that validate as they change is slow
// on a busy machine.
test.describe.configure({ timeout: 180_000 });
test.use({ timezoneId: 'UTC' });
let desk: Desk;
let sourceRoot: string;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  sourceRoot = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-shapes-'));
  desk = await startDesk({ source: await writeFormShapesSource(path.join(sourceRoot, 'src')) });
});
test.afterAll(async () => {
  await desk?.stop();
  if (sourceRoot) rmSync(sourceRoot, { recursive: true, force: true });
});

function shape(id: string): FormShape {
  const found = SHAPES.get(id);
  if (!found) throw new Error(`no form shape ${id} in test/fixtures/forms`);
  return found;
}

async function openForm(page: Page, id: string): Promise<void> {
  if (!page.url().startsWith(desk.url.split('#')[0]!)) await page.goto(desk.url);
  await page.getByTestId('nav-scripts').click();
  await page.getByTestId(`script-item-${id}`).click();
  await expect(page.getByTestId('script-title')).toHaveText(shape(id).schema.title as string);
}

/** The input RJSF renders for a JSON Pointer into the form data ("/a/0/b" → #root_a_0_b). */
function field(page: Page, pointer: string): Locator {
  return page.locator(`#root${pointer.replaceAll('/', '_')}`);
}

/** Types `text` key by key into the field at `pointer`, after clearing it. */
async function type(page: Page, pointer: string, text: string): Promise<void> {
  const input = field(page, pointer);
  await input.fill('');
  await input.pressSequentially(text);
}

/** Chooses `option` in the drop-down at `pointer` (an MUI select), with the keyboard. */
async function choose(page: Page, pointer: string, option: string): Promise<void> {
  const select = field(page, pointer);
  await select.focus();
  await select.press('Enter');
  const listbox = page.getByRole('listbox');
  await listbox.getByRole('option', { name: option, exact: true }).click();
  await expect(listbox).toBeHidden();
}

/** Presses the "Add" button of the list at `pointer` and waits for entry `index` to appear. */
async function addEntry(page: Page, pointer: string, index: number): Promise<void> {
  await field(page, `${pointer}__add`).click();
  await expect(
    page.locator(`[id^="root${pointer.replaceAll('/', '_')}_${index}"]`).first(),
  ).toBeVisible();
}

/**
 * Runs the form and expects the script to report exactly `expected` as its inputs. Run is clicked
 * straight from the field last filled, as users do: leaving it may show its problem and grow the
 * form under the pointer, and the click must still count. `start` starts the run another way.
 */
async function runAndExpectInputs(
  page: Page,
  expected: unknown,
  start: () => Promise<void> = () => page.getByTestId('run-button').click(),
): Promise<void> {
  await start();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 60_000 });
  const log = page.getByTestId('run-log');
  await expect(log).toContainText('inputs: ');
  const line = (await log.innerText()).split('\n').find((text) => text.includes('inputs: '))!;
  expect(JSON.parse(line.slice(line.indexOf('inputs: ') + 'inputs: '.length))).toEqual(expected);
}

/** Runs the form and expects main's words for `invalid` input `name` on each field at fault. */
async function runAndExpectErrors(page: Page, id: string, name: string): Promise<void> {
  const errors = shape(id).expectedErrors[name]!;
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status-message')).toHaveText(
    errors.length === 1
      ? 'Fix the marked field to continue.'
      : `Fix the ${errors.length} marked fields to continue.`,
  );
  for (const error of errors) {
    await expect(field(page, `${error.path}__error`)).toHaveText(error.message);
  }
  const first = errors[0]!.path;
  await expect(field(page, first)).toBeFocused();
  // The field Run jumped to is in full view: its label below the top bar, its error above the
  // Run bar.
  const top = (await page.getByRole('banner').boundingBox())!;
  const input = (await field(page, first).boundingBox())!;
  const message = (await field(page, `${first}__error`).boundingBox())!;
  const runBar = (await page.getByTestId('run-bar').boundingBox())!;
  expect(input.y).toBeGreaterThan(top.y + top.height + 12);
  expect(message.y + message.height).toBeLessThanOrEqual(runBar.y);
}

/** A screenshot of the window as the user sees it now (the field last focused is in view). */
async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `form-shape-${name}.png`) });
}

test('if/then/else: administrator access asks for a ticket in its format, then runs', async ({
  page,
}) => {
  const id = 'access-request';
  await openForm(page, id);
  await type(page, '/employeeId', 'E000042');
  await choose(page, '/system', 'Finance and purchasing (ERP)');
  await page.getByRole('radio', { name: 'Administrator' }).check();
  await type(
    page,
    '/justification',
    'Quarter-end close: post the reversing journals for the finance team.',
  );
  await type(page, '/changeTicket', 'INC12345');
  await type(page, '/durationDays', '14');
  await runAndExpectErrors(page, id, 'admin-ticket-wrong-format');
  await shot(page, 'access-request-then-error');

  await type(page, '/changeTicket', 'CHG0012345');
  await type(page, '/durationDays', '30');
  await runAndExpectInputs(page, shape(id).valid['admin-with-ticket']);
});

test('dependencies: ticking "replaces a device" asks for the asset tag, then runs', async ({
  page,
}) => {
  const id = 'equipment-order';
  await openForm(page, id);
  await type(page, '/costCentre', '2310');
  await choose(page, '/item', 'monitor');
  await page.getByRole('radio', { name: 'The office reception' }).check();
  await field(page, '/replacesAsset').check();
  await runAndExpectErrors(page, id, 'replacement-without-asset-tag');

  await type(page, '/oldAssetTag', 'AT-004211');
  await expect(field(page, '/oldAssetTag__error')).toHaveCount(0);
  await shot(page, 'equipment-order-dependency');
  await runAndExpectInputs(page, shape(id).valid['replaces-an-old-device']);
});

test('dependencies: a street without its postcode is flagged on the postcode', async ({ page }) => {
  const id = 'equipment-order';
  await openForm(page, id);
  await type(page, '/costCentre', '4100');
  await choose(page, '/item', 'phone');
  await page.getByRole('radio', { name: 'A home address' }).check();
  await type(page, '/homeStreet', '12 Mill Lane');
  await type(page, '/homeCity', 'Leeds');
  await runAndExpectErrors(page, id, 'street-without-postcode');
  await type(page, '/homePostcode', 'AB1 2CD');
  await runAndExpectInputs(page, shape(id).valid['home-delivery-full-address']);
});

test('oneOf: each delivery alternative can be chosen and filled; a wrong bucket name is flagged', async ({
  page,
}) => {
  const id = 'data-extract';
  await openForm(page, id);
  await choose(page, '/dataset', 'Invoices');
  await page.getByRole('radio', { name: 'parquet' }).check();
  await choose(page, '/destination__oneof_select', 'Cloud bucket');
  await type(page, '/destination/bucket', 'Acme_Extracts');
  await choose(page, '/destination/region', 'eu-west-1');
  await runAndExpectErrors(page, id, 'bucket-name-upper-case');
  await type(page, '/destination/bucket', 'acme-extracts');
  await runAndExpectInputs(page, shape(id).valid['to-a-bucket']);

  await openForm(page, id);
  await choose(page, '/dataset', 'Customers');
  await page.getByRole('radio', { name: 'xlsx' }).check();
  await choose(page, '/destination__oneof_select', 'E-mail');
  await expect(field(page, '/destination/host')).toHaveCount(0);
  if ((await field(page, '/destination/recipients/0').count()) === 0)
    await addEntry(page, '/destination/recipients', 0);
  await type(page, '/destination/recipients/0', 'ana.silva@example.com');
  await addEntry(page, '/destination/recipients', 1);
  await type(page, '/destination/recipients/1', 'finance-team@example.org');
  // Entries are named as main's messages name them ("Recipient 2 must be an email address…").
  for (const index of [0, 1])
    await expect(field(page, `/destination/recipients/${index}-label`)).toContainText(
      `Recipient ${index + 1}`,
    );
  await field(page, '/destination/zip').uncheck();
  await shot(page, 'data-extract-email');
  await runAndExpectInputs(page, shape(id).valid['by-email']);
});

test('arrays: products with tiers and bundles of SKUs are added and filled; a bad tier price is flagged', async ({
  page,
}) => {
  const id = 'price-list';
  const valid = shape(id).valid['tiers-and-bundles'] as {
    products: {
      sku: string;
      discontinued: boolean;
      tiers: { fromQuantity: number; unitPrice: number }[];
    }[];
    bundles: string[][];
  };
  await openForm(page, id);
  await choose(page, '/priceList', 'wholesale');
  for (const [p, product] of valid.products.entries()) {
    if ((await field(page, `/products/${p}/sku`).count()) === 0)
      await addEntry(page, '/products', p);
    await type(page, `/products/${p}/sku`, product.sku);
    if (product.discontinued) await field(page, `/products/${p}/discontinued`).check();
    for (const [t, tier] of product.tiers.entries()) {
      if ((await field(page, `/products/${p}/tiers/${t}/fromQuantity`).count()) === 0)
        await addEntry(page, `/products/${p}/tiers`, t);
      await type(page, `/products/${p}/tiers/${t}/fromQuantity`, String(tier.fromQuantity));
      await type(page, `/products/${p}/tiers/${t}/unitPrice`, String(tier.unitPrice));
    }
  }
  for (const [b, bundle] of valid.bundles.entries()) {
    await addEntry(page, '/bundles', b);
    for (const [s, sku] of bundle.entries()) {
      if ((await field(page, `/bundles/${b}/${s}`).count()) === 0)
        await addEntry(page, `/bundles/${b}`, s);
      await type(page, `/bundles/${b}/${s}`, sku);
    }
  }
  await type(page, '/products/0/tiers/1/unitPrice', '3.125');
  await runAndExpectErrors(page, id, 'tier-price-with-three-decimals');
  await shot(page, 'price-list-nested-arrays');
  await type(page, '/products/0/tiers/1/unitPrice', '2.4');
  await runAndExpectInputs(page, valid);
});

test('multi-select enums: regions and currencies ticked, columns picked in order; too few columns are flagged', async ({
  page,
}) => {
  const id = 'sales-report';
  await openForm(page, id);
  for (const region of ['North', 'South', 'Export'])
    await page.getByRole('checkbox', { name: region, exact: true }).check();
  await page.getByRole('radio', { name: 'customer' }).check();
  for (const currency of ['GBP', 'EUR'])
    await page.getByRole('checkbox', { name: currency, exact: true }).check();
  // Columns start as month and revenue (the default); take month away, leaving one.
  await toggleColumns(page, ['month']);
  await runAndExpectErrors(page, id, 'one-column-only');
  await toggleColumns(page, ['customer', 'product', 'units', 'margin']);
  await shot(page, 'sales-report-multi-select');
  await runAndExpectInputs(page, shape(id).valid['several-of-each']);
});

/** Ticks or unticks `names` in the multi-select "Columns" drop-down, then closes it. */
async function toggleColumns(page: Page, names: string[]): Promise<void> {
  const select = field(page, '/columns');
  await select.focus();
  await select.press('Enter');
  const listbox = page.getByRole('listbox');
  for (const name of names) await listbox.getByRole('option', { name, exact: true }).click();
  await page.keyboard.press('Escape');
  await expect(listbox).toBeHidden();
}

test('nullable fields: text, numbers, a date and a box filled; a negative credit limit is flagged', async ({
  page,
}) => {
  const id = 'customer-record';
  await openForm(page, id);
  await type(page, '/customerId', 'C0004711');
  await type(page, '/middleName', 'Maria');
  await type(page, '/creditLimit', '-1');
  await type(page, '/accountManager', '4242');
  await field(page, '/closedOn').fill('2026-01-31');
  await field(page, '/marketingOptIn').check();
  await runAndExpectErrors(page, id, 'credit-limit-negative');
  await type(page, '/creditLimit', '2500.5');
  await shot(page, 'customer-record-nullable');
  await runAndExpectInputs(page, shape(id).valid['every-field-set']);
});

test('dates and times: date pickers, a date-time, a time picker and a list of dates filled; a time without its zone is flagged', async ({
  page,
}) => {
  const id = 'transaction-export';
  const valid = shape(id).valid['leap-day-scheduled'] as { holidays: string[] };
  await openForm(page, id);
  await field(page, '/fromDate').fill('2024-02-29');
  await field(page, '/toDate').fill('2024-02-29');
  await field(page, '/runAt').fill('2026-04-01T06:30');
  await addEntry(page, '/holidays', 0);
  await field(page, '/holidays/0').fill(valid.holidays[0]!);
  await type(page, '/dailyCutoff', '25:00:00Z');
  await runAndExpectErrors(page, id, 'cutoff-hour-25');
  await type(page, '/dailyCutoff', '18:00:00+01:00');
  // A time picker: the clock time picked here (the page runs in UTC) is sent with its zone.
  await expect(field(page, '/reportAt')).toHaveAttribute('type', 'time');
  await field(page, '/reportAt').fill('07:45');
  await shot(page, 'transaction-export-dates');
  await runAndExpectInputs(page, { ...valid, reportAt: '07:45:00Z' });
});

/** Fills the network-change form's fields other than the runbook link (`sourceIpv4` as given). */
async function fillNetworkChange(page: Page, sourceIpv4: string): Promise<void> {
  await type(page, '/requester', 'ana.silva@example.com');
  await type(page, '/sourceIpv4', sourceIpv4);
  await type(page, '/destination/ipv6', '2001:db8::10');
  await type(page, '/destination/hostname', 'billing.internal.example.com');
  await type(page, '/port', '443');
  await page.getByRole('radio', { name: 'tcp' }).check();
  await addEntry(page, '/notify', 0);
  await type(page, '/notify/0', 'network-team@example.com');
}

test('formats: IPv4, IPv6, host name, e-mail and link typed; an IPv4 octet over 255 is flagged', async ({
  page,
}) => {
  const id = 'network-change';
  await openForm(page, id);
  await fillNetworkChange(page, '192.0.2.300');
  await type(page, '/runbook', 'https://wiki.example.com/runbooks/billing?section=firewall#ports');
  await runAndExpectErrors(page, id, 'ipv4-octet-over-255');
  await shot(page, 'network-change-formats');
  await type(page, '/sourceIpv4', '192.0.2.10');
  await runAndExpectInputs(page, shape(id).valid['https-to-a-service']);
});

test('text typed and sent with Enter at once reaches the run whole: the last key is not lost', async ({
  page,
}) => {
  // A key is painted before the form takes it (forms/theme/typed-value.ts); Enter must hand over
  // what was typed before the form submits, with no pause for the form to catch up.
  const id = 'network-change';
  const valid = shape(id).valid['https-to-a-service'] as Record<string, unknown>;
  await openForm(page, id);
  await fillNetworkChange(page, '192.0.2.10');
  const runbook = field(page, '/runbook');
  await runbook.fill('');
  await runAndExpectInputs(page, valid, async () => {
    // Frames held back, as on a busy machine: nothing typed reaches the form on its own, so the
    // run holds the whole address only if Enter hands it over.
    await page.evaluate(() => {
      const held = window as unknown as { heldFrame: typeof requestAnimationFrame };
      held.heldFrame = window.requestAnimationFrame;
      window.requestAnimationFrame = () => 0;
    });
    await runbook.pressSequentially(valid.runbook as string);
    await runbook.press('Enter');
    await page.evaluate(() => {
      window.requestAnimationFrame = (
        window as unknown as { heldFrame: typeof requestAnimationFrame }
      ).heldFrame;
    });
  });
});

test('1000 fields: the form opens in 20 sections, a question 20 sections down is reached and filled, and Run jumps to its error', async ({
  page,
}) => {
  test.setTimeout(600_000);
  const id = LARGE_FORM_ID;
  const sections = Object.keys(shape(id).schema.properties as object);
  const toggle = (section: string) => page.locator(`#form-section-${section}-toggle`);
  await openForm(page, id);
  await expect(toggle(sections[0]!)).toHaveAttribute('aria-expanded', 'true', { timeout: 120_000 });
  await expect(page.locator('[id^="form-section-"][id$="-toggle"]')).toHaveCount(20);
  // Every question of the open section has one control: a text box, a box, or a drop-down.
  const controls = page.locator('form input:not([aria-hidden="true"]), form [role="combobox"]');
  await expect(controls).toHaveCount(49);
  await page.screenshot({ path: path.join(SHOTS, 'form-shape-large-top.png') });

  // Each section's first question is required: open each from the keyboard and answer it.
  for (const section of sections) {
    if ((await toggle(section).getAttribute('aria-expanded')) !== 'true') {
      await toggle(section).focus();
      await page.keyboard.press('Enter');
    }
    await field(page, `/${section}/q01`).fill(`Answer for ${section}`);
  }
  const deep = '/declarations/q42';
  await field(page, deep).scrollIntoViewIfNeeded();
  await type(page, deep, '250000');
  await shot(page, 'large-deep-field');
  // Closed again, and scrolled to the top: Run has to find the problem.
  await toggle('declarations').click();
  await expect(field(page, deep)).toHaveCount(0);
  await toggle(sections[0]!).scrollIntoViewIfNeeded();
  await runAndExpectErrors(page, id, 'deep-count-over-maximum');
  await expect(toggle('declarations')).toHaveAttribute('aria-expanded', 'true');
  await expect(field(page, deep)).toBeInViewport();
  await page.screenshot({ path: path.join(SHOTS, 'form-shape-large-jump-to-error.png') });

  await type(page, deep, '42');
  const answers: Record<string, Record<string, unknown>> = Object.fromEntries(
    sections.map((section) => [section, { q01: `Answer for ${section}` }]),
  );
  answers.declarations = { ...answers.declarations, q42: 42 };
  await runAndExpectInputs(page, answers);
});
