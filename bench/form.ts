import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { generateValidatorModule } from '../forms/codegen/generate-validator.js';
import { benchForms, type BenchForm } from './form-schemas.js';
import { stats } from './stats.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PAGES = path.join(REPO, 'dist', 'bench-pages');
const ROUNDS = Number(process.env.BENCH_FORM_ROUNDS ?? 3);
const KEYSTROKES = Number(process.env.BENCH_FORM_KEYSTROKES ?? 16);

type Side = 'floor' | 'plain' | 'scriptdesk';

interface Sample {
  mount: number;
  nodes: number;
  firstKey: number;
  keys: number[];
  submit: number;
}

/** Builds the page (production) and writes each form's schema and precompiled validator beside it. */
async function buildPages(forms: readonly BenchForm[]): Promise<void> {
  await build({
    configFile: false,
    root: path.join(REPO, 'bench', 'pages'),
    base: './',
    logLevel: 'warn',
    plugins: [react()],
    build: {
      outDir: PAGES,
      emptyOutDir: true,
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 5000,
      minify: process.env.BENCH_NO_MINIFY ? false : undefined,
      rollupOptions: { input: path.join(REPO, 'bench', 'pages', 'form.html') },
    },
  });
  await mkdir(path.join(PAGES, 'schemas'), { recursive: true });
  await mkdir(path.join(PAGES, 'validators'), { recursive: true });
  for (const form of forms) {
    const body = JSON.stringify({
      schema: form.schema,
      uiSchema: form.uiSchema,
      typeInto: form.typeInto,
    });
    await writeFile(path.join(PAGES, 'schemas', `${form.name}.json`), body);
    await writeFile(
      path.join(PAGES, 'validators', `${form.name}.js`),
      generateValidatorModule(form.schema),
    );
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
};

/** Serves the built pages on 127.0.0.1 (module scripts do not load from file: URLs). */
async function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(PAGES, path.normalize(pathname));
    if (!file.startsWith(PAGES + path.sep)) return void response.writeHead(404).end();
    stat(file).then(
      (info) => {
        if (!info.isFile()) return void response.writeHead(404).end();
        response.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        });
        createReadStream(file).pipe(response);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

type BenchApi = {
  ready: Promise<string>;
  mount(): Promise<{ ms: number; nodes: number }>;
  armKey(): void;
  armClick(): void;
  idle(): Promise<void>;
  result(): Promise<{ ms: number }>;
  settle(): Promise<void>;
};
declare const bench: BenchApi;

/** One fresh page of one side: mount, first keystroke, keystrokes in other fields, first submit. */
async function measure(
  browser: Browser,
  url: string,
  form: BenchForm,
  side: Side,
): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page: Page = await context.newPage();
  try {
    await page.goto(`${url}/form.html?form=${side}&schema=${form.name}`);
    await page.waitForFunction(() => typeof bench === 'object');
    await page.evaluate(() => bench.ready);
    const mounted = await page.evaluate(() => bench.mount());
    await page.evaluate(() => bench.idle());
    const press = async (id: string) => {
      await page.focus(`#${id}`);
      await page.evaluate(() => bench.settle());
      await page.evaluate(() => bench.armKey());
      await page.keyboard.press('KeyA');
      return (await page.evaluate(() => bench.result())).ms;
    };
    const fields = form.typeInto;
    const firstKey = await press(fields[0]!);
    const keys: number[] = [];
    for (let k = 1; k <= KEYSTROKES; k += 1) keys.push(await press(fields[k % fields.length]!));
    const submitButton = side === 'scriptdesk' ? '#run-button' : 'button[type=submit]';
    await page.evaluate(() => bench.settle());
    await page.evaluate(() => bench.armClick());
    await page.click(submitButton);
    const submit = (await page.evaluate(() => bench.result())).ms;
    return { mount: mounted.ms, nodes: mounted.nodes, firstKey, keys, submit };
  } finally {
    await context.close();
  }
}

const median = (values: readonly number[]) => stats(values).median;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

function report(form: BenchForm, samples: Record<Side, Sample[]>): void {
  const plain = samples.plain;
  const ours = samples.scriptdesk;
  const mountPlain = median(plain.map((s) => s.mount));
  const mountOurs = median(ours.map((s) => s.mount));
  const mountRatio = mountOurs / mountPlain;
  const mountTarget = form.name === 'f200' || form.name === 'f1000';
  const keysPlain = stats(plain.flatMap((s) => s.keys));
  const keysOurs = stats(ours.flatMap((s) => s.keys));
  const keyRatio = keysOurs.median / keysPlain.median;
  const firstPlain = median(plain.map((s) => s.firstKey));
  const firstOurs = median(ours.map((s) => s.firstKey));
  const firstRatio = firstOurs / keysOurs.median;
  const submitPlain = median(plain.map((s) => s.submit));
  const submitOurs = median(ours.map((s) => s.submit));
  const submitRatio = submitOurs / submitPlain;
  const nodesPlain = median(plain.map((s) => s.nodes));
  const nodesOurs = median(ours.map((s) => s.nodes));
  const floorKeys = stats(samples.floor.flatMap((s) => s.keys));
  const floorSubmit = median(samples.floor.map((s) => s.submit));
  const floorFirst = median(samples.floor.map((s) => s.firstKey));
  console.log(`  ${form.label} (${form.name})`);
  console.log(
    `    browser floor        bare inputs, no React: keystroke median ${ms(floorKeys.median)}, first keystroke ${ms(floorFirst)} (${(floorFirst / floorKeys.median).toFixed(2)}x), submit ${ms(floorSubmit)}` +
      `   (above it: keystroke plain ${ms(keysPlain.median - floorKeys.median)}, ScriptDesk ${ms(keysOurs.median - floorKeys.median)})`,
  );
  console.log(
    `    cold mount → paint   plain ${ms(mountPlain)}   ScriptDesk ${ms(mountOurs)}   ${mountRatio.toFixed(2)}x` +
      (mountTarget ? `   (target ≤ 0.5x: ${verdict(mountRatio <= 0.5)})` : ''),
  );
  console.log(
    `    keystroke → paint    plain median ${ms(keysPlain.median)} p95 ${ms(keysPlain.p95)}   ScriptDesk median ${ms(keysOurs.median)} p95 ${ms(keysOurs.p95)}   ${keyRatio.toFixed(2)}x   (target ≤ 0.7x: ${verdict(keyRatio <= 0.7)})`,
  );
  console.log(
    `    first keystroke      plain ${ms(firstPlain)} (${(firstPlain / keysPlain.median).toFixed(2)}x its later median)   ScriptDesk ${ms(firstOurs)} = ${firstRatio.toFixed(2)}x its later median   (target ≤ 1.2x: ${verdict(firstRatio <= 1.2)})`,
  );
  console.log(
    `    first submit → paint plain ${ms(submitPlain)}   ScriptDesk ${ms(submitOurs)}   ${submitRatio.toFixed(2)}x   (target ≤ 0.5x: ${verdict(submitRatio <= 0.5)})`,
  );
  console.log(
    `    DOM elements         plain ${nodesPlain}   ScriptDesk ${nodesOurs}   ${(nodesOurs / nodesPlain).toFixed(2)}x`,
  );
}

/**
 * `form`: plain `@rjsf/mui` with `@rjsf/validator-ajv8` and live validation against ScriptDesk's
 * run form with its precompiled validator, on the same schemas, in production builds in headless
 * Chromium, alternating which goes first each round.
 */
export async function benchForm(): Promise<void> {
  const only = process.env.BENCH_FORMS?.split(',').filter(Boolean);
  const forms = benchForms().filter((form) => !only || only.includes(form.name));
  if (forms.length === 0)
    throw new Error(
      `BENCH_FORMS names none of the forms; use a comma-separated list of ${benchForms()
        .map((form) => form.name)
        .join(', ')}.`,
    );
  const built = performance.now();
  await buildPages(forms);
  const buildMs = performance.now() - built;
  const { server, url } = await serve();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    console.log(
      `form: plain @rjsf/mui + validator-ajv8 (liveValidate) vs ScriptDesk's run form, ` +
        `${ROUNDS} interleaved rounds, ${KEYSTROKES} keystrokes after the first (page built in ${Math.round(buildMs)} ms)`,
    );
    for (const form of forms) {
      const samples: Record<Side, Sample[]> = { floor: [], plain: [], scriptdesk: [] };
      for (let round = 0; round < ROUNDS; round += 1) {
        const order: Side[] =
          round % 2 ? ['scriptdesk', 'plain', 'floor'] : ['floor', 'plain', 'scriptdesk'];
        for (const side of order) samples[side].push(await measure(browser, url, form, side));
      }
      report(form, samples);
    }
  } finally {
    await browser.close();
    server.close();
  }
}
