import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe.js';
import { appUrl, callApi, REPO, SHOTS, testManifest, withScriptsDesk } from './desk.js';

const SALES_CSV = path.join(REPO, 'examples', 'data', 'sales.csv');

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

/** Runs "Summarise a CSV" on the demo sales file through the form and waits for its end. */
async function summariseSales(page: Page): Promise<string> {
  await page.goto(appUrl());
  await page.getByTestId('script-item-csv-summary').click();
  await page.locator('#root_csvFile').fill(SALES_CSV);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });
  return (await page.getByTestId('run-output-dir').textContent())!;
}

test('a CSV output previews as a table and a Markdown report as a document, both passing axe-core', async ({
  page,
}) => {
  await summariseSales(page);
  await page.getByTestId('output-file-column-stats.csv').click();
  const dialog = page.getByRole('dialog', { name: /column-stats\.csv/ });
  const table = dialog.getByRole('table');
  await expect(table.getByRole('columnheader', { name: 'column', exact: true })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'top_values' })).toBeVisible();
  // The row of the revenue column: its name in the first cell, its type beside it.
  const revenue = table.getByRole('row').filter({ hasText: 'revenue' });
  await expect(revenue.getByRole('cell').nth(0)).toHaveText('revenue');
  await expect(revenue.getByRole('cell').nth(1)).toHaveText('number');
  await expect(dialog.getByTestId('preview-truncated')).toHaveCount(0);
  await page.screenshot({ path: path.join(SHOTS, 'outputs-01-csv-table.png') });
  await expectAccessible(page, 'CSV output as a table');
  await page.keyboard.press('Escape');

  await page.getByTestId('output-file-summary.md').click();
  const report = page.getByRole('dialog', { name: /summary\.md/ });
  await expect(report.getByRole('heading', { name: 'CSV summary', level: 3 })).toBeVisible();
  await expect(
    report.getByRole('heading', { name: 'Columns', exact: true, level: 4 }),
  ).toBeVisible();
  await expect(report.getByRole('cell', { name: 'revenue' }).first()).toBeVisible();
  // Rendered, not shown as source: no Markdown table pipes or heading marks in the text.
  await expect(report.getByTestId('output-preview')).not.toContainText('| ---');
  await expect(report.getByTestId('output-preview')).not.toContainText('# CSV summary');
  await page.screenshot({ path: path.join(SHOTS, 'outputs-02-markdown.png') });
  await expectAccessible(page, 'Markdown output rendered');
});

test('Save as in the browser downloads the run’s verified file, and Copy path copies where it is', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const outputDir = await summariseSales(page);
  await page.getByTestId('output-file-summary.md').click();
  const dialog = page.getByRole('dialog', { name: /summary\.md/ });
  // The browser has no system dialog for main to show: Open and Show in folder are not offered.
  await expect(dialog.getByTestId('output-save-as')).toHaveText('Save as (download)');
  await expect(dialog.getByTestId('output-open')).toHaveCount(0);
  await expect(dialog.getByTestId('output-show')).toHaveCount(0);

  const downloading = page.waitForEvent('download');
  await dialog.getByTestId('output-save-as').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('summary.md');
  const saved = readFileSync((await download.path())!);
  const original = readFileSync(path.join(outputDir, 'summary.md'));
  expect(saved.equals(original)).toBe(true);
  const listed = await page.getByTestId('output-file-summary.md').textContent();
  expect(listed).toContain(createHash('sha256').update(saved).digest('hex').slice(0, 12));
  await expect(dialog.getByTestId('output-action-notice')).toContainText('was downloaded');

  await dialog.getByTestId('output-copy-path').click();
  await expect(dialog.getByTestId('output-action-notice')).toContainText('Copied the path');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    path.join(outputDir, 'summary.md'),
  );
  await page.screenshot({ path: path.join(SHOTS, 'outputs-03-saved-and-copied.png') });
  await page.keyboard.press('Escape');

  await page.getByTestId('output-dir-copy').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(outputDir);
  await expect(page.getByTestId('output-dir-show')).toHaveCount(0);
});

/** A PNG of 24x16 blue pixels, written by Python's standard library. */
const PNG_WRITER = `def png(width, height, rgb):
    raw = b"".join(b"\\x00" + bytes(rgb) * width for _ in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
`;

/** A report that tries everything a preview must not do: fetch, run code, restyle the page. */
const HOSTILE_REPORT = [
  '# Quarterly report',
  '',
  '![tracking pixel](http://tracker.example/pixel.png)',
  '',
  '<img src="http://tracker.example/raw.png" onerror="window.__previewXss = 1">',
  '',
  '<script>window.__previewXss = 2</script>',
  '',
  '<style>body { display: none }</style>',
  '',
  'See [the dashboard](https://intranet.example/dash) or [this](javascript:window.__previewXss=3).',
  '',
].join('\n');

const REPORT_SCRIPT = {
  'script.json': testManifest({
    id: 'report-kinds',
    title: 'Report of every kind',
    summary: 'Test script: writes a Markdown report, an image, JSON and text.',
    timeoutSeconds: 60,
  }),
  'form.schema.json': { type: 'object', additionalProperties: false, properties: {} },
  'requirements.lock': '# Nothing to install.\n',
  'main.py': `import os, pathlib, struct, zlib
${PNG_WRITER}
out = pathlib.Path(os.environ["SCRIPTDESK_OUTPUT_DIR"])
(out / "report.md").write_text(${JSON.stringify(HOSTILE_REPORT)}, encoding="utf-8")
(out / "chart.png").write_bytes(png(24, 16, (30, 90, 200)))
(out / "totals.json").write_text('{"north":120,"south":[80,81]}', encoding="utf-8")
with open(out / "big.csv", "w", encoding="utf-8") as f:
    f.write("row,name\\n" + "".join("%d,item %d\\n" % (n, n) for n in range(1, 1201)))
(out / "broken.json").write_text('{"north": 120,', encoding="utf-8")
(out / "data.bin").write_bytes(bytes(range(256)) * 4)
(out / "notes.txt").write_text("first line\\nsecond line\\nthird line\\n", encoding="utf-8")
print("done")
`,
};

test('a hostile Markdown report shows no remote image, runs no code; images, JSON (valid or not), binary and text preview by kind', async ({
  page,
}) => {
  await withScriptsDesk([REPORT_SCRIPT], {}, async (desk) => {
    const origin = new URL(desk.url).origin;
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(origin) && !request.url().startsWith('data:'))
        foreign.push(request.url());
    });
    const { runId } = await callApi<{ runId: string }>(desk.url, 'run.start', {
      scriptId: 'report-kinds',
      inputs: {},
    });
    await page.goto(desk.url);
    await expect(page.getByTestId('script-list')).toBeVisible();
    await page.evaluate((id) => (location.hash = `#/runs/${id}`), runId);
    await expect(page.getByTestId('run-status')).toHaveText(/succeeded/i, { timeout: 30_000 });

    await page.getByTestId('output-file-report.md').click();
    const report = page.getByRole('dialog', { name: /report\.md/ });
    await expect(report.getByRole('heading', { name: 'Quarterly report' })).toBeVisible();
    await expect(report.getByTestId('markdown-image-placeholder')).toHaveText(
      '[image: tracking pixel — not shown in the preview]',
    );
    await expect(report.locator('img, script, style, iframe')).toHaveCount(0);
    await expect(report.getByRole('link', { name: 'the dashboard' })).toHaveAttribute(
      'href',
      'https://intranet.example/dash',
    );
    await expect(report.getByRole('link', { name: 'this' })).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __previewXss?: number }).__previewXss)).toBe(
      undefined,
    );
    await page.screenshot({ path: path.join(SHOTS, 'outputs-04-hostile-markdown.png') });
    await page.keyboard.press('Escape');

    await page.getByTestId('output-file-chart.png').click();
    const image = page.getByRole('img', { name: 'The image chart.png' });
    await expect(image).toBeVisible();
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24);
    expect(await image.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await page.screenshot({ path: path.join(SHOTS, 'outputs-05-image.png') });
    await page.keyboard.press('Escape');

    await page.getByTestId('output-file-totals.json').click();
    const json = page.getByRole('dialog', { name: /totals\.json/ }).getByTestId('output-preview');
    await expect(json).toHaveText('{\n  "north": 120,\n  "south": [\n    80,\n    81\n  ]\n}');
    await page.keyboard.press('Escape');

    await page.getByTestId('output-file-broken.json').click();
    const broken = page.getByRole('dialog', { name: /broken\.json/ });
    await expect(broken.getByTestId('preview-truncated')).toContainText('This is not valid JSON');
    await expect(broken.getByTestId('output-preview')).toHaveText('{"north": 120,');
    await page.keyboard.press('Escape');

    await page.getByTestId('output-file-data.bin').click();
    await expect(page.getByRole('dialog', { name: /data\.bin/ })).toContainText(
      'This file is not plain text, so it cannot be shown here.',
    );
    await page.keyboard.press('Escape');

    await page.getByTestId('output-file-big.csv').click();
    const big = page.getByRole('dialog', { name: /big\.csv/ });
    await expect(big.getByTestId('preview-truncated')).toContainText(
      'Showing the first 1,000 rows',
    );
    // Only the rows in view are drawn; scrolled to the end, the 1,000th is there.
    await expect(big.getByRole('cell', { name: 'item 1000', exact: true })).toHaveCount(0);
    await big.getByTestId('output-preview').evaluate((element) => {
      element.scrollTop = element.scrollHeight;
    });
    await expect(big.getByRole('cell', { name: 'item 1000', exact: true })).toBeVisible();
    await expect(big.getByRole('cell', { name: 'item 1001', exact: true })).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'outputs-07-table-cut-scrolled.png') });
    await page.keyboard.press('Escape');

    await page.getByTestId('output-file-notes.txt').click();
    const text = page.getByRole('dialog', { name: /notes\.txt/ });
    await expect(text.getByTestId('output-preview')).toHaveText(
      'first line\nsecond line\nthird line',
    );
    await expect(text.getByRole('region', { name: 'Contents of notes.txt' })).toContainText(
      '1\n2\n3',
    );
    await page.screenshot({ path: path.join(SHOTS, 'outputs-06-text-lines.png') });
    await expectAccessible(page, 'text output with line numbers');
    expect(foreign).toEqual([]);
  });
});
