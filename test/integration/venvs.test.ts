/**
 * VenvManager with real python3 and real venvs: content-addressed builds from hash-pinned wheels,
 * per-key state, background builds, leases and garbage collection.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { EnvironmentState } from '../../main/contract/api.js';
import { resolvePythonRuntime, type PythonRuntime } from '../../main/python/runtime.js';
import { ScriptEnvironments } from '../../main/python/script-environments.js';
import { VenvManager, type ScriptVenvSpec, type VenvSpec } from '../../main/python/venvs.js';
import { waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { lockFor, makeWheel, type TestWheel } from '../support/wheels.js';

const run = promisify(execFile);
const HOUR = 60 * 60_000;
const WRONG_HASH = 'f'.repeat(64);

let runtimePromise: Promise<PythonRuntime> | undefined;
const runtime = () =>
  (runtimePromise ??= resolvePythonRuntime({
    policy: { file: '(no machine policy in these tests)' },
  }));

async function setup(options: ConstructorParameters<typeof VenvManager>[1] = {}) {
  const root = await tempDir('scriptdesk-venvs-');
  const venvsDir = path.join(root, 'venvs');
  const wheelhouse = path.join(root, 'wheels');
  await mkdir(wheelhouse);
  return { venvsDir, wheelhouse, venvs: new VenvManager(venvsDir, options), rt: await runtime() };
}

function specOf(rt: PythonRuntime, wheels: TestWheel[], lockText = lockFor(wheels)): VenvSpec {
  return {
    runtime: rt,
    lockText,
    wheels: wheels.map((w) => ({ filename: w.filename, path: w.path })),
  };
}

async function importValue(venvDir: string, module: string): Promise<string> {
  const { stdout } = await run(VenvManager.interpreter(venvDir), [
    '-I',
    '-c',
    `import ${module}; print(${module}.VALUE)`,
  ]);
  return stdout.trim();
}

/** Collects each script's reported states, in order. */
function statusLog() {
  const byScript = new Map<string, EnvironmentState['state'][]>();
  const messages = new Map<string, string | null>();
  return {
    byScript,
    messages,
    onStatus: (scriptId: string, environment: EnvironmentState) => {
      byScript.set(scriptId, [...(byScript.get(scriptId) ?? []), environment.state]);
      messages.set(scriptId, environment.message);
    },
  };
}

describe('building a venv from a hash-pinned lock', () => {
  it('builds the venv once, offline, with the locked package importable, and reports pending then ready', async () => {
    const { venvs, wheelhouse, venvsDir, rt } = await setup();
    const spec = specOf(rt, [await makeWheel(wheelhouse, 'alpha')]);
    expect(await venvs.stateOf(spec)).toEqual({ state: 'pending', message: null });
    const dir = await venvs.ensure(spec);
    expect(dir).toBe(path.join(venvsDir, venvs.keyOf(spec)));
    expect(await importValue(dir, 'alpha')).toBe('alpha 1.0.0');
    expect(await venvs.stateOf(spec)).toEqual({ state: 'ready', message: null });
    expect(await readdir(venvsDir)).toEqual([venvs.keyOf(spec)]);
  });

  it('records a manifest beside the venvs, and builds again a venv that has none (built before manifests)', async () => {
    const { venvs, wheelhouse, venvsDir, rt } = await setup();
    const spec = specOf(rt, [await makeWheel(wheelhouse, 'alpha')]);
    const dir = await venvs.ensure(spec);
    const manifest = path.join(
      path.dirname(venvsDir),
      'venv-manifests',
      `${venvs.keyOf(spec)}.json`,
    );
    expect(await venvs.compare(dir, rt)).toBeNull();
    const built = (await lstat(VenvManager.interpreter(dir), { bigint: true })).ino;

    await rm(manifest);
    expect(await venvs.stateOf(spec)).toEqual({ state: 'pending', message: null });
    expect(await venvs.compare(dir, rt)).toEqual({ path: '', change: 'no_manifest' });
    expect(await venvs.ensure(spec)).toBe(dir);
    expect((await lstat(VenvManager.interpreter(dir), { bigint: true })).ino).not.toBe(built);
    expect(await venvs.compare(dir, rt)).toBeNull();
    expect(await importValue(dir, 'alpha')).toBe('alpha 1.0.0');
  });

  it('a wheel in the store that differs from its signed hash is discarded before pip sees it, saying to sync', async () => {
    const { venvs, wheelhouse, rt } = await setup();
    const alpha = await makeWheel(wheelhouse, 'alpha');
    const spec: VenvSpec = {
      ...specOf(rt, [alpha]),
      wheels: [{ filename: alpha.filename, path: alpha.path, sha256: WRONG_HASH }],
    };
    await expect(venvs.ensure(spec)).rejects.toThrow(
      `the wheel ${alpha.filename} on this computer differs from the approved catalogue and was discarded; run "scriptdesk sync" to fetch it again`,
    );
    expect(existsSync(alpha.path)).toBe(false);
  });

  it('fails a wheel whose hash does not match the lock with a short reason naming the package, and leaves no folder behind', async () => {
    const { venvs, wheelhouse, venvsDir, rt } = await setup();
    const alpha = await makeWheel(wheelhouse, 'alpha');
    const spec = specOf(rt, [alpha], lockFor([{ ...alpha, sha256: WRONG_HASH }]));
    const error = (await venvs.ensure(spec).then(
      () => null,
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^installing the locked packages failed: /);
    expect(error.message).toContain('DO NOT MATCH THE HASHES');
    expect(error.message).toContain('alpha==1.0.0');
    expect(error.message).not.toContain('\n');
    expect(await venvs.stateOf(spec)).toEqual({ state: 'failed', message: error.message });
    // The staging folder is gone: no partial venv can ever be picked up.
    expect(await readdir(venvsDir)).toEqual([]);
  });

  it('tries a failed key again on the next explicit build, and forgets the failure once it succeeds', async () => {
    const { venvs, wheelhouse, rt } = await setup();
    const good = await makeWheel(wheelhouse, 'alpha');
    const impostor = await makeWheel(await tempDir('scriptdesk-other-'), 'alpha', '1.0.0', 'other');
    const lockText = lockFor([good]);
    const broken = specOf(rt, [impostor], lockText); // the pinned hash is not this wheel's
    await expect(venvs.ensure(broken)).rejects.toThrow('DO NOT MATCH THE HASHES');
    const fixed = specOf(rt, [good], lockText);
    expect(venvs.keyOf(fixed)).toBe(venvs.keyOf(broken));
    expect((await venvs.stateOf(fixed)).state).toBe('failed');
    expect(await importValue(await venvs.ensure(fixed), 'alpha')).toBe('alpha 1.0.0');
    expect(await venvs.stateOf(fixed)).toEqual({ state: 'ready', message: null });
  });

  it('fails a script whose script.json python this runtime does not satisfy, without building anything', async () => {
    const { venvs, venvsDir, rt } = await setup();
    const spec = { ...specOf(rt, []), requiresPython: '>=99' };
    const state = await venvs.stateOf(spec);
    expect(state.state).toBe('failed');
    expect(state.message).toMatch(
      new RegExp(`^needs Python >=99; this computer has ${rt.version}\\.`),
    );
    await expect(venvs.ensure(spec)).rejects.toThrow('needs Python >=99');
    const unreadable = await venvs.stateOf({ ...spec, requiresPython: '>=3.x' });
    expect(unreadable.message).toContain('script.json field `python` (">=3.x")');
    await expect(readdir(venvsDir)).rejects.toThrow(); // never even created
  });
});

describe('building a catalogue in the background', () => {
  it('builds every distinct venv at most two at a time, once per shared lock, reporting building then ready', async () => {
    let buildingNow = 0;
    let mostAtOnce = 0;
    const log = statusLog();
    const { venvs, wheelhouse, venvsDir, rt } = await setup({
      onStatus: (scriptId, environment) => {
        log.onStatus(scriptId, environment);
        if (scriptId === 'shares-a') return; // same key as "a": counted once
        if (environment.state === 'building') mostAtOnce = Math.max(mostAtOnce, ++buildingNow);
        else buildingNow--;
      },
    });
    const wheels = await Promise.all(['a', 'b', 'c'].map((n) => makeWheel(wheelhouse, `pkg${n}`)));
    const specs: ScriptVenvSpec[] = [
      { scriptId: 'a', ...specOf(rt, [wheels[0]!]) },
      { scriptId: 'shares-a', ...specOf(rt, [wheels[0]!]) },
      { scriptId: 'b', ...specOf(rt, [wheels[1]!]) },
      { scriptId: 'c', ...specOf(rt, [wheels[2]!]) },
    ];
    await venvs.prepareAll(specs);
    expect(mostAtOnce).toBe(2);
    for (const id of ['a', 'shares-a', 'b', 'c'])
      expect(log.byScript.get(id), id).toEqual(['building', 'ready']);
    expect((await readdir(venvsDir)).sort()).toEqual(
      [...new Set(specs.map((s) => venvs.keyOf(s)))].sort(),
    );
  });

  it('fails only the script with the bad lock; the others become ready', async () => {
    const log = statusLog();
    const { venvs, wheelhouse, rt } = await setup({ onStatus: log.onStatus });
    const alpha = await makeWheel(wheelhouse, 'alpha');
    const beta = await makeWheel(wheelhouse, 'beta');
    const bad = {
      scriptId: 'bad',
      ...specOf(rt, [beta], lockFor([{ ...beta, sha256: WRONG_HASH }])),
    };
    const good = { scriptId: 'good', ...specOf(rt, [alpha]) };
    await venvs.prepareAll([bad, good]);
    expect(log.byScript.get('bad')).toEqual(['building', 'failed']);
    expect(log.messages.get('bad')).toContain('beta==1.0.0');
    expect(log.byScript.get('good')).toEqual(['building', 'ready']);
    expect((await venvs.stateOf(bad)).state).toBe('failed');
    expect((await venvs.stateOf(good)).state).toBe('ready');
  });

  it('abandons a running build on close, removing its staging folder', async () => {
    const { venvs, wheelhouse, venvsDir, rt } = await setup();
    // A runtime that creates the venv for real and then holds the build there until it is killed,
    // after leaving a marker: closing always meets a build under way, its staging folder written.
    const dir = await tempDir('scriptdesk-held-');
    const held = path.join(dir, 'held');
    const python = path.join(dir, 'python');
    await writeFile(
      python,
      [
        '#!/bin/sh',
        `"${rt.executable}" "$@" || exit $?`,
        `case " $* " in *" venv "*) : > "${held}"; exec sleep 600;; esac`,
      ].join('\n'),
      { mode: 0o755 },
    );
    const heldRuntime = { ...rt, executable: python };
    const spec = { scriptId: 's', ...specOf(heldRuntime, [await makeWheel(wheelhouse, 'alpha')]) };
    const prepared = venvs.prepareAll([spec]);
    await waitFor(() => existsSync(held), 'the build to be under way');
    expect((await readdir(venvsDir)).filter((n) => n.includes('.staging-'))).toHaveLength(1);
    await venvs.close();
    await prepared;
    expect(await readdir(venvsDir)).toEqual([]);
    await expect(venvs.ensure(spec)).rejects.toThrow('closing');
  });
});

describe('leases and garbage collection', () => {
  it('marks a venv used on every lease', async () => {
    const { venvs, rt } = await setup();
    const spec = specOf(rt, []);
    const dir = await venvs.ensure(spec);
    const marker = path.join(dir, '.last-used');
    const longAgo = new Date(Date.now() - 2 * HOUR);
    await utimes(marker, longAgo, longAgo);
    const lease = await venvs.lease(spec);
    expect(lease.dir).toBe(dir);
    expect((await stat(marker)).mtimeMs).toBeGreaterThan(longAgo.getTime());
    lease.release();
  });

  it('removes a dropped venv, keeps a leased one and a recently used one, and removes an old staging folder', async () => {
    const { venvs, venvsDir, rt } = await setup();
    const kept = specOf(rt, [], '# still in the catalogue\n');
    const dropped = specOf(rt, [], '# dropped by the new catalogue\n');
    const leased = specOf(rt, [], '# dropped, but a run holds it\n');
    for (const spec of [kept, dropped, leased]) await venvs.ensure(spec);
    const lease = await venvs.lease(leased);
    const staleStaging = path.join(venvsDir, `${'0'.repeat(32)}.staging-deadbeef`);
    const freshStaging = path.join(venvsDir, `${'1'.repeat(32)}.staging-cafebabe`);
    await mkdir(staleStaging);
    await mkdir(freshStaging);
    const longAgo = new Date(Date.now() - 2 * HOUR);
    await utimes(staleStaging, longAgo, longAgo);

    // Within the grace period nothing in use elsewhere is touched: another process may be running it.
    const cautious = await venvs.collectGarbage(new Set([venvs.keyOf(kept)]));
    expect(cautious.removed).toEqual([path.basename(staleStaging)]);
    expect(cautious.recent).toEqual([venvs.keyOf(dropped)]);

    const eager = await venvs.collectGarbage(new Set([venvs.keyOf(kept)]), 0);
    expect(eager.removed.sort()).toEqual(
      [venvs.keyOf(dropped), path.basename(freshStaging)].sort(),
    );
    expect((await readdir(venvsDir)).sort()).toEqual(
      [venvs.keyOf(kept), venvs.keyOf(leased)].sort(),
    );

    lease.release();
    await venvs.collectGarbage(new Set([venvs.keyOf(kept)]), 0);
    expect(await readdir(venvsDir)).toEqual([venvs.keyOf(kept)]);
  });

  it('removes the venv of a lock a new catalogue version dropped, after building the new one', async () => {
    const { venvs, venvsDir, rt } = await setup();
    const v1 = [
      { scriptId: 'stays', python: '>=3.9', lockText: '# stays\n', wheels: [] },
      { scriptId: 'goes', python: '>=3.9', lockText: '# goes\n', wheels: [] },
    ];
    const v2 = [v1[0]!, { scriptId: 'new', python: '>=3.9', lockText: '# new\n', wheels: [] }];
    let catalogue = v1;
    const environments = new ScriptEnvironments({
      venvs,
      runtime: async () => rt,
      scripts: async () => catalogue,
      logError: (message) => expect.fail(message),
      garbageGraceMs: 0,
    });
    await environments.prepare();
    const key = (lockText: string) => venvs.keyOf({ runtime: rt, lockText, wheels: [] });
    expect((await readdir(venvsDir)).sort()).toEqual([key('# stays\n'), key('# goes\n')].sort());
    catalogue = v2;
    await environments.prepare();
    expect((await readdir(venvsDir)).sort()).toEqual([key('# stays\n'), key('# new\n')].sort());
    expect((await environments.states()).get('new')).toEqual({ state: 'ready', message: null });
    await environments.close();
  });
});
