import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readInstalledPair } from '../../main/catalogue/installed.js';
import { SyncStateFile } from '../../main/catalogue/sync-state.js';

/** The repository root; the CLI and the demo catalogue are taken from here (built into dist/). */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Where the suite's screenshots go (open them: a user sees pixels, not tests). */
export const SHOTS = path.join(REPO, 'test-results', 'screenshots');

/** The app's address, with its token, from the suite's global setup. */
export function appUrl(): string {
  const url = process.env.SCRIPTDESK_E2E_URL;
  if (!url)
    throw new Error(
      'SCRIPTDESK_E2E_URL is not set; run through playwright.config.ts (global setup)',
    );
  return url;
}
const BIN = path.join(REPO, 'bin', 'scriptdesk.js');
const DEMO_CATALOGUE = path.join(REPO, 'examples', 'catalogue');

/** A ScriptDesk of its own: a home, a signing key, a published catalogue, `scriptdesk web`. */
export interface Desk {
  /** The temporary folder holding everything below (removed by `stop`). */
  work: string;
  /** `$SCRIPTDESK_HOME` of this desk. */
  home: string;
  /** The folder the device syncs from (what an admin publishes to). */
  published: string;
  /** The trusted signing key pair: `catalogue-signing.key` / `.pub`. */
  keys: string;
  /** The address to open, with the per-start token. */
  url: string;
  /** Runs the `scriptdesk` CLI on this desk's home; throws with its stderr when it fails. */
  cli: (...args: string[]) => string;
  /** Stops `scriptdesk web` and removes the folder. */
  stop: () => Promise<void>;
}

export interface DeskOptions {
  /** `--expires` of the first published catalogue, e.g. "2d" (default 30d). */
  expires?: string;
  /** The catalogue source to publish (default: the demo catalogue in examples/catalogue). */
  source?: string;
  /** Extra environment for `scriptdesk web`, e.g. `SCRIPTDESK_POLICY` for other run limits. */
  env?: Record<string, string>;
  /** Runs on the synced home just before `scriptdesk web` starts (e.g. to set what it reads at start). */
  beforeStart?: (home: string) => void | Promise<void>;
}

function cliFor(home: string): Desk['cli'] {
  return (...args) => {
    try {
      return execFileSync(process.execPath, [BIN, ...args], {
        env: { ...process.env, SCRIPTDESK_HOME: home },
        cwd: REPO,
        stdio: 'pipe',
        encoding: 'utf8',
      });
    } catch (error) {
      const failed = error as { stderr?: string; message: string };
      throw new Error(`scriptdesk ${args.join(' ')} failed: ${failed.stderr ?? failed.message}`, {
        cause: error,
      });
    }
  };
}

/** Starts `scriptdesk web` on `home` and resolves with its address once it has printed it. */
export async function startWeb(
  home: string,
  env: Record<string, string> = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const web = spawn(process.execPath, [BIN, 'web', '--port', '0'], {
    env: { ...process.env, ...env, SCRIPTDESK_HOME: home },
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => web.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`scriptdesk web printed no address: ${seen}`)),
      30_000,
    );
    web.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    web.once('exit', (code) => reject(new Error(`scriptdesk web exited with ${code}: ${seen}`)));
  }).catch((error: unknown) => {
    web.kill('SIGTERM');
    throw error;
  });
  return {
    url,
    async stop() {
      if (web.exitCode === null && web.signalCode === null) web.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Sets up what a new user would have — a fresh home, a signing key, the demo catalogue built,
 * signed and synced with the real CLI — and starts `scriptdesk web` on it.
 */
export async function startDesk(options: DeskOptions = {}): Promise<Desk> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-'));
  const home = path.join(work, 'home');
  const keys = path.join(work, 'keys');
  const published = path.join(work, 'published');
  const cli = cliFor(home);
  const source = options.source ?? DEMO_CATALOGUE;
  try {
    cli('keygen', '--out', keys);
    const key = path.join(keys, 'catalogue-signing.key');
    cli(
      'catalogue',
      'build',
      source,
      '--key',
      key,
      '--out',
      published,
      '--expires',
      options.expires ?? '30d',
    );
    cli('sync', '--from', published, '--pubkey', path.join(keys, 'catalogue-signing.pub'));
    await options.beforeStart?.(home);
    const web = await startWeb(home, options.env);
    return {
      work,
      home,
      published,
      keys,
      url: web.url,
      cli,
      async stop() {
        await web.stop();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts a desk of its own for one test and stops it afterwards, whatever happened. `tidy` (when
 * given) runs before the test and again after it, for state desks share (the keychain).
 */
export async function withDesk(
  options: DeskOptions,
  body: (desk: Desk) => Promise<void>,
  tidy?: (desk: Desk) => void,
): Promise<void> {
  const desk = await startDesk(options);
  try {
    tidy?.(desk);
    await body(desk);
  } finally {
    try {
      tidy?.(desk);
    } finally {
      await desk.stop();
    }
  }
}

/** The script.json fields an e2e test script leaves at their plainest (each test names the rest). */
export function testManifest(
  fields: { id: string; title: string; summary: string } & Record<string, unknown>,
) {
  return {
    category: 'Reporting',
    version: '1.0.0',
    entrypoint: 'main.py',
    python: '>=3.9',
    timeoutSeconds: 300,
    secrets: [],
    allowed: { users: [], groups: ['analysts'] },
    destructive: false,
    supportsDryRun: false,
    requireReason: false,
    exitCodes: { '0': { status: 'success' } },
    ...fields,
  };
}

/** A test script's files by name: `script.json` and `form.schema.json` as objects, the rest text. */
export type ScriptFiles = Record<string, unknown> & { 'script.json': { id: string } };

/**
 * Starts a desk for one test on the demo catalogue plus `scripts`, under a machine policy holding
 * `policy` (when given), and stops it and removes everything afterwards.
 */
export async function withScriptsDesk(
  scripts: readonly ScriptFiles[],
  options: { policy?: object; env?: Record<string, string> },
  body: (desk: Desk) => Promise<void>,
): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-scripts-'));
  try {
    const catalogue = path.join(work, 'catalogue');
    cpSync(DEMO_CATALOGUE, catalogue, { recursive: true });
    for (const files of scripts) {
      const folder = path.join(catalogue, 'scripts', files['script.json'].id);
      mkdirSync(folder, { recursive: true });
      for (const [name, content] of Object.entries(files))
        writeFileSync(
          path.join(folder, name),
          typeof content === 'string' ? content : JSON.stringify(content, null, 2),
        );
    }
    const env = { ...options.env };
    if (options.policy) {
      env.SCRIPTDESK_POLICY = path.join(work, 'policy.json');
      writeFileSync(env.SCRIPTDESK_POLICY, JSON.stringify(options.policy));
    }
    await withDesk({ source: catalogue, env }, body);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Calls one API method of the desk at `url` (the address with `#token=`) as the page would, for
 * setting the stage quickly (e.g. starting a run that others queue behind); throws when it fails.
 */
export async function callApi<T>(url: string, method: string, input: object): Promise<T> {
  const address = new URL(url);
  const token = new URLSearchParams(address.hash.slice(1)).get('token');
  const response = await fetch(new URL(`/api/call/${method}`, address.origin), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const result = (await response.json()) as
    { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!result.ok) throw new Error(`${method} failed: ${result.error.message}`);
  return result.value;
}

/**
 * Makes the synced catalogue expired without waiting for the clock: the device is given a latest
 * time seen a minute after the expiry (what its clock would say then), which is how expiry is
 * judged, so turning the clock back cannot revive it either.
 */
export async function seenAfterExpiry(home: string): Promise<void> {
  const catalogueDir = path.join(home, 'catalogue');
  const installed = await readInstalledPair(catalogueDir);
  const { expires } = JSON.parse(installed!.bytes.toString('utf8')) as { expires: string };
  await new SyncStateFile(catalogueDir).update((state) => ({
    ...state,
    latestTimeSeen: new Date(Date.parse(expires) + 60_000).toISOString(),
  }));
}
