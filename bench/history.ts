import { chromium, type Browser } from '@playwright/test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScriptDeskApp } from '../main/app/app.js';
import { callTyped } from '../main/contract/dispatcher.js';
import type { MethodInput, RunStatus } from '../main/contract/api.js';
import { startWebHost } from '../main/host/web-host.js';
import { RunStore, type StoredRun } from '../main/runs/run-store.js';
import { openDatabase } from '../main/storage/database.js';
import { demoDesk } from './bench-desk.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { quantiles, stats, timed } from './stats.js';

/**
 * History with 100,000 runs against the same page with 100 runs, in one process and one browser:
 * the nav click → the first page of rows on screen, a search typed → its rows, and the main-side
 * `run.list` calls behind them. `BENCH_HISTORY_RUNS` and `BENCH_HISTORY_ROUNDS` change the sizes.
 */
const LARGE = Number(process.env.BENCH_HISTORY_RUNS ?? 100_000);
const SMALL = 100;
const ROUNDS = Number(process.env.BENCH_HISTORY_ROUNDS ?? 9);
/** 100,000 runs may cost at most this much more than 100 to show. */
const TARGET_RATIO = 1.5;
const RENDERER = fileURLToPath(new URL('../renderer', import.meta.url));

const SCRIPTS = [
  ['loan-schedule', 'Loan repayment schedule'],
  ['csv-summary', 'Summarise a CSV'],
  ['rename-files', 'Rename files by pattern'],
  ['api-check', 'Check an API'],
] as const;
const STATUSES: RunStatus[] = ['succeeded', 'succeeded', 'succeeded', 'failed', 'cancelled'];

/** `count` finished runs over the last `count` minutes, as a busy device's history would hold. */
function seedRuns(app: ScriptDeskApp, count: number): void {
  // Its own connection to the app's database (WAL: the app's connection sees the rows at once).
  const db = openDatabase(app.services.paths.database);
  const store = new RunStore(db);
  const owner = { pid: process.pid, started: 'bench' };
  const now = Date.now();
  store.transaction(() => {
    for (let i = 0; i < count; i++) {
      const [scriptId, title] = SCRIPTS[i % SCRIPTS.length]!;
      const startedAt = new Date(now - (count - i) * 60_000).toISOString();
      const run: StoredRun = {
        runId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        scriptId,
        scriptVersion: '1.0.0',
        title,
        status: STATUSES[i % STATUSES.length]!,
        dryRun: i % 7 === 0,
        startedAt,
        finishedAt: startedAt,
        exitCode: 0,
        message: '',
        outputs: [],
        runDir: '/nonexistent',
        logLines: 0,
        logLevels: null,
        inputs: {},
        reason: i % 3 === 0 ? `CHG-${i} monthly close for team ${i % 40}` : null,
        user: 'analyst',
        scheduleId: null,
      };
      store.insert(run, owner);
    }
  });
  db.close();
}

interface Sample {
  label: string;
  count: number;
  host: { url: string; close(): Promise<void> };
  app: ScriptDeskApp;
  close: () => Promise<void>;
  open: number[];
  search: number[];
  heapMb: number[];
}

/** Marks the frame in which `selector` first matches after `window.__watch(name, selector)`. */
const WATCH = `window.__seen = {};
window.__watch = (name, selector, text) => {
  const check = () => {
    const found = document.querySelector(selector);
    if (!found || (text && !found.textContent.includes(text))) return false;
    requestAnimationFrame(() => (window.__seen[name] = performance.now()));
    return true;
  };
  if (check()) return;
  const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
};`;

async function once(browser: Browser, sample: Sample): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: WATCH });
    await page.goto(sample.host.url);
    await page.waitForSelector('[data-testid^="script-item-"]');
    const seen = (name: string) =>
      page
        .waitForFunction(
          (key) => (globalThis as unknown as { __seen: Record<string, number> }).__seen[key],
          name,
          { polling: 'raf', timeout: 60_000 },
        )
        .then(async (handle) => Number(await handle.jsonValue()));
    const clickAt = Number(
      await page.evaluate(`(() => {
        window.__watch('rows', '[data-testid^="history-row-"]');
        const at = performance.now();
        document.querySelector('[data-testid="nav-history"]').click();
        return at;
      })()`),
    );
    sample.open.push((await seen('rows')) - clickAt);
    // A search that matches about one run in 3,000: typed, then Enter (no pause to wait out).
    const search = page.getByTestId('history-search');
    await search.fill('team 17');
    const enterAt = Number(
      await page.evaluate(`(() => {
        window.__watch('found', '[data-testid="history-pages"]', 'matching runs');
        return performance.now();
      })()`),
    );
    await search.press('Enter');
    sample.search.push((await seen('found')) - enterAt);
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const metrics = (await cdp.send('Performance.getMetrics')) as {
      metrics: { name: string; value: number }[];
    };
    const heap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    sample.heapMb.push(heap / 1024 / 1024);
  } finally {
    await context.close();
  }
}

async function mainSide(app: ScriptDeskApp, input: MethodInput<'run.list'>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const { ms, value } = await timed(() =>
      callTyped(app.dispatch, 'run.list', input, { transport: 'http' }),
    );
    if (!value.ok) throw new Error(value.error.message);
    times.push(ms);
  }
  return stats(times).median;
}

const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(9);

export async function benchHistory(): Promise<void> {
  const samples: Sample[] = [];
  let browser: Browser | undefined;
  try {
    for (const [label, count] of [
      [`${SMALL} runs`, SMALL],
      [`${LARGE.toLocaleString('en')} runs`, LARGE],
    ] as const) {
      const desk = await demoDesk();
      seedRuns(desk.app, count);
      const host = await startWebHost({
        dispatch: desk.app.dispatch,
        subscribe: (listener) => desk.app.subscribe(listener),
        validatorModule: (sha256) => desk.app.validatorModule(sha256),
        rendererDir: path.resolve(RENDERER),
      });
      samples.push({
        label,
        count,
        host,
        app: desk.app,
        close: async () => {
          await host.close();
          await desk.close();
        },
        open: [],
        search: [],
        heapMb: [],
      });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    for (const sample of samples) await once(browser, sample); // unmeasured: warms Chromium
    for (const sample of samples)
      sample.open.length = sample.search.length = sample.heapMb.length = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...samples].reverse() : samples;
      for (const sample of order) await once(browser, sample);
    }

    console.log(`history (headless Chromium, web host, ${ROUNDS} interleaved rounds)`);
    for (const sample of samples) {
      const last = Math.max(0, sample.count - 50);
      console.log(
        `  ${sample.label.padEnd(14)} click → first page ${ms(stats(sample.open).median)}   ` +
          `search → its rows ${ms(stats(sample.search).median)}   ` +
          `renderer heap ${stats(sample.heapMb).median.toFixed(1)} MB`,
      );
      console.log(
        `  ${''.padEnd(14)} run.list in main: first page ${ms(await mainSide(sample.app, { limit: 50 }))}   ` +
          `last page ${ms(await mainSide(sample.app, { limit: 50, offset: last }))}   ` +
          `text search ${ms(await mainSide(sample.app, { limit: 50, text: 'team 17' }))}   ` +
          `script + status ${ms(await mainSide(sample.app, { limit: 50, scriptId: 'csv-summary', statuses: ['failed'] }))}`,
      );
    }
    const [small, large] = samples as [Sample, Sample];
    const paired = (of: (sample: Sample) => number[]) =>
      quantiles(
        of(large).map((value, round) => value / of(small)[round]!),
        0.5,
      )[0]!;
    const openRatio = paired((s) => s.open);
    const searchRatio = paired((s) => s.search);
    console.log(
      `  ratio          ${large.label} ÷ ${small.label}: first page ${openRatio.toFixed(2)}x, search ${searchRatio.toFixed(2)}x`,
    );
    console.log(
      `  target         first page with ${large.label} ≤ ${TARGET_RATIO}x ${small.label}: ${openRatio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
  } finally {
    await browser?.close();
    for (const sample of samples) await sample.close();
  }
}
