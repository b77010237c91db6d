import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test, type Page } from '@playwright/test';
import { REPO, SHOTS, type Desk, withDesk } from './desk.js';

/** Looks like a real bearer token, so finding it on the page could not be a coincidence. */
const AUDIT_TOKEN = 'sda_live_5c1e8b7f2a9d40e6b3f7a1c9d8e2b604';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/**
 * A loopback port bound but not listening until `release()`: connections are refused
 * (ECONNREFUSED) as when nothing listens, and, unlike a port found free and closed again, no
 * other process on the machine can take it meanwhile. Node cannot bind without listening, so a
 * small Python process holds it.
 */
async function refusingPort(): Promise<{ port: number; release: () => void }> {
  const holder = spawn(
    'python3',
    [
      '-I',
      '-c',
      "import socket, sys\nheld = socket.socket()\nheld.bind(('127.0.0.1', 0))\nprint(held.getsockname()[1], flush=True)\nsys.stdin.read()",
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const release = () => void holder.kill('SIGKILL');
  for await (const line of createInterface({ input: holder.stdout }))
    return { port: Number(line), release };
  release();
  throw new Error('the Python process holding a port ended before it printed the port');
}

/**
 * Stores the audit token in the keychain as an administrator would (`scriptdesk audit token set`,
 * value on stdin), so delivery gets as far as the network instead of stopping for a missing token.
 */
function setAuditToken(home: string): void {
  execFileSync(
    process.execPath,
    [path.join(REPO, 'bin', 'scriptdesk.js'), 'audit', 'token', 'set'],
    {
      env: { ...process.env, SCRIPTDESK_HOME: home },
      cwd: REPO,
      input: AUDIT_TOKEN,
      stdio: 'pipe',
    },
  );
}

/** Runs the loan schedule with its default inputs and waits until it has succeeded. */
async function runLoanSchedule(page: Page): Promise<void> {
  await page.getByTestId('nav-scripts').click();
  await page.getByTestId('script-item-loan-schedule').click();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 60_000 });
}

/** Opens the details behind the audit chip and returns them. */
async function openDetails(page: Page) {
  await page.getByTestId('audit-delivery-badge').click();
  const details = page.getByRole('dialog', { name: 'Audit delivery' });
  await expect(details).toBeVisible();
  return details;
}

/** The number in the details row `label` ("Kept here 12 records, …" gives 12). */
async function countIn(page: Page, label: string): Promise<number> {
  const facts = await page.getByTestId('audit-delivery-facts').innerText();
  const match = new RegExp(`${label}\\s*(\\d+)`).exec(facts);
  if (!match) throw new Error(`no count after "${label}" in: ${facts}`);
  return Number(match[1]);
}

test('without an audit endpoint the top bar says records stay local, explains it calmly, and counts a new run', async ({
  page,
}) => {
  await withDesk({}, async (desk: Desk) => {
    await page.goto(desk.url);
    const chip = page.getByRole('button', { name: /^Audit: local only\./ });
    await expect(chip).toHaveText('Audit: local only');
    await expect(chip).toHaveAttribute(
      'aria-label',
      'Audit: local only. Records of runs stay in the journal on this computer; no audit endpoint is set up.',
    );
    await expect(chip).toHaveAttribute('data-attention', 'false');
    await expect(page.getByTestId('catalogue-badge')).toBeInViewport();
    await expect(page.getByTestId('signed-in-user')).toBeInViewport();
    await page.screenshot({ path: path.join(SHOTS, 'audit-01-local-only.png') });

    const details = await openDetails(page);
    await expect(details).toContainText(
      'Records of your runs are kept in the audit journal on this computer. No audit endpoint is set up here, so they are not sent anywhere.',
    );
    await expect(page.getByTestId('audit-delivery-facts')).toContainText(
      /Endpoint\s*none set up on this computer/,
    );
    // Nothing is ever attempted without an endpoint, so there is no problem or retry to report.
    await expect(details).not.toContainText('Last problem');
    await expect(details).not.toContainText('Next try');
    const before = await countIn(page, 'Kept here');
    await page.screenshot({ path: path.join(SHOTS, 'audit-02-local-only-details.png') });
    await page.keyboard.press('Escape');
    await expect(details).toBeHidden();

    // Main pushes no delivery events here: the count moves because the finished run is noticed.
    await runLoanSchedule(page);
    await openDetails(page);
    await expect.poll(() => countIn(page, 'Kept here')).toBeGreaterThan(before);
    await page.keyboard.press('Escape');
    await expect(chip).toHaveText('Audit: local only');
  });
});

test('with an audit endpoint that cannot be reached, the records of a run are shown waiting, with the problem and the next try', async ({
  page,
}) => {
  const machine = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-policy-'));
  const policy = path.join(machine, 'policy.json');
  const held = await refusingPort();
  const endpoint = `http://127.0.0.1:${held.port}/`;
  writeFileSync(policy, JSON.stringify({ audit: { endpoint } }));
  try {
    await withDesk(
      { env: { SCRIPTDESK_POLICY: policy }, beforeStart: setAuditToken },
      async (desk: Desk) => {
        try {
          await page.goto(desk.url);
          const chip = page.getByTestId('audit-delivery-badge');
          await expect(chip).toHaveAttribute('data-state', 'waiting');
          const before = Number(/(\d+) waiting/.exec(await chip.innerText())![1]);

          await runLoanSchedule(page);
          await expect
            .poll(async () => Number(/(\d+) waiting/.exec(await chip.innerText())?.[1]))
            .toBeGreaterThan(before);
          await expect(chip).toHaveText(/^Audit: \d+ waiting$/);
          // A failed attempt turns it to the warning colour, and says so in words too.
          await expect(chip).toHaveAttribute('data-attention', 'true');
          await expect(chip).toHaveAttribute(
            'aria-label',
            /^Audit: \d+ waiting\. \d+ records not yet delivered to the audit endpoint, the oldest written .+; delivery is not getting through\.$/,
          );
          await page.screenshot({ path: path.join(SHOTS, 'audit-03-waiting.png') });

          const details = await openDetails(page);
          await expect(details).toContainText(
            /records could not be sent to the audit endpoint yet, the oldest written .+\. Nothing is lost: the journal on this computer keeps them, and ScriptDesk keeps trying\./,
          );
          const facts = page.getByTestId('audit-delivery-facts');
          await expect(facts).toContainText(`Endpoint${endpoint}`);
          await expect(facts).toContainText(/Waiting\s*\d+, the oldest written/);
          await expect(facts).toContainText(/Last delivery\s*never/);
          await expect(facts).toContainText(
            `Last problemthe audit endpoint ${new URL(endpoint).origin} cannot be reached (ECONNREFUSED)`,
          );
          await expect(facts).toContainText(/Next try\s*(in |any moment)/);
          await expect(facts).not.toContainText('Refused');
          expect(await page.content()).not.toContain(AUDIT_TOKEN);
          await page.screenshot({ path: path.join(SHOTS, 'audit-04-waiting-details.png') });
          await page.keyboard.press('Escape');

          // A small window: the chip keeps its words; the catalogue name gives way instead.
          await page.setViewportSize({ width: 820, height: 640 });
          await expect(chip).toBeInViewport();
          await expect(chip).toHaveText(/^Audit: \d+ waiting$/);
          await expect(page.getByTestId('signed-in-user')).toBeInViewport();
          await page.screenshot({ path: path.join(SHOTS, 'audit-05-waiting-small-window.png') });
        } finally {
          desk.cli('audit', 'token', 'clear');
        }
      },
    );
  } finally {
    rmSync(machine, { recursive: true, force: true });
    held.release();
  }
});
