import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import type { MethodInput } from '../../main/contract/api.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { readCatalogueSource, SourceError } from '../../main/publishing/source-reader.js';
import { MAX_PRESETS_PER_SCRIPT } from '../../main/presets/preset-store.js';
import { appWithCatalogue, copySource } from '../support/catalogue.js';
import { callOrThrow } from '../support/runs.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const INPUTS = { markerDir: '/tmp/markers', mode: 'fail', count: 3 };

async function save(input: Omit<MethodInput<'presets.save'>, 'scriptId'>) {
  return callOrThrow(app!, 'presets.save', { scriptId: 'probe', ...input });
}

async function failure<M extends 'presets.save' | 'presets.rename' | 'presets.delete'>(
  method: M,
  input: MethodInput<M>,
) {
  const result = await callTyped(app!.dispatch, method, input, { transport: 'http' });
  if (result.ok) throw new Error(`${method} succeeded`);
  return result.error;
}

/** A copy of the fixture source whose probe script ships `presets` in its script.json. */
async function sourceWithPresets(presets: unknown): Promise<string> {
  const source = await copySource();
  const file = path.join(source, 'scripts', 'probe', 'script.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...manifest, presets }));
  return source;
}

describe('an analyst’s presets', () => {
  it('saves, lists, renames and deletes a preset, and the default follows a rename and goes with a delete', async () => {
    ({ app } = await appWithCatalogue());
    const saved = await save({ name: 'Month end', inputs: INPUTS, makeDefault: true });
    expect(saved.presets).toEqual([
      { source: 'mine', name: 'Month end', inputs: INPUTS, savedAt: expect.any(String) },
    ]);
    expect(saved.defaultPreset).toEqual({ source: 'mine', name: 'Month end' });

    const renamed = await callOrThrow(app, 'presets.rename', {
      scriptId: 'probe',
      name: 'Month end',
      newName: 'Month-end close',
    });
    expect(renamed.presets.map((p) => p.name)).toEqual(['Month-end close']);
    expect(renamed.defaultPreset).toEqual({ source: 'mine', name: 'Month-end close' });

    const deleted = await callOrThrow(app, 'presets.delete', {
      scriptId: 'probe',
      name: 'month-end CLOSE',
    });
    expect(deleted).toEqual({ presets: [], defaultPreset: null });
  });

  it('never stores a sensitive value, and names the field it left out', async () => {
    ({ app } = await appWithCatalogue());
    const saved = await save({
      name: 'With token',
      inputs: { ...INPUTS, token: 'hunter2-SECRET' },
    });
    expect(saved.leftOut).toEqual(['token']);
    expect(saved.presets[0]!.inputs).toEqual(INPUTS);
    const db = new Database(app.services.paths.database, { readonly: true });
    try {
      const rows = JSON.stringify(db.prepare('SELECT * FROM presets').all());
      expect(rows).toContain('/tmp/markers');
      expect(rows).not.toContain('hunter2');
    } finally {
      db.close();
    }
  });

  it('refuses a taken name whatever its case unless told to replace it, then replaces it', async () => {
    ({ app } = await appWithCatalogue());
    await save({ name: 'Daily', inputs: INPUTS });
    const taken = await failure('presets.save', {
      scriptId: 'probe',
      name: 'DAILY',
      inputs: { ...INPUTS, count: 9 },
    });
    expect(taken).toMatchObject({ code: 'conflict', fields: [{ path: '/name' }] });
    expect(taken.message).toContain('choose another name or replace it');
    const replaced = await save({ name: 'DAILY', inputs: { ...INPUTS, count: 9 }, replace: true });
    expect(replaced.presets).toEqual([
      expect.objectContaining({ name: 'DAILY', inputs: { ...INPUTS, count: 9 } }),
    ]);
    await save({ name: 'Weekly', inputs: INPUTS });
    expect(
      await failure('presets.rename', { scriptId: 'probe', name: 'Weekly', newName: 'daily' }),
    ).toMatchObject({ code: 'conflict', fields: [{ path: '/newName' }] });
  });

  it.each([
    [{ name: '   ' }, '/name', 'a preset name cannot be empty'],
    [{ name: 'x'.repeat(81) }, '/name', 'at most 80 characters'],
    [{ name: 'two\nlines' }, '/name', 'no control characters'],
    [{ inputs: { ...INPUTS, colour: 'red' } }, '/colour', 'is not a field of this form'],
    [{ scriptId: 'no-such-script' }, '', 'no-such-script'],
  ])('refuses %j with the field and the fix, and stores nothing', async (change, field, words) => {
    ({ app } = await appWithCatalogue());
    const error = await failure('presets.save', {
      scriptId: 'probe',
      name: 'Fine',
      inputs: INPUTS,
      ...change,
    });
    const said = `${error.message} ${JSON.stringify(error.fields ?? [])}`;
    expect(said).toContain(field);
    expect(said).toContain(words);
    expect((await callOrThrow(app, 'presets.list', { scriptId: 'probe' })).presets).toEqual([]);
  });

  it(`keeps at most ${MAX_PRESETS_PER_SCRIPT} presets per script and says what to do at the limit`, async () => {
    ({ app } = await appWithCatalogue());
    for (let i = 0; i < MAX_PRESETS_PER_SCRIPT; i++) await save({ name: `P${i}`, inputs: INPUTS });
    const full = await failure('presets.save', {
      scriptId: 'probe',
      name: 'One more',
      inputs: INPUTS,
    });
    expect(full.message).toContain('delete one you no longer use first');
    // Replacing one is still possible at the limit.
    await save({ name: 'P1', inputs: { ...INPUTS, count: 2 }, replace: true });
  });

  it('says which preset is missing when deleting or renaming one that is gone', async () => {
    ({ app } = await appWithCatalogue());
    const gone = await failure('presets.delete', { scriptId: 'probe', name: 'Nothing' });
    expect(gone).toMatchObject({ code: 'not_found' });
    expect(gone.message).toContain('"Nothing"');
  });
});

describe('presets an administrator ships in script.json', () => {
  it('are listed before the analyst’s own, marked as the administrator’s, and can be the default', async () => {
    const source = await sourceWithPresets([
      { name: 'Three lines', inputs: { markerDir: '/srv/markers', count: 3 } },
    ]);
    ({ app } = await appWithCatalogue(source));
    await save({ name: 'Mine', inputs: INPUTS });
    const chosen = await callOrThrow(app, 'presets.setDefault', {
      scriptId: 'probe',
      preset: { source: 'admin', name: 'Three lines' },
    });
    expect(chosen.presets.map((p) => [p.source, p.name])).toEqual([
      ['admin', 'Three lines'],
      ['mine', 'Mine'],
    ]);
    expect(chosen.presets[0]).toMatchObject({
      inputs: { markerDir: '/srv/markers', count: 3 },
      savedAt: null,
    });
    expect(chosen.defaultPreset).toEqual({ source: 'admin', name: 'Three lines' });
    // An administrator's preset cannot be renamed or deleted by the analyst: it is not theirs.
    expect((await failure('presets.delete', { scriptId: 'probe', name: 'Three lines' })).code).toBe(
      'not_found',
    );
  });

  it('are checked at build: every preset with a field the form lacks, a sensitive field or a bad value is named', async () => {
    const source = await sourceWithPresets([
      { name: 'Typo', inputs: { markerDir: '/x', colour: 'red' } },
      { name: 'Secret', inputs: { markerDir: '/x', token: 'abc' } },
      { name: 'Too many', inputs: { markerDir: '/x', count: 99 } },
      { name: 'No folder', inputs: { count: 2 } },
      { name: 'Fine', inputs: { markerDir: '/x' } },
    ]);
    const error = await readCatalogueSource(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    const details = (error as SourceError).problems.map((p) => p.detail);
    expect(details).toEqual([
      'preset "Typo" sets `colour`, which the form does not have; remove it',
      'preset "Secret" sets `token`, which is sensitive: analysts enter it at each run; remove it',
      expect.stringMatching(/^preset "Too many" does not pass the form: count: .*10/),
      expect.stringMatching(/^preset "No folder" does not pass the form: markerDir: /),
    ]);
  });

  it('are refused at build when two share a name, whatever the case', async () => {
    const source = await sourceWithPresets([
      { name: 'Daily', inputs: {} },
      { name: 'daily', inputs: {} },
    ]);
    const error = await readCatalogueSource(source).catch((e: unknown) => e);
    expect(String(error)).toContain('two presets have the same name');
  });
});
