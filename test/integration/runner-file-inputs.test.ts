import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

// The probe's `dataFile` input is `x-file: { kind: "file", accept: [".csv"], maxBytes: 1024 }`.

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Starts the probe with `dataFile` and expects a refusal naming that field, with nothing started. */
async function expectRefused(dataFile: string, message: RegExp): Promise<void> {
  const markers = await tempDir('scriptdesk-marker-');
  const result = await callTyped(
    app!.dispatch,
    'run.start',
    { scriptId: 'probe', inputs: { markerDir: markers, mode: 'ok', dataFile } },
    { transport: 'http' },
  );
  expect(result).toMatchObject({
    ok: false,
    error: { code: 'invalid_inputs', fields: [{ path: '/dataFile', message }] },
  });
  expect(await readdir(markers)).toEqual([]);
  expect((await callOrThrow(app!, 'run.list', {})).runs).toEqual([]);
}

describe('file inputs are checked on the real file system before anything starts', () => {
  it('a file with an extension the schema does not accept is refused', async () => {
    ({ app } = await appWithCatalogue());
    const file = path.join(await tempDir(), 'report.xlsx');
    await writeFile(file, 'a,b\n');
    await expectRefused(file, /must be a \.csv file/);
  });

  it('a .csv symlink pointing to a file of another kind elsewhere is refused, naming where it points', async () => {
    ({ app } = await appWithCatalogue());
    const link = path.join(await tempDir(), 'innocent.csv');
    await symlink('/etc/passwd', link);
    await expectRefused(link, /must be a \.csv file \(it points to passwd\)/);
  });

  it('a symlink into a folder is refused for a file input', async () => {
    ({ app } = await appWithCatalogue());
    const link = path.join(await tempDir(), 'folder.csv');
    await symlink('/etc', link);
    await expectRefused(link, /is not a file/);
  });

  it('a missing file is refused', async () => {
    ({ app } = await appWithCatalogue());
    await expectRefused(path.join(await tempDir(), 'gone.csv'), /does not exist/);
  });

  it('a dangling symlink is refused as missing', async () => {
    ({ app } = await appWithCatalogue());
    const link = path.join(await tempDir(), 'dangling.csv');
    await symlink(path.join(await tempDir(), 'nowhere.csv'), link);
    await expectRefused(link, /does not exist/);
  });

  it('a relative path is refused', async () => {
    ({ app } = await appWithCatalogue());
    await expectRefused('data.csv', /must be a full path/);
  });

  it('a file larger than the schema allows is refused with its size and the limit', async () => {
    ({ app } = await appWithCatalogue());
    const file = path.join(await tempDir(), 'big.csv');
    await writeFile(file, 'x'.repeat(1025));
    await expectRefused(file, /is 1025 bytes; the limit is 1024/);
  });

  it('a good file reached through a symlink is passed to the script by its real path', async () => {
    ({ app } = await appWithCatalogue());
    const dir = await tempDir();
    await mkdir(path.join(dir, 'real'));
    const real = path.join(dir, 'real', 'data.csv');
    await writeFile(real, 'a,b\n1,2\n');
    const link = path.join(dir, 'link.csv');
    await symlink(real, link);
    const markers = await tempDir('scriptdesk-marker-');
    const { detail } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'ok', dataFile: link },
    });
    expect(detail.status).toBe('succeeded');
    const seen = JSON.parse(await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8')) as {
      inputs: { dataFile: string };
    };
    expect(seen.inputs.dataFile).toBe(real);
  });
});
