import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { callApi, REPO, SHOTS, withDesk } from './desk.js';

const SCRIPT = path.join(REPO, 'test', 'fixtures', 'import', 'argparse', 'sales_report.py');

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** What argparse makes of `argv` when a person runs the script by hand. */
function parsedByHand(argv: string[]): unknown {
  const stdout = execFileSync('python3', ['-I', SCRIPT, ...argv], { encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n')[1]!);
}

test('an imported argparse script: its form in the app runs it with the arguments a person would type', async ({
  page,
}) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-import-'));
  try {
    const source = path.join(work, 'catalogue');
    cpSync(path.join(REPO, 'examples', 'catalogue'), source, { recursive: true });
    execFileSync(
      process.execPath,
      [
        path.join(REPO, 'bin', 'scriptdesk.js'),
        'import',
        'argparse',
        SCRIPT,
        '--out',
        path.join(source, 'scripts', 'sales-report'),
        '--group',
        'analysts',
      ],
      { env: { ...process.env, SCRIPTDESK_HOME: path.join(work, 'admin') }, stdio: 'pipe' },
    );
    const ledger = path.join(work, 'ledger.csv');
    writeFileSync(ledger, 'sku,amount\n');
    const realLedger = realpathSync(ledger);
    await withDesk({ source }, async (desk) => {
      await page.goto(desk.url);
      await page.getByTestId('script-item-sales-report').click();
      await expect(page.getByTestId('script-title')).toHaveText(/Builds the monthly sales report/);
      await page.locator('#root_month').fill('2026-01');
      await page.locator('#root_ledger').fill(realLedger);
      await page.locator('#root_top').fill('5');
      await page.locator('#root_include_returns').check();
      await page.locator('#root_no_chart').check();
      await page.locator('#root_title').fill('Q1 -- final');
      await page.screenshot({ path: path.join(SHOTS, 'import-01-form.png'), fullPage: true });
      // A destructive script that supports dry runs starts as a dry run: no confirmation needed.
      await expect(page.getByTestId('dry-run-switch')).toBeChecked();
      await page.getByTestId('run-button').click();
      await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
      await page.screenshot({ path: path.join(SHOTS, 'import-02-run.png'), fullPage: true });

      const { runs } = await callApi<{ runs: { runId: string }[] }>(desk.url, 'run.list', {});
      const detail = await callApi<{ outputDir: string }>(desk.url, 'run.get', {
        runId: runs[0]!.runId,
      });
      const parsed = JSON.parse(
        readFileSync(path.join(detail.outputDir, 'parsed.json'), 'utf8'),
      ) as {
        argv: string[];
        args: unknown;
      };
      // The form's defaults (region, threshold, currency, format, rounding) are passed as shown.
      expect(parsed.argv).toEqual([
        `--ledger=${realLedger}`,
        '--region=north',
        '--top=5',
        '--threshold=0.5',
        '--currency=EUR',
        '--include-returns',
        '--no-chart',
        '--format=pdf',
        '--rounding=2',
        '--title=Q1 -- final',
        '--dry-run',
        '--',
        '2026-01',
      ]);
      expect(parsed.args).toEqual(
        parsedByHand([
          '--ledger',
          realLedger,
          '-t',
          '5',
          '--include-returns',
          '--no-chart',
          '--title',
          'Q1 -- final',
          '--dry-run',
          '2026-01',
        ]),
      );
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
