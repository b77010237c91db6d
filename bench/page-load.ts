import { chromium, type Browser } from '@playwright/test';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ScriptDeskApp } from '../main/app/app.js';
import { startWebHost, type WebHostOptions } from '../main/host/web-host.js';
import { quantiles, stats } from './stats.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { demoDesk, DEMO_SOURCE } from './bench-desk.js';
import { untilQuiet } from './page-idle.js';

/**
 * Page load → the catalogue's script list on screen, in headless Chromium against the loopback
 * web host on the demo catalogue, cold cache (a new browser context for every load), for the
 * current build and, when `BENCH_PAGE_LOAD_BASELINE` names another build's `dist` (or its
 * checkout), that build: its own web host and renderer, serving the same app, interleaved.
 * Then a click on the largest demo form's script → its Run button on screen.
 * `BENCH_PAGE_LOAD_ROUNDS` sets the rounds (default 15).
 */
const ROUNDS = Number(process.env.BENCH_PAGE_LOAD_ROUNDS ?? 15);
const TARGET_RATIO = 0.5;
const DIST = fileURLToPath(new URL('../', import.meta.url));

/** What a page load is waited for: the list holding its scripts; and the form's Run button. */
const MARKS = {
  list: '[data-testid="script-list"] [data-testid^="script-item-"]',
  form: '[data-testid="run-button"]',
} as const;

/** Runs in the page before its own scripts: records when each of `marks` first exists. */
const WATCH_MARKS = `(marks) => {
  const shown = {};
  const pending = new Set();
  window.__marks = shown;
  new MutationObserver(() => {
    for (const [name, selector] of Object.entries(marks)) {
      if (pending.has(name) || !document.querySelector(selector)) continue;
      pending.add(name);
      requestAnimationFrame(() => (shown[name] = performance.now()));
    }
  }).observe(document, { childList: true, subtree: true });
}`;

/** Kilobytes of script the page has transferred so far (compressed, as sent). */
const SCRIPT_KB = `performance.getEntriesByType('resource')
  .filter((entry) => entry.name.endsWith('.js'))
  .reduce((sum, entry) => sum + entry.transferSize, 0) / 1024`;

interface Build {
  label: string;
  url: string;
  close: () => Promise<void>;
  list: number[];
  form: number[];
  scriptKb: number[];
  encodings: Set<string>;
}

type StartHost = (options: WebHostOptions) => Promise<{ url: string; close(): Promise<void> }>;

/** The baseline's `dist` folder from the environment, or null (then only this build is timed). */
function baselineDist(): string | null {
  const given = process.env.BENCH_PAGE_LOAD_BASELINE;
  if (!given) return null;
  const dist = existsSync(path.join(given, 'dist', 'renderer')) ? path.join(given, 'dist') : given;
  for (const needed of ['renderer/index.html', 'main/host/web-host.js']) {
    if (!existsSync(path.join(dist, needed)))
      throw new Error(
        `BENCH_PAGE_LOAD_BASELINE=${given} has no ${needed}; build the baseline first (see bench/README.md, page-load)`,
      );
  }
  return dist;
}

async function startBuild(
  app: ScriptDeskApp,
  label: string,
  dist: string,
  startHost: StartHost,
): Promise<Build> {
  const host = await startHost({
    dispatch: app.dispatch,
    subscribe: (listener) => app.subscribe(listener),
    validatorModule: (sha256) => app.validatorModule(sha256),
    rendererDir: path.join(dist, 'renderer'),
  });
  return {
    label,
    url: host.url,
    close: () => host.close(),
    list: [],
    form: [],
    scriptKb: [],
    encodings: new Set(),
  };
}

/** The demo script whose form schema is the largest (the most to render on a click). */
async function largestForm(): Promise<string> {
  const sizes = await Promise.all(
    (await readdir(path.join(DEMO_SOURCE, 'scripts'))).map(async (id) => ({
      id,
      bytes: (await readFile(path.join(DEMO_SOURCE, 'scripts', id, 'form.schema.json'))).length,
    })),
  );
  return sizes.sort((a, b) => b.bytes - a.bytes)[0]!.id;
}

/** One cold load of `build`: milliseconds from navigation start to the list, then to the form. */
async function loadOnce(browser: Browser, build: Build, scriptId: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    page.on('response', (response) => {
      if (response.url().endsWith('.js'))
        build.encodings.add(response.headers()['content-encoding'] ?? 'identity');
    });
    // Each mark is the frame in which its element first exists (a requestAnimationFrame after
    // the DOM change), on the page's own clock: 0 is navigation start. The page's code is text
    // here because this file is compiled without the DOM's types.
    await page.addInitScript({ content: `(${WATCH_MARKS})(${JSON.stringify(MARKS)})` });
    await page.goto(build.url, { waitUntil: 'commit' });
    const mark = (name: keyof typeof MARKS) =>
      page
        .waitForFunction(
          // A function, not text: text would be eval'd in the page, which its CSP refuses.
          (key) => (globalThis as unknown as { __marks: Record<string, number> }).__marks[key],
          name,
          { polling: 'raf', timeout: 30_000 },
        )
        .then(async (handle) => Number(await handle.jsonValue()));
    build.list.push(await mark('list'));
    build.scriptKb.push(Number(await page.evaluate(SCRIPT_KB)));
    // A user reads the list before choosing: the click comes once the page is quiet (three idle
    // periods with nothing else in them, at most 2 s after the list), not in the frame that
    // showed it.
    await page.evaluate(untilQuiet);
    const clickedAt = Number(
      await page.evaluate(
        `(() => { const at = performance.now(); document.querySelector('[data-testid="script-item-' + ${JSON.stringify(scriptId)} + '"]').click(); return at; })()`,
      ),
    );
    build.form.push((await mark('form')) - clickedAt);
  } finally {
    await context.close();
  }
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

export async function benchPageLoad(): Promise<void> {
  const baseline = baselineDist();
  const desk = await demoDesk();
  const { app } = desk;
  const builds: Build[] = [];
  let browser: Browser | undefined;
  try {
    const scriptId = await largestForm();

    if (baseline) {
      const module = (await import(
        pathToFileURL(path.join(baseline, 'main', 'host', 'web-host.js')).href
      )) as { startWebHost: StartHost };
      builds.push(await startBuild(app, 'baseline', baseline, module.startWebHost));
    }
    builds.push(await startBuild(app, 'this build', DIST, startWebHost));

    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    });
    // One unmeasured load each: Chromium's own first-start costs belong to neither build.
    for (const build of builds) await loadOnce(browser, build, scriptId);
    for (const build of builds) build.list.length = build.form.length = build.scriptKb.length = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...builds].reverse() : builds;
      for (const build of order) await loadOnce(browser, build, scriptId);
    }

    console.log(
      `page load (demo catalogue, headless Chromium, cold cache, ${ROUNDS} interleaved rounds)`,
    );
    for (const build of builds) {
      const list = stats(build.list);
      const form = stats(build.form);
      console.log(
        `  ${build.label.padEnd(10)}  load → script list  median ${ms(list.median).padStart(7)}  p95 ${ms(list.p95).padStart(7)}   ` +
          `click → ${scriptId} form  median ${ms(form.median).padStart(6)}  p95 ${ms(form.p95).padStart(6)}   ` +
          `scripts before the list ${stats(build.scriptKb).median.toFixed(0)} KB (${[...build.encodings].join(', ')})`,
      );
    }
    const current = builds.at(-1)!;
    if (builds.length === 1) {
      console.log(
        `  target      load → list ≤ ${TARGET_RATIO}x the baseline: not judged (set BENCH_PAGE_LOAD_BASELINE to a build of the baseline; see bench/README.md)`,
      );
      return;
    }
    const base = builds[0]!;
    // Judged on the ratio within each round (both builds loaded back to back), whose median is
    // steadier than a ratio of two medians while the machine's load swings from second to second.
    const paired = (of: (build: Build) => number[]) =>
      quantiles(
        of(current).map((value, round) => value / of(base)[round]!),
        0.25,
        0.5,
        0.75,
      );
    const [q1, ratio, q3] = paired((build) => build.list);
    const [, formRatio] = paired((build) => build.form);
    const ofMedians = stats(current.list).median / stats(base.list).median;
    console.log(
      `  ratio       load → list ${ratio!.toFixed(2)}x the baseline (quartiles ${q1!.toFixed(2)}–${q3!.toFixed(2)}; ratio of the medians ${ofMedians.toFixed(2)}x)`,
    );
    console.log(
      `  target      load → list ≤ ${TARGET_RATIO}x the baseline: ${ratio! <= TARGET_RATIO ? 'met' : 'NOT met'}   (click → form ${formRatio!.toFixed(2)}x, no target)`,
    );
  } finally {
    await browser?.close();
    for (const build of builds) await build.close();
    await desk.close();
  }
}
