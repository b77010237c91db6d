import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { appUrl, REPO, SHOTS } from './desk.js';

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test('a script’s details say which commit its catalogue was built from, who built it', async ({
  page,
}) => {
  // The suite's desk publishes examples/catalogue from this checkout: its HEAD is the commit.
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  await page.goto(appUrl());
  await page.getByTestId('script-item-loan-schedule').click();
  const line = page.getByTestId('script-provenance');
  await expect(line).toContainText(`Published from commit ${head.slice(0, 12)}`);
  await expect(line).toContainText(', built by ');
  await expect(line).not.toContainText('tests were skipped');
  await expect(line.locator('code')).toHaveAttribute('title', head);
  await page.screenshot({ path: path.join(SHOTS, 'script-provenance.png') });
});
