import { chromium } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callTyped } from '../main/contract/dispatcher.js';
import { startWebHost } from '../main/host/web-host.js';
import { benchDesk } from './bench-desk.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

/**
 * The run view while a script prints a million lines (every 1,000th a logging warning, every
 * 10,000th an error) through the real runner and the web host, in headless Chromium: the longest
 * task on the page's main thread while the lines stream (a `longtask` PerformanceObserver), and
 * the page's JavaScript heap once the run has ended (CDP `Performance.getMetrics`). The
 * baseline in the same run is the page showing a finished run of ten lines.
 * `BENCH_LOG_LINES` sets the lines (default 1,000,000).
 */
const LINES = Number(process.env.BENCH_LOG_LINES ?? 1_000_000);
const TARGET_TASK_MS = 100;
const TARGET_HEAP_MB = 300;
const DIST = fileURLToPath(new URL('../', import.meta.url));

const SCRIPT = `import json, logging, os, sys, time
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
while inputs.get("go") and not os.path.exists(inputs["go"]):
    time.sleep(0.02)
logging.basicConfig(stream=sys.stdout, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("bench")
write = sys.stdout.write
for n in range(1, inputs["lines"] + 1):
    if n % 10000 == 0:
        log.error("row %d does not balance", n)
    elif n % 1000 == 0:
        log.warning("row %d is late", n)
    else:
        write(f"row {n} reconciled against the ledger\\n")
`;

/** Runs in the page before its own code: records every long task from now on. */
const WATCH_LONG_TASKS = `(() => {
  window.__tasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__tasks.push([entry.startTime, entry.duration]);
  }).observe({ type: 'longtask', buffered: true });
})()`;

export async function benchLogScale(): Promise<void> {
  const desk = await benchDesk([
    {
      id: 'million-lines',
      source: SCRIPT,
      properties: { lines: { type: 'integer' }, go: { type: 'string' } },
    },
  ]);
  const host = await startWebHost({
    dispatch: desk.app.dispatch,
    subscribe: (listener) => desk.app.subscribe(listener),
    validatorModule: (sha256) => desk.app.validatorModule(sha256),
    rendererDir: path.join(DIST, 'renderer'),
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const start = async (lines: number, go?: string) => {
      const result = await callTyped(
        desk.app.dispatch,
        'run.start',
        { scriptId: 'million-lines', inputs: { lines, ...(go ? { go } : {}) } },
        { transport: 'http' },
      );
      if (!result.ok) throw new Error(result.error.message);
      return result.value.runId;
    };
    const ended = (runId: string) =>
      new Promise<void>((resolve) => {
        const stop = desk.app.subscribe((event) => {
          if (
            event.name === 'run.status' &&
            event.payload.runId === runId &&
            event.payload.finishedAt
          ) {
            stop();
            resolve();
          }
        });
      });

    const measure = async (runId: string, go: string | null, done: Promise<void>) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.addInitScript({ content: WATCH_LONG_TASKS });
      await page.goto(host.url);
      await page.getByTestId('script-list').waitFor();
      await page.evaluate(`location.hash = '#/runs/${runId}'`);
      await page.getByTestId('run-log').waitFor();
      const streamFrom = Number(await page.evaluate('performance.now()'));
      const began = Date.now();
      if (go) await writeFile(go, '');
      await done;
      const seconds = (Date.now() - began) / 1000;
      // The last lines drawn: the view is at the end of the finished run.
      await page
        .locator('[data-testid="run-status"][data-status="succeeded"]')
        .waitFor({ timeout: 120_000 });
      const streamTo = Number(await page.evaluate('performance.now()'));
      const tasks = (await page.evaluate('window.__tasks')) as [number, number][];
      const during = tasks.filter(([at]) => at >= streamFrom && at <= streamTo);
      await page.evaluate('new Promise((r) => setTimeout(r, 500))');
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = (await cdp.send('Performance.getMetrics')) as {
        metrics: { name: string; value: number }[];
      };
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 1024 / 1024;
      const rows = await page.getByTestId('run-log').getAttribute('data-rows');
      await page.close();
      return {
        longest: Math.max(0, ...during.map(([, duration]) => duration)),
        longTasks: during.length,
        heap,
        seconds,
        rows,
      };
    };

    const small = await start(10);
    await ended(small);
    const baseline = await measure(small, null, Promise.resolve());
    const go = path.join(desk.root, 'go');
    const big = await start(LINES, go);
    const result = await measure(big, go, ended(big));

    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    console.log(
      `log at scale (${LINES.toLocaleString('en')} lines printed while the run view is open)`,
    );
    console.log(
      `  baseline    a finished 10-line run        heap ${baseline.heap.toFixed(1)} MB   longest task ${baseline.longest.toFixed(0)} ms`,
    );
    console.log(
      `  streaming   ${result.seconds.toFixed(1)} s, view shows ${result.rows} lines   longest task ${result.longest.toFixed(0)} ms (${result.longTasks} tasks over 50 ms)`,
    );
    // A longtask entry is a task over 50 ms: none seen means the longest was under that.
    console.log(
      `  longest task while lines stream ${result.longTasks === 0 ? 'none over 50' : result.longest.toFixed(0)} ms (target under ${TARGET_TASK_MS} ms: ${verdict(result.longest < TARGET_TASK_MS)})`,
    );
    console.log(
      `  renderer JS heap at the end ${result.heap.toFixed(1)} MB (target under ${TARGET_HEAP_MB} MB: ${verdict(result.heap < TARGET_HEAP_MB)})`,
    );
  } finally {
    await browser.close();
    await host.close();
    await desk.close();
  }
}
