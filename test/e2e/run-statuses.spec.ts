import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { callApi, SHOTS, testManifest, withScriptsDesk, type Desk } from './desk.js';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/**
 * A script for these tests only: sleeps, waits for a file, floods its output or ends with a chosen
 * exit code.
 */
const OUTCOME_SCRIPT = {
  'script.json': testManifest({
    id: 'outcome-demo',
    title: 'Monthly extract',
    summary: 'Test script: waits, writes many lines or ends with the exit code it is given.',
    exitCodes: {
      '0': { status: 'success' },
      '1': { status: 'failed', message: 'The script stopped because of an unexpected error.' },
      '3': { status: 'expected', message: 'There is no data for that month yet.' },
      '75': { status: 'retriable', message: 'The data warehouse is busy.' },
    },
  }),
  'form.schema.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      sleepSeconds: { type: 'integer', title: 'Wait (seconds)', minimum: 0, maximum: 300 },
      goFile: { type: 'string', title: 'Go on once this file exists' },
      floodLines: { type: 'integer', title: 'Lines to write', minimum: 0, maximum: 10000000 },
      exitCode: { type: 'integer', title: 'Exit code', minimum: 0, maximum: 255 },
      reportName: {
        type: 'string',
        title: 'Write a report of this name',
        pattern: '^[a-z]+\\.txt$',
      },
    },
  },
  'requirements.lock': '# Nothing to install.\n',
  'main.py': `import json, os, sys, time
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
print("Extract started.", flush=True)
time.sleep(inputs.get("sleepSeconds", 0))
while inputs.get("goFile") and not os.path.exists(inputs["goFile"]):
    time.sleep(0.05)
line = "row " + "x" * 56
for number in range(inputs.get("floodLines", 0)):
    print(f"{number + 1:>9} {line}")
if inputs.get("reportName"):
    with open(os.path.join(os.environ["SCRIPTDESK_OUTPUT_DIR"], inputs["reportName"]), "w") as report:
        report.write("Extract report\\n")
print("Extract finished.", flush=True)
sys.exit(inputs.get("exitCode", 0))
`,
};

/** A script whose Python requirement no interpreter here meets, so its environment fails for real. */
const FUTURE_PYTHON_SCRIPT = {
  'script.json': {
    ...OUTCOME_SCRIPT['script.json'],
    id: 'future-python',
    title: 'Forecast with Python 4',
    summary: 'Test script: asks for a Python version that does not exist yet.',
    python: '>=4.0',
    exitCodes: { '0': { status: 'success' } },
  },
  'form.schema.json': OUTCOME_SCRIPT['form.schema.json'],
  'requirements.lock': '# Nothing to install.\n',
  'main.py': 'print("never runs")\n',
};

/**
 * Starts a desk whose catalogue is the demo one plus the two test scripts, under a machine policy
 * of one run at a time and 1 MiB of output per run, and stops it afterwards.
 */
async function withStatusDesk(body: (desk: Desk) => Promise<void>): Promise<void> {
  await withScriptsDesk(
    [OUTCOME_SCRIPT, FUTURE_PYTHON_SCRIPT],
    { policy: { maxConcurrentRuns: 1, maxOutputBytes: 1024 * 1024 } },
    body,
  );
}

async function startRun(desk: Desk, inputs: Record<string, number | string>): Promise<string> {
  const { runId } = await callApi<{ runId: string }>(desk.url, 'run.start', {
    scriptId: 'outcome-demo',
    inputs,
  });
  return runId;
}

/** Opens the run view of `runId` (the page keeps its token after the first visit). */
async function openRun(page: Page, runId: string): Promise<void> {
  await page.evaluate((id) => (location.hash = `#/runs/${id}`), runId);
  await expect(page.getByTestId('run-status')).toBeVisible();
}

test('runs beyond the limit wait for a free slot, say how many runs are ahead, and can be cancelled while waiting', async ({
  page,
}) => {
  await withStatusDesk(async (desk) => {
    const running = await startRun(desk, { sleepSeconds: 120 });
    const next = await startRun(desk, {});
    const last = await startRun(desk, {});
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();

    await openRun(page, last);
    const status = page.getByTestId('run-status');
    await expect(status).toHaveAttribute('data-status', 'queued');
    await expect(status).toHaveText('Waiting');
    await expect(page.getByTestId('run-queue-position')).toHaveText(
      'Waiting for a free slot — 1 run ahead',
    );
    await expect(page.getByTestId('run-result')).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'status-queued.png'), fullPage: true });

    // Cancel asks first, and keeping the run is the default answer.
    await page.getByTestId('cancel-run').click();
    const ask = page.getByRole('dialog');
    await expect(ask).toContainText('It has not started, so nothing has been changed.');
    await expect(ask.getByRole('button', { name: 'Keep waiting' })).toBeFocused();
    await expect(page.locator('.MuiDialog-container')).toHaveCSS('opacity', '1'); // faded in
    await page.screenshot({ path: path.join(SHOTS, 'status-cancel-asks.png'), fullPage: true });
    await page.keyboard.press('Enter');
    await expect(ask).toHaveCount(0);
    await expect(status).toHaveText('Waiting');
    await page.getByTestId('cancel-run').click();
    await page.getByTestId('confirm-cancel-run').click();
    await expect(status).toHaveAttribute('data-status', 'cancelled');
    await expect(page.getByTestId('run-result')).toContainText('The run was cancelled');

    await openRun(page, next);
    await expect(page.getByTestId('run-queue-position')).toHaveText(
      'Waiting for a free slot — starts next',
    );
    // The slot frees up: the waiting run starts by itself and the page follows it.
    await callApi(desk.url, 'run.cancel', { runId: running });
    await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
    await expect(page.getByTestId('run-queue-position')).toHaveCount(0);
    await expect(page.getByTestId('run-log')).toContainText('Extract finished.');

    await page.getByRole('button', { name: 'History' }).first().click();
    const history = page.getByTestId('history-table');
    await expect(history.getByTestId(`history-row-${last}`)).toContainText('Cancelled');
    await expect(history.getByTestId(`history-row-${next}`)).toContainText('Succeeded');
    await expect(history.getByTestId(`history-row-${running}`)).toContainText('Cancelled');
  });
});

test('a script that writes more than the output limit is stopped, and its whole log can still be scrolled to the first line', async ({
  page,
}) => {
  await withStatusDesk(async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('script-item-outcome-demo').click();
    // The script floods only once the run view follows it, so the view gets it as batched events.
    const go = path.join(desk.work, 'go');
    await page.locator('#root_goFile').fill(go);
    await page.locator('#root_floodLines').fill('100000');
    await page.getByTestId('run-button').click();
    const status = page.getByTestId('run-status');
    await expect(status).toHaveAttribute('data-status', 'running');
    await expect(page.getByTestId('run-log')).toContainText('Extract started.');
    writeFileSync(go, '');
    await expect(status).toHaveAttribute('data-status', 'output_limit', { timeout: 60_000 });
    await expect(status).toHaveText('Too much output');
    await expect(page.getByTestId('run-result')).toContainText(
      'The script wrote more output than allowed and was stopped',
    );
    const log = page.getByTestId('run-log');
    // However much the script wrote, the view lists every line and draws only a screenful; the
    // lines it did not get as events are read from main when scrolled to, the first one too.
    await expect(log).toHaveAttribute('data-rows', /^\d{5,}$/);
    expect(Number(await log.getAttribute('data-rows'))).toBeGreaterThan(2000);
    expect(await log.locator('[data-seq]').count()).toBeLessThan(100);
    await page.screenshot({ path: path.join(SHOTS, 'status-output-limit.png'), fullPage: true });
    await log.focus();
    await page.keyboard.press('Home');
    await expect(log.locator('[data-seq="1"]')).toContainText('Extract started.');
    await expect(log.locator('[data-seq="2"]')).toContainText('1 row x');
    await log.screenshot({ path: path.join(SHOTS, 'status-output-limit-log.png') });
  });
});

test('an expected outcome from the exit-code table is shown calmly as information, not as a failure', async ({
  page,
}) => {
  await withStatusDesk(async (desk) => {
    await page.goto(desk.url);
    await page.getByTestId('script-item-outcome-demo').click();
    await page.locator('#root_exitCode').fill('3');
    await page.getByTestId('run-button').click();
    const status = page.getByTestId('run-status');
    await expect(status).toHaveAttribute('data-status', 'expected', { timeout: 30_000 });
    await expect(status).toHaveText('Expected outcome');
    const result = page.getByTestId('run-result');
    await expect(result).toContainText('There is no data for that month yet.');
    await expect(result).toContainText('This is not an error');
    await expect(result).toHaveClass(/MuiAlert-colorInfo/);
    await page.screenshot({ path: path.join(SHOTS, 'status-expected.png'), fullPage: true });

    await page.getByRole('button', { name: 'History' }).first().click();
    await expect(page.getByTestId('history-table')).toContainText('Expected outcome');
    await page.screenshot({ path: path.join(SHOTS, 'status-history.png'), fullPage: true });
  });
});

test('a script whose Python environment cannot be prepared is marked Unavailable and cannot be run', async ({
  page,
}) => {
  await withStatusDesk(async (desk) => {
    await page.goto(desk.url);
    const chip = page.getByTestId('script-environment-future-python');
    await expect(chip).toHaveText('Unavailable', { timeout: 30_000 });
    await expect(page.getByTestId('script-environment-csv-summary')).toHaveCount(0);
    await page.getByTestId('script-item-future-python').click();
    const notice = page.getByTestId('environment-failed');
    await expect(notice).toContainText('This script can’t run on this computer right now');
    await expect(page.getByTestId('environment-failed-detail')).toContainText(
      'Details for your administrator:',
    );
    await expect(page.getByTestId('environment-failed-detail')).toContainText('4.0');
    await expect(page.getByTestId('run-button')).toBeDisabled();
    await page.screenshot({
      path: path.join(SHOTS, 'environment-unavailable.png'),
      fullPage: true,
    });
  });
});

test('a run that ends while the page’s event stream is away shows as finished in History once the stream is back', async ({
  page,
}) => {
  await withStatusDesk(async (desk) => {
    // Hold the page's event stream until the run has ended, as when the host was away a moment.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    await page.route('**/api/events', async (route) => {
      held += 1;
      await released;
      await route.continue();
    });
    const goFile = path.join(os.tmpdir(), `scriptdesk-e2e-go-${process.pid}-${Date.now()}`);
    const { runId } = await callApi<{ runId: string }>(desk.url, 'run.start', {
      scriptId: 'outcome-demo',
      inputs: { goFile },
    });
    try {
      await page.goto(desk.url);
      await page.getByRole('button', { name: 'History' }).first().click();
      const row = page.getByTestId(`history-row-${runId}`);
      await expect(row).toContainText('Running');
      expect(held).toBeGreaterThan(0);

      writeFileSync(goFile, '');
      await expect
        .poll(
          async () => (await callApi<{ status: string }>(desk.url, 'run.get', { runId })).status,
          { timeout: 30_000 },
        )
        .toBe('succeeded');
      // The run ended while no event could reach the page: History still says what it read.
      await expect(row).toContainText('Running');

      release();
      await expect(row).toContainText('Succeeded');
    } finally {
      release();
      rmSync(goFile, { force: true });
    }
  });
});

test('a run that ends shows its status and its files together, never "no files" first', async ({
  page,
}) => {
  await withStatusDesk(async (desk) => {
    // Main's answers saying the run has ended are held back: the page hears that the run ended
    // (its event) before it can read what the run made, and must not claim it made nothing.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let heldAnswers = 0;
    await page.route('**/api/call/run.get', async (route) => {
      const response = await route.fetch();
      const answer = (await response.json()) as { value?: { status?: string } };
      if (answer.value?.status && !['queued', 'running'].includes(answer.value.status)) {
        heldAnswers += 1;
        await released;
      }
      await route.fulfill({ response });
    });
    const goFile = path.join(os.tmpdir(), `scriptdesk-e2e-go-${process.pid}-${Date.now()}`);
    const runId = await startRun(desk, { goFile, reportName: 'extract.txt' });
    try {
      await page.goto(desk.url);
      await openRun(page, runId);
      await expect(page.getByTestId('run-status')).toHaveText(/running/i);

      writeFileSync(goFile, '');
      await expect.poll(() => heldAnswers, { timeout: 30_000 }).toBeGreaterThan(0);
      // Two frames for whatever the page heard to be drawn.
      await page.evaluate(
        () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
      );
      await expect(page.getByText('This run produced no files')).toHaveCount(0);
      await expect(page.getByTestId('run-status')).toHaveText(/running/i, { timeout: 1 });

      release();
      await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i);
      await expect(page.getByTestId('output-file-extract.txt')).toBeVisible();
    } finally {
      release();
      rmSync(goFile, { force: true });
    }
  });
});
