/**
 * The script-folder check on its own, on real folders: nested layouts, links at every level, and
 * things that are not files. (The runner's use of it is in run-integrity.test.ts.)
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, symlink, writeFile, cp } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PublishedScript } from '../../main/catalogue/document.js';
import { ScriptFolderProblem, verifyScriptFolder } from '../../main/catalogue/script-folder.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);

const FILES: Record<string, string> = {
  'main.py': 'print("approved")\n',
  'lib/helpers/data.csv': 'a,b\n1,2\n',
  'script.json': '{}\n',
};

/** A scripts folder holding one materialised script `demo-1` with {@link FILES}, and its listing. */
async function materialised() {
  const scripts = path.join(await tempDir('scriptdesk-folder-'), 'scripts');
  const root = path.join(scripts, 'demo-1');
  for (const [file, text] of Object.entries(FILES)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const script = {
    manifest: { id: 'demo', entrypoint: 'main.py' },
    files: Object.entries(FILES).map(([file, text]) => ({
      path: file,
      sha256: sha256Hex(text),
      size: Buffer.byteLength(text),
    })),
  } as unknown as PublishedScript;
  const problem = () =>
    verifyScriptFolder(scripts, 'demo-1', script).then(
      () => null,
      (error: unknown) => {
        if (!(error instanceof ScriptFolderProblem)) throw error;
        return { relative: error.relative, kind: error.kind };
      },
    );
  return { scripts, root, script, problem };
}

describe('a script folder checked against its signed listing', () => {
  it("returns the entry point's bytes when the folder is exactly as listed, nested folders included", async () => {
    const { scripts, script } = await materialised();
    expect((await verifyScriptFolder(scripts, 'demo-1', script)).toString()).toBe(FILES['main.py']);
  });

  it('refuses a nested folder that is a symbolic link to a faithful copy', async () => {
    const { root, problem } = await materialised();
    const copy = path.join(await tempDir('scriptdesk-elsewhere-'), 'helpers');
    await cp(path.join(root, 'lib', 'helpers'), copy, { recursive: true });
    await rm(path.join(root, 'lib', 'helpers'), { recursive: true });
    await symlink(copy, path.join(root, 'lib', 'helpers'));
    expect(await problem()).toEqual({ relative: 'lib/helpers', kind: 'link' });
  });

  it('refuses the scripts folder itself being a symbolic link', async () => {
    const { scripts, script } = await materialised();
    const moved = `${scripts}-real`;
    await cp(scripts, moved, { recursive: true });
    await rm(scripts, { recursive: true });
    await symlink(moved, scripts);
    await expect(verifyScriptFolder(scripts, 'demo-1', script)).rejects.toMatchObject({
      file: scripts,
      kind: 'link',
    });
  });

  it('names a missing nested file and an extra one', async () => {
    const missing = await materialised();
    await rm(path.join(missing.root, 'lib', 'helpers', 'data.csv'));
    expect(await missing.problem()).toEqual({ relative: 'lib/helpers/data.csv', kind: 'missing' });

    const extra = await materialised();
    await writeFile(path.join(extra.root, 'lib', 'sitecustomize.py'), 'import os\n');
    expect(await extra.problem()).toEqual({ relative: 'lib/sitecustomize.py', kind: 'extra' });
  });

  it('refuses a FIFO put where a file was, without waiting for a writer', async () => {
    const { root, problem } = await materialised();
    await rm(path.join(root, 'main.py'));
    await run('mkfifo', [path.join(root, 'main.py')]);
    expect(await problem()).toEqual({ relative: 'main.py', kind: 'not_file' });
  });

  it('refuses a file with the right size and other bytes', async () => {
    const { root, problem } = await materialised();
    await writeFile(path.join(root, 'script.json'), '[]\n');
    expect(await problem()).toEqual({ relative: 'script.json', kind: 'changed' });
  });
});
