import { execFileSync } from 'node:child_process';
import { open, readdir, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { callOrThrow, runToEnd, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { describeWhere, PROC } from '../support/os-needs.js';

let app: ScriptDeskApp | undefined;
const undo: (() => void)[] = [];
afterEach(async () => {
  // Undo first: a closing app writes to its journal.
  for (const step of undo.splice(0).reverse()) step();
  await app?.close();
  app = undefined;
});

/** Tries to start a probe run that would leave a marker file; returns the refusal. */
async function refusedRun(markerDir: string) {
  const result = await callTyped(
    app!.dispatch,
    'run.start',
    { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } },
    { transport: 'http' },
  );
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('the run started');
  return result.error;
}

/** A fresh 48 MiB tmpfs, unmounted after the test (mounting needs root, as CI has). */
async function smallDisk(): Promise<string> {
  const dir = await tempDir('scriptdesk-small-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=700', 'tmpfs', dir]);
  } catch (error) {
    throw new Error(
      `this test mounts a small tmpfs to fill it, which needs root (CI runs as root): ${(error as Error).message}`,
      { cause: error },
    );
  }
  undo.push(() => execFileSync('umount', ['--lazy', dir]));
  return dir;
}

/** Fills every free byte of the file system under `dir`; returns how to free it again. */
async function fill(dir: string): Promise<() => Promise<void>> {
  const filler = path.join(dir, 'filler');
  const handle = await open(filler, 'w');
  try {
    for (let size = 1024 * 1024; size >= 1; size /= 2) {
      const block = Buffer.alloc(size, 1);
      for (;;) {
        const written = await handle.write(block).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOSPC') throw error;
          return null;
        });
        if (!written || written.bytesWritten < size) break;
      }
    }
  } finally {
    await handle.close();
  }
  return () => rm(filler);
}

/**
 * Waits until no process runs from `home` (its venvs and scripts live there): the interpreter the
 * runner started while it tried to record the run must be gone. Left alone it would wait at the
 * gate for as long as ScriptDesk runs. Linux only (/proc), as the tests of this file are.
 */
async function noInterpreterLeft(home: string): Promise<void> {
  const noneFromHome = async () => {
    for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
      const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (commandLine.includes(home)) return false;
    }
    return true;
  };
  await waitFor(noneFromHome, `no process to run from ${home}`);
}

describeWhere(PROC, 'a journal that cannot be written stops the run before its script runs', () => {
  it('a read-only journal (the files made immutable) refuses the run with a clear message; the script never runs and its interpreter, held at the gate, is killed', async () => {
    const made = await appWithCatalogue();
    app = made.app;
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    const before = await readdir(markerDir);
    const runsBefore = (await callOrThrow(app, 'run.list', {})).runs.length;

    const database = path.join(made.home, 'scriptdesk.sqlite');
    const files = [database, `${database}-wal`];
    execFileSync('chattr', ['+i', ...files]);
    undo.push(() => execFileSync('chattr', ['-i', ...files]));

    const error = await refusedRun(markerDir);
    expect(error.code).toBe('journal_unavailable');
    expect(error.message).toMatch(
      /^The run was not started because the audit journal cannot be written: /,
    );
    expect(error.message).toContain(database);
    expect(error.message).toMatch(/read-only|written to disk/);
    expect(await readdir(markerDir)).toEqual(before); // the script never ran
    await noInterpreterLeft(made.home);
    expect((await callOrThrow(app, 'run.list', {})).runs).toHaveLength(runsBefore);

    // Writable again: the next run goes ahead.
    undo.pop()!();
    const again = await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    expect(again.detail.status).toBe('succeeded');
  });

  it('a full disk under the journal refuses the run saying so; the script never runs, its held interpreter is killed, and runs work again once there is space', async () => {
    // The journal's database lives on a small file system of its own (SQLite follows the link and
    // keeps its WAL beside the real file), so filling it affects nothing but the journal.
    const journalDisk = await smallDisk();
    const home = await tempDir('scriptdesk-home-');
    await symlink(
      path.join(journalDisk, 'scriptdesk.sqlite'),
      path.join(home, 'scriptdesk.sqlite'),
    );
    const made = await appWithCatalogue(undefined, { home });
    app = made.app;
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    expect((await readdir(journalDisk)).sort()).toEqual([
      'scriptdesk.sqlite',
      'scriptdesk.sqlite-shm',
      'scriptdesk.sqlite-wal',
    ]);
    const before = await readdir(markerDir);

    const emptyAgain = await fill(journalDisk);
    const error = await refusedRun(markerDir);
    expect(error.code).toBe('journal_unavailable');
    expect(error.message).toBe(
      'The run was not started because the audit journal cannot be written: the disk is full. Free some space and run it again.',
    );
    expect(await readdir(markerDir)).toEqual(before);
    await noInterpreterLeft(home);

    await emptyAgain();
    const again = await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    expect(again.detail.status).toBe('succeeded');
  });

  it('a full disk under the run folders refuses the run saying so, and no script process starts', async () => {
    const home = await smallDisk();
    const made = await appWithCatalogue(undefined, { home });
    app = made.app;
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    const before = await readdir(markerDir);
    await fill(home);
    const error = await refusedRun(markerDir);
    expect(error.code).toBe('storage_unavailable');
    expect(error.message).toMatch(
      /^The run was not started because its folder .+ cannot be written: the disk is full\. Free some space and run it again\.$/,
    );
    expect(await readdir(markerDir)).toEqual(before);
  });

  it('without the keychain (no device key to sign with) scriptdesk run refuses with the reason and starts nothing', async () => {
    const made = await appWithCatalogue();
    await made.app.close();
    const markerDir = await tempDir('scriptdesk-marker-');
    const inputs = path.join(markerDir, '..', `${path.basename(markerDir)}-inputs.json`);
    await (
      await open(inputs, 'w')
    )
      .writeFile(JSON.stringify({ markerDir, mode: 'ok' }))
      .then(() => {});
    const result = await scriptdesk(made.home, ['run', 'probe', '--inputs', inputs], {
      env: { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(markerDir, 'no-bus')}` },
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('audit journal cannot be written');
    expect(result.stderr).toContain('OS keychain');
    expect(await readdir(markerDir)).toEqual([]);
  });
});
