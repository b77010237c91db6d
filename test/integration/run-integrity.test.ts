/**
 * Verify before every run, with real python3, real venvs, real SQLite and a real signed catalogue:
 * a script folder or venv changed after sync is refused before any of its code runs, the refusal
 * is journaled with the path, and a sync (or, for a venv, the next run) repairs it.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import type { MethodInput } from '../../main/contract/api.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { DEFAULT_POLICY } from '../../main/policy/policy.js';
import { resolvePythonRuntime } from '../../main/python/runtime.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { callOrThrow, runToEnd, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { BASE_PYTHON, sourceWithWheels } from '../support/wheels.js';

const run = promisify(execFile);

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const REPAIR = 'Run "scriptdesk sync" or restart ScriptDesk to repair it.';

/** Python that leaves a file named `name` in `dir`: proof that code ran. */
const leaveMarker = (dir: string, name: string) =>
  `open(${JSON.stringify(path.join(dir, name))}, "w").close()\n`;

/** An app with the fixture catalogue synced, after one run of the probe (its venv is built). */
async function desk(options: Parameters<typeof appWithCatalogue>[1] = {}) {
  const synced = await appWithCatalogue(undefined, options);
  app = synced.app;
  const markers = await tempDir('scriptdesk-marker-');
  const first = await runToEnd(app, probe(markers));
  expect(first.detail.status).toBe('succeeded');
  const scriptDir = (await app.services.catalogue.resolve('probe', app.services.identity.user))
    .scriptDir;
  const venv = path.join(synced.home, 'venvs', (await venvKeys(synced.home))[0]!);
  return { ...synced, markers, scriptDir, venv };
}

const probe = (markerDir: string, mode = 'ok'): MethodInput<'run.start'> => ({
  scriptId: 'probe',
  inputs: { markerDir, mode },
});

async function venvKeys(home: string): Promise<string[]> {
  return (await readdir(path.join(home, 'venvs'))).filter((n) => /^[0-9a-f]{32}$/.test(n));
}

async function sitePackages(venv: string): Promise<string> {
  const [python] = await readdir(path.join(venv, 'lib'));
  return path.join(venv, 'lib', python!, 'site-packages');
}

/** The refusal of `input` by run.start (it must be refused). */
async function refusalOf(input: MethodInput<'run.start'>) {
  const result = await callTyped(app!.dispatch, 'run.start', input, { transport: 'http' });
  if (result.ok) throw new Error(`the run was started: ${result.value.runId}`);
  return result.error;
}

async function journaledRefusals() {
  const { events } = await callOrThrow(app!, 'audit.list', { limit: 100 });
  return events.filter((e) => e.type === 'dev.scriptdesk.run.refused').map((e) => e.data);
}

/**
 * Rewrites `file` in place (same inode) with `change` applied, keeping its size, and puts its
 * access and modification times back to the nanosecond: only its change time tells.
 */
async function rewriteInPlace(file: string, change: (text: string) => string): Promise<void> {
  const before = await stat(file, { bigint: true });
  const changed = change(await readFile(file, 'utf8'));
  expect(Buffer.byteLength(changed)).toBe(Number(before.size));
  await chmod(file, 0o644);
  await writeFile(file, changed);
  await chmod(file, Number(before.mode) & 0o777);
  await run(BASE_PYTHON, [
    '-c',
    'import os, sys; os.utime(sys.argv[1], ns=(int(sys.argv[2]), int(sys.argv[3])))',
    file,
    String(before.atimeNs),
    String(before.mtimeNs),
  ]);
  const after = await stat(file, { bigint: true });
  expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
}

/** What an attacker with write access to the home does: a new file where the old one was. */
async function replace(file: string, content: string): Promise<void> {
  await rm(file, { force: true });
  await writeFile(file, content);
}

describe("verify before every run: the script's folder", () => {
  it('refuses a run whose main.py was replaced with other bytes, journals run.refused (tampered, the path), runs none of it, and runs again after a sync', async () => {
    const { home, markers, scriptDir } = await desk();
    const main = path.join(scriptDir, 'main.py');
    await replace(main, leaveMarker(markers, 'tampered'));
    const relative = path.relative(home, main);

    const refusal = await refusalOf(probe(markers));
    expect(refusal).toEqual({
      code: 'tampered',
      message: `"Probe" was not run: its file main.py on this computer differs from the approved catalogue (changed after sync). ${REPAIR}`,
    });
    expect(await journaledRefusals()).toEqual([
      expect.objectContaining({ scriptId: 'probe', code: 'tampered', path: relative }),
    ]);
    expect(existsSync(path.join(markers, 'tampered'))).toBe(false);
    expect((await callOrThrow(app!, 'run.list', {})).runs).toHaveLength(1); // only the first run

    await app!.services.catalogue.sync(); // nothing new at the source: it repairs
    const again = await runToEnd(app!, probe(markers));
    expect(again.detail.status).toBe('succeeded');
    expect(existsSync(path.join(markers, 'tampered'))).toBe(false);
    expect(await readFile(main, 'utf8')).not.toContain('tampered');
  });

  it('refuses a main.py rewritten in place after a run, with its size and times put back to the nanosecond', async () => {
    const { markers, scriptDir } = await desk();
    await rewriteInPlace(path.join(scriptDir, 'main.py'), (text) =>
      text.replace('started-', 'STARTED-'),
    );

    expect((await refusalOf(probe(markers))).message).toBe(
      `"Probe" was not run: its file main.py on this computer differs from the approved catalogue (changed after sync). ${REPAIR}`,
    );
  });

  it.each([
    ['other bytes', (markers: string) => leaveMarker(markers, 'tampered')],
    ['a copy of the approved bytes', null],
  ])(
    'refuses a run whose main.py is a symbolic link to %s: a link is never followed',
    async (_, content) => {
      const { markers, scriptDir } = await desk();
      const main = path.join(scriptDir, 'main.py');
      const elsewhere = path.join(await tempDir('scriptdesk-elsewhere-'), 'main.py');
      await writeFile(elsewhere, content ? content(markers) : await readFile(main));
      await rm(main);
      await symlink(elsewhere, main);

      expect((await refusalOf(probe(markers))).message).toBe(
        `"Probe" was not run: its file main.py on this computer is a symbolic link, not the approved file. ${REPAIR}`,
      );
      expect(existsSync(path.join(markers, 'tampered'))).toBe(false);
    },
  );

  it("refuses a run whose script folder is a symbolic link to a copy of it, naming the folder's path", async () => {
    const { home, markers, scriptDir } = await desk();
    const copy = path.join(await tempDir('scriptdesk-elsewhere-'), 'copy');
    await cp(scriptDir, copy, { recursive: true });
    await rm(scriptDir, { recursive: true, force: true });
    await symlink(copy, scriptDir);

    expect((await refusalOf(probe(markers))).message).toBe(
      `"Probe" was not run: its folder on this computer is a symbolic link, not the folder synced from the approved catalogue. ${REPAIR}`,
    );
    expect((await journaledRefusals())[0]).toMatchObject({
      path: path.relative(home, scriptDir),
    });
  });

  it('refuses a run whose script folder holds a .py the catalogue does not list', async () => {
    const { markers, scriptDir } = await desk();
    await writeFile(path.join(scriptDir, 'helper.py'), leaveMarker(markers, 'tampered'));
    expect((await refusalOf(probe(markers))).message).toBe(
      `"Probe" was not run: its folder on this computer holds helper.py, which is not in the approved catalogue. ${REPAIR}`,
    );
  });

  it('through the CLI: a run of a main.py linked elsewhere exits 1 with the reason, `scriptdesk sync` repairs it, and the run succeeds', async () => {
    const { home, markers, scriptDir } = await desk();
    await app!.close();
    app = undefined;
    const main = path.join(scriptDir, 'main.py');
    const elsewhere = path.join(await tempDir('scriptdesk-elsewhere-'), 'main.py');
    await writeFile(elsewhere, leaveMarker(markers, 'tampered'));
    await rm(main);
    await symlink(elsewhere, main);
    const inputs = path.join(await tempDir('scriptdesk-inputs-'), 'inputs.json');
    await writeFile(inputs, JSON.stringify(probe(markers).inputs));

    const refused = await scriptdesk(home, ['run', 'probe', '--inputs', inputs]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `scriptdesk: "Probe" was not run: its file main.py on this computer is a symbolic link, not the approved file. ${REPAIR}\n`,
    );
    expect((await scriptdesk(home, ['sync'])).code).toBe(0);
    const repaired = await scriptdesk(home, ['run', 'probe', '--inputs', inputs]);
    expect(repaired.code).toBe(0);
    expect(existsSync(path.join(markers, 'tampered'))).toBe(false);
  });

  it('a sync with nothing new fetches a changed store blob again before it materialises the folder', async () => {
    const { home, markers, scriptDir } = await desk();
    const main = path.join(scriptDir, 'main.py');
    const blob = path.join(
      home,
      'store',
      'sha256',
      (
        await app!.services.catalogue.resolve('probe', app!.services.identity.user)
      ).published.files.find((f) => f.path === 'main.py')!.sha256,
    );
    await replace(blob, leaveMarker(markers, 'tampered'));
    await replace(main, leaveMarker(markers, 'tampered'));
    expect((await refusalOf(probe(markers))).code).toBe('tampered');

    await app!.services.catalogue.sync();
    expect(await readFile(blob, 'utf8')).not.toContain('tampered');
    expect((await runToEnd(app!, probe(markers))).detail.status).toBe('succeeded');
    expect(existsSync(path.join(markers, 'tampered'))).toBe(false);
  });
});

describe('verify before every run: the venv', () => {
  it('refuses a run when a .pth was added to its venv (it would run at start-up), and the next run rebuilds the venv and succeeds', async () => {
    const { home, markers, venv } = await desk();
    const pth = path.join(await sitePackages(venv), 'zz-evil.pth');
    await writeFile(pth, `import os; ${leaveMarker(markers, 'pth')}`);

    expect((await refusalOf(probe(markers))).message).toBe(
      `"Probe" was not run: its Python environment on this computer differs from the one built for it: ${path.relative(venv, pth)} was added. ${REPAIR}`,
    );
    expect((await journaledRefusals())[0]).toMatchObject({
      code: 'tampered',
      path: path.relative(home, pth),
    });
    expect(existsSync(path.join(markers, 'pth'))).toBe(false);

    expect((await runToEnd(app!, probe(markers))).detail.status).toBe('succeeded');
    expect(existsSync(pth)).toBe(false);
    expect(existsSync(path.join(markers, 'pth'))).toBe(false);
  });

  it('refuses a run when a package module in its venv was rewritten in place, with its size and times put back to the nanosecond', async () => {
    const { source } = await sourceWithWheels([{ id: 'with-pkg', packages: ['pkgone'] }]);
    const synced = await appWithCatalogue(source);
    app = synced.app;
    const markers = await tempDir('scriptdesk-marker-');
    const run = { scriptId: 'with-pkg', inputs: { markerDir: markers, mode: 'ok' } };
    expect((await runToEnd(app, run)).detail.status).toBe('succeeded');
    const [key] = await venvKeys(synced.home);
    const venv = path.join(synced.home, 'venvs', key!);
    const module = path.join(await sitePackages(venv), 'pkgone', '__init__.py');
    await rewriteInPlace(module, (text) => text.replace('pkgone', 'PKGONE'));

    expect((await refusalOf(run)).message).toBe(
      `"Script with-pkg" was not run: its Python environment on this computer differs from the one built for it: ${path.relative(venv, module)} was changed. ${REPAIR}`,
    );
  });

  it('checks a queued run again when it starts: a .pth added while it waited refuses it, journaled with its run id', async () => {
    const { home, markers, venv } = await desk({
      policy: { ...DEFAULT_POLICY, maxConcurrentRuns: 1 },
    });
    const first = await callOrThrow(app!, 'run.start', probe(markers, 'sleep'));
    const queued = await callOrThrow(app!, 'run.start', probe(markers));
    expect(await callOrThrow(app!, 'run.get', { runId: queued.runId })).toMatchObject({
      status: 'queued',
    });
    // The first run's Python has read its venv by then: only the queued run could see the .pth.
    await waitFor(() => existsSync(path.join(markers, `started-${first.runId}`)), 'the first run');
    const pth = path.join(await sitePackages(venv), 'zz-evil.pth');
    await writeFile(pth, `import os; ${leaveMarker(markers, 'pth')}`);
    await callOrThrow(app!, 'run.cancel', { runId: first.runId });
    await waitFor(
      async () => (await callOrThrow(app!, 'run.get', { runId: queued.runId })).finishedAt !== null,
      'the queued run to end',
    );

    const ended = await callOrThrow(app!, 'run.get', { runId: queued.runId });
    expect(ended).toMatchObject({
      status: 'failed',
      message: `"Probe" was not run: its Python environment on this computer differs from the one built for it: ${path.relative(venv, pth)} was added. ${REPAIR}`,
    });
    expect((await journaledRefusals())[0]).toMatchObject({
      runId: queued.runId,
      code: 'tampered',
      path: path.relative(home, pth),
    });
    expect(existsSync(path.join(markers, 'pth'))).toBe(false);
    expect(existsSync(path.join(markers, `started-${queued.runId}`))).toBe(false);
  });
});

describe('a venv records what it was built with', () => {
  it('keeps its manifest outside the venv, with bin/python recorded as a link to the runtime', async () => {
    const { home, venv } = await desk();
    const key = path.basename(venv);
    const manifest = JSON.parse(
      await readFile(path.join(home, 'venv-manifests', `${key}.json`), 'utf8'),
    ) as { interpreter: string; entries: { path: string; kind: string; target?: string }[] };
    expect(await readdir(venv)).not.toContain(`${key}.json`);
    expect(manifest.entries.find((e) => e.path === 'bin/python')).toMatchObject({ kind: 'link' });
    const runtime = await resolvePythonRuntime({ policy: { file: '(no machine policy here)' } });
    expect(manifest.interpreter).toBe(runtime.executable);
  });
});
