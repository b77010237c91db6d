import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { ApiFailure } from '../../main/contract/errors.js';
import { chosenPath, openDialogOptions } from '../../main/electron/file-dialog.js';
import { listFolder, MAX_ENTRIES } from '../../main/files/file-browser.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

/** A home with folders, accepted and other files, a hidden file and links in and out. */
async function home(): Promise<{ root: string; outside: string }> {
  const root = await tempDir('scriptdesk-browse-home-');
  const outside = await tempDir('scriptdesk-browse-outside-');
  await mkdir(path.join(root, 'Reports 10'));
  await mkdir(path.join(root, 'Reports 9'));
  await writeFile(path.join(root, 'sales.csv'), 'a,b\n1,2\n');
  await writeFile(path.join(root, 'OLD.CSV'), 'a\n');
  await writeFile(path.join(root, 'notes.txt'), 'hi');
  await writeFile(path.join(root, '.secret.csv'), 'x');
  await writeFile(path.join(outside, 'elsewhere.csv'), 'x');
  await symlink(path.join(root, 'sales.csv'), path.join(root, 'latest.csv'));
  await symlink(outside, path.join(root, 'escape'));
  await symlink(path.join(outside, 'elsewhere.csv'), path.join(root, 'away.csv'));
  return { root, outside };
}

const names = (listing: { entries: { name: string; kind: string }[] }) =>
  listing.entries.map((e) => `${e.kind === 'directory' ? 'dir' : 'file'}:${e.name}`);

describe('the in-page file browser', () => {
  it('lists folders first, then the accepted files whatever their case, hiding dot files and links that leave the home', async () => {
    const { root } = await home();
    const listing = await listFolder(root, { kind: 'file', accept: ['.csv'] });
    expect(names(listing)).toEqual([
      'dir:Reports 9',
      'dir:Reports 10',
      'file:latest.csv',
      'file:OLD.CSV',
      'file:sales.csv',
    ]);
    expect(listing).toMatchObject({ parent: null, truncated: false });
    expect(listing.entries.find((e) => e.name === 'sales.csv')?.size).toBe(8);
  });

  it('lists only folders for a folder field, and goes back up no further than the home', async () => {
    const { root } = await home();
    const inner = await listFolder(root, {
      kind: 'directory',
      folder: path.join(root, 'Reports 9'),
    });
    expect(inner.parent).toBe(inner.root);
    expect(names(await listFolder(root, { kind: 'directory' }))).toEqual([
      'dir:Reports 9',
      'dir:Reports 10',
    ]);
  });

  it.each([
    [
      'a folder outside the home',
      (_root: string, o: string) => o,
      'forbidden',
      'only folders in your home',
    ],
    ['the home’s parent through ..', (r: string) => path.join(r, '..'), 'forbidden', 'outside it'],
    [
      'a link in the home to a folder outside',
      (r: string) => path.join(r, 'escape'),
      'forbidden',
      'outside it',
    ],
    ['a relative path', () => 'Reports 9', 'bad_request', 'is not a full path'],
    [
      'a folder that is not there',
      (r: string) => path.join(r, 'gone'),
      'not_found',
      'does not exist',
    ],
    ['a file', (r: string) => path.join(r, 'notes.txt'), 'bad_request', 'is a file, not a folder'],
  ])('refuses %s, saying why', async (_what, folderOf, code, words) => {
    const { root, outside } = await home();
    const error = await listFolder(root, { kind: 'file', folder: folderOf(root, outside) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApiFailure);
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toContain(words);
  });

  it(`lists at most ${MAX_ENTRIES} entries of a crowded folder and says it left some out`, async () => {
    const root = await tempDir('scriptdesk-browse-crowded-');
    await Promise.all(
      Array.from({ length: MAX_ENTRIES + 5 }, (_, i) =>
        writeFile(path.join(root, `f${i}.csv`), ''),
      ),
    );
    const listing = await listFolder(root, { kind: 'file' });
    expect(listing.entries).toHaveLength(MAX_ENTRIES);
    expect(listing.truncated).toBe(true);
  });
});

describe('files.browse and files.choose through the API', () => {
  let app: ScriptDeskApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('offers the folders a field’s earlier runs used, newest first and only those still there', async () => {
    const { root } = await home();
    ({ app } = await appWithCatalogue(undefined, { browseRoot: root }));
    for (const folder of ['Reports 9', 'Reports 10'])
      await runToEnd(app, {
        scriptId: 'probe',
        inputs: { markerDir: path.join(root, folder), mode: 'ok' },
      });
    const listing = await callOrThrow(app, 'files.browse', {
      kind: 'directory',
      scriptId: 'probe',
      field: 'markerDir',
    });
    expect(listing.recent).toEqual([path.join(root, 'Reports 10'), path.join(root, 'Reports 9')]);
    expect(listing.folder).toBe(listing.root);
  });

  it('opens no dialog for the web host or the CLI: files.choose says to use the browser', async () => {
    ({ app } = await appWithCatalogue());
    const result = await callTyped(
      app.dispatch,
      'files.choose',
      { kind: 'file' },
      { transport: 'http' },
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unsupported');
      expect(result.error.message).toContain('folder browser');
    }
  });

  it('hands the desktop dialog what the field accepts and returns the path chosen', async () => {
    const asked: unknown[] = [];
    ({ app } = await appWithCatalogue(undefined, {
      chooseFile: async (request) => {
        asked.push(openDialogOptions(request));
        return chosenPath({ canceled: false, filePaths: ['/home/ana/sales.csv'] });
      },
    }));
    const chosen = await callTyped(
      app.dispatch,
      'files.choose',
      { kind: 'file', accept: ['.csv', '.tsv'] },
      { transport: 'ipc' },
    );
    expect(chosen).toEqual({ ok: true, value: { path: '/home/ana/sales.csv' } });
    expect(asked).toEqual([
      {
        title: 'Choose a file',
        properties: ['openFile'],
        filters: [{ name: 'Accepted files (.csv, .tsv)', extensions: ['csv', 'tsv'] }],
      },
    ]);
    expect(openDialogOptions({ kind: 'directory', accept: ['.csv'] })).toEqual({
      title: 'Choose a folder',
      properties: ['openDirectory'],
    });
    expect(chosenPath({ canceled: true, filePaths: [] })).toBeNull();
  });

  it.each([
    ['an extension without its dot', { kind: 'file', accept: ['csv'] }, 'accept'],
    ['a folder path over 4,096 characters', { kind: 'file', folder: 'x'.repeat(4097) }, 'folder'],
    ['a kind that is neither file nor folder', { kind: 'symlink' }, 'kind'],
  ])('refuses files.browse with %s, naming the field', async (_what, input, field) => {
    ({ app } = await appWithCatalogue());
    const result = await callTyped(app.dispatch, 'files.browse', input as never, {
      transport: 'http',
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(JSON.stringify(result.error.fields)).toContain(field);
  });
});
