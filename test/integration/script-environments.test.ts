/**
 * Script environments through the app, with real python3, real venvs and a real signed catalogue:
 * built in the background after a sync, reported per script, and a broken one makes only its own
 * script unavailable.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { folderSource } from '../../main/catalogue/sources.js';
import type { ApiEvent, EnvironmentState } from '../../main/contract/api.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { publish, resign } from '../support/catalogue.js';
import { callOrThrow, runToEnd, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { sourceWithWheels, type TestScript } from '../support/wheels.js';

const HOUR = 3_600_000;
const apps: ScriptDeskApp[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

/** An app on `home`; `longRunning` makes it a desktop/web host (auto sync), else a one-shot CLI. */
async function open(home: string, longRunning: boolean): Promise<ScriptDeskApp> {
  const app = await openScriptDeskApp({
    home,
    logError: () => {},
    ...(longRunning ? { autoSyncMs: HOUR } : {}),
  });
  apps.push(app);
  return app;
}

/** Publishes a catalogue of `scripts` (plus the probe fixture) and returns what a sync needs. */
async function published(scripts: TestScript[]) {
  const { source, wheels } = await sourceWithWheels(scripts);
  return { ...(await publish(source)), wheels };
}

async function trustAndSync(app: ScriptDeskApp, pub: Awaited<ReturnType<typeof published>>) {
  await app.services.trust.add(await loadPublicKey(pub.keys.publicKeyFile));
  await app.services.catalogue.sync(folderSource(pub.published));
}

/**
 * Replaces a script's requirements.lock in a published catalogue and signs the document again: a
 * correctly signed catalogue carrying a lock `catalogue build` would have refused (an admin
 * mistake that got past other tools).
 */
async function replaceLock(
  pub: Awaited<ReturnType<typeof published>>,
  scriptId: string,
  lockText: string,
) {
  const bytes = Buffer.from(lockText);
  const sha256 = sha256Hex(bytes);
  await writeFile(path.join(pub.published, 'blobs', 'sha256', sha256), bytes);
  await resign(pub.published, pub.keys.privateKeyFile, (document) => {
    const script = document.scripts.find((s) => s.manifest.id === scriptId)!;
    const lock = script.files.find((f) => f.path === 'requirements.lock')!;
    Object.assign(lock, { sha256, size: bytes.length });
    script.lockSha256 = sha256;
  });
}

/** Every listed script's environment once none is pending or building (the background work is done). */
async function settledEnvironments(app: ScriptDeskApp): Promise<Map<string, EnvironmentState>> {
  let settled = new Map<string, EnvironmentState>();
  await waitFor(async () => {
    const { scripts } = await callOrThrow(app, 'catalogue.list', {});
    settled = new Map(scripts.map((s) => [s.id, s.environment]));
    return scripts.every(
      (s) => s.environment.state === 'ready' || s.environment.state === 'failed',
    );
  }, 'every environment to be ready or failed');
  return settled;
}

function environmentEvents(app: ScriptDeskApp): Map<string, EnvironmentState[]> {
  const seen = new Map<string, EnvironmentState[]>();
  app.subscribe((event: ApiEvent) => {
    if (event.name !== 'environment.status') return;
    const { scriptId, environment } = event.payload;
    seen.set(scriptId, [...(seen.get(scriptId) ?? []), environment]);
  });
  return seen;
}

describe('script environments in the app', () => {
  it('acceptance: a lock whose wheel hash does not match fails only its script — listed failed with the reason, run refused before anything starts — while another script is ready and runs', async () => {
    const pub = await published([
      { id: 'good', packages: ['alpha'] },
      { id: 'bad', packages: ['beta'] },
    ]);
    const beta = pub.wheels.get('beta')!;
    const wrong = `${beta.sha256.slice(0, -1)}${beta.sha256.endsWith('0') ? '1' : '0'}`;
    await replaceLock(pub, 'bad', `beta==1.0.0 --hash=sha256:${wrong}\n`);
    const app = await open(await tempDir('scriptdesk-home-'), true);
    await trustAndSync(app, pub);

    const environments = await settledEnvironments(app);
    const bad = environments.get('bad')!;
    expect(bad.state).toBe('failed');
    expect(bad.message).toContain('DO NOT MATCH THE HASHES');
    expect(bad.message).toContain('beta==1.0.0');
    expect(bad.message).not.toContain('\n');
    expect(environments.get('good')).toEqual({ state: 'ready', message: null });
    expect(environments.get('probe')).toEqual({ state: 'ready', message: null });
    const detail = await callOrThrow(app, 'catalogue.get', { scriptId: 'bad' });
    expect(detail.script.environment).toEqual(bad);

    const markers = await tempDir('scriptdesk-marker-');
    const refused = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'bad', inputs: { markerDir: markers, mode: 'ok' } },
      { transport: 'http' },
    );
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('environment_failed');
    expect(refused.error.message).toContain('beta==1.0.0');
    expect(refused.error.message).toContain('DO NOT MATCH THE HASHES');
    expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
    expect(await readdir(markers)).toEqual([]);

    const { detail: good } = await runToEnd(app, {
      scriptId: 'good',
      inputs: { markerDir: markers, mode: 'ok' },
    });
    expect(good.status).toBe('succeeded'); // its main.py imports alpha from the venv
  });

  it('builds the environments of a newly synced catalogue in the background, without any run, reporting building then ready', async () => {
    const pub = await published([{ id: 'good', packages: ['alpha'] }]);
    const app = await open(await tempDir('scriptdesk-home-'), true);
    const events = environmentEvents(app);
    await trustAndSync(app, pub);
    const environments = await settledEnvironments(app);
    expect(environments.get('good')).toEqual({ state: 'ready', message: null });
    expect(events.get('good')?.map((e) => e.state)).toEqual(['building', 'ready']);
    expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
  });

  it('builds nothing ahead in a one-shot command; the next long-running start builds the installed catalogue', async () => {
    const pub = await published([{ id: 'good', packages: ['alpha'] }]);
    const home = await tempDir('scriptdesk-home-');
    const cli = await open(home, false);
    await trustAndSync(cli, pub);
    const { scripts } = await callOrThrow(cli, 'catalogue.list', {});
    expect(new Set(scripts.map((s) => s.environment.state))).toEqual(new Set(['pending']));
    await cli.close();
    await expect(readdir(path.join(home, 'venvs'))).rejects.toThrow(); // never created

    const desktop = await open(home, true);
    const environments = await settledEnvironments(desktop);
    expect(environments.get('good')).toEqual({ state: 'ready', message: null });
  });

  it("reports a script whose script.json python this computer's Python does not satisfy as failed, and refuses to run it", async () => {
    const pub = await published([{ id: 'future', python: '>=99' }]);
    const app = await open(await tempDir('scriptdesk-home-'), false);
    await trustAndSync(app, pub);
    const { scripts } = await callOrThrow(app, 'catalogue.list', {});
    const future = scripts.find((s) => s.id === 'future')!;
    expect(future.environment.state).toBe('failed');
    expect(future.environment.message).toMatch(/^needs Python >=99; this computer has 3\.\d+\.\d+/);
    const refused = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'future', inputs: { markerDir: await tempDir(), mode: 'ok' } },
      { transport: 'http' },
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'environment_failed' } });
    expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
  });

  it('abandons background builds on close, leaving no staging folder', async () => {
    const pub = await published([{ id: 'good', packages: ['alpha'] }]);
    const home = await tempDir('scriptdesk-home-');
    const app = await open(home, true);
    let building!: () => void;
    const started = new Promise<void>((resolve) => (building = resolve));
    app.subscribe(
      (e) =>
        e.name === 'environment.status' && e.payload.environment.state === 'building' && building(),
    );
    await trustAndSync(app, pub);
    await started;
    await app.close();
    const left = await readdir(path.join(home, 'venvs'));
    expect(left.filter((name) => name.includes('.staging-'))).toEqual([]);
    // What is left is only complete venvs (a build may have finished just before closing).
    for (const name of left)
      await expect(
        readFile(path.join(home, 'venvs', name, 'pyvenv.cfg'), 'utf8'),
      ).resolves.toContain('home');
  });
});
