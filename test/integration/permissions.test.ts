import { cp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callTyped } from '../../main/contract/dispatcher.js';
import { appWithCatalogue, copySource, FIXTURE_SCRIPT_IDS } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const me = os.userInfo().username;
/** What this user may run: the fixture scripts (open to the "everyone" group) and the two for them. */
const PERMITTED = [...FIXTURE_SCRIPT_IDS, 'by-group', 'by-name'].sort();

/**
 * A catalogue whose scripts are each open to a different set of people: everyone (a group with
 * "*"), me by name, a group I am in, a group I am not in, and someone else by name.
 */
async function permissionsSource(): Promise<string> {
  const src = await copySource();
  const catalogueFile = path.join(src, 'catalogue.json');
  const catalogue = JSON.parse(await readFile(catalogueFile, 'utf8'));
  catalogue.groups = { everyone: ['*'], team: ['alice', me], payroll: ['bob'] };
  await writeFile(catalogueFile, JSON.stringify(catalogue));
  const variants: [string, { users: string[]; groups: string[] }][] = [
    ['by-name', { users: [me], groups: [] }],
    ['by-group', { users: [], groups: ['team'] }],
    ['other-group', { users: [], groups: ['payroll'] }],
    ['other-user', { users: ['someone-else'], groups: [] }],
  ];
  for (const [id, allowed] of variants) {
    const dir = path.join(src, 'scripts', id);
    await cp(path.join(src, 'scripts', 'probe'), dir, { recursive: true });
    const manifestFile = path.join(dir, 'script.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    await writeFile(manifestFile, JSON.stringify({ ...manifest, id, title: id, allowed }));
  }
  return src;
}

describe('who may run what', () => {
  it('lists only the scripts the OS user may run: by name, through a group, or through "*"', async () => {
    const { app } = await appWithCatalogue(await permissionsSource());
    const list = await callTyped(app.dispatch, 'catalogue.list', {}, { transport: 'cli' });
    expect(list.ok && list.value.scripts.map((s) => s.id).sort()).toEqual(PERMITTED);
    await app.close();
  });

  it.each(['other-group', 'other-user'])(
    'refuses to show, validate or run %s, which is not open to this user',
    async (scriptId) => {
      const { app } = await appWithCatalogue(await permissionsSource());
      const markerDir = await tempDir();
      const inputs = { markerDir, mode: 'ok' };
      for (const [method, input] of [
        ['catalogue.get', { scriptId }],
        ['run.validate', { scriptId, inputs }],
        ['run.start', { scriptId, inputs }],
      ] as const) {
        const result = await callTyped(app.dispatch, method, input, { transport: 'http' });
        expect(result).toMatchObject({
          ok: false,
          error: {
            code: 'forbidden',
            message: `You (${me}) are not allowed to run "${scriptId}"; ask your administrator for access.`,
          },
        });
      }
      const runs = await callTyped(app.dispatch, 'run.list', {}, { transport: 'cli' });
      expect(runs).toEqual({ ok: true, value: { runs: [], total: 0 } });
      await app.close();
    },
  );

  it('scriptdesk list shows the same permitted scripts', async () => {
    const { app, home } = await appWithCatalogue(await permissionsSource());
    await app.close();
    const { code, stdout } = await scriptdesk(home, ['list', '--json']);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { id: string }[]).map((s) => s.id).sort()).toEqual(PERMITTED);
  });
});
