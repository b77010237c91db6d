import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { folderSource } from '../../main/catalogue/sources.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import {
  copySource,
  DEMO_SOURCE,
  makeKeys,
  publish,
  FIXTURE_SCRIPT_IDS,
} from '../support/catalogue.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function freshApp(publicKeyFile: string): Promise<ScriptDeskApp> {
  app = await openScriptDeskApp({ home: await tempDir('scriptdesk-home-'), logError: () => {} });
  await app.services.trust.add(await loadPublicKey(publicKeyFile));
  return app;
}

async function listedIds(target: ScriptDeskApp): Promise<string[]> {
  const result = await callTyped(target.dispatch, 'catalogue.list', {}, { transport: 'cli' });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.scripts.map((s) => s.id);
}

describe('catalogue build', () => {
  it('publishes the demo catalogue as a signed document with every file as a content-addressed blob', async () => {
    const { published, document } = await publish(DEMO_SOURCE);
    expect(document.version).toBe(1);
    expect(document.scripts.map((s) => s.manifest.id)).toEqual([
      'api-check',
      'csv-summary',
      'loan-schedule',
      'rename-files',
    ]);
    const blobs = await readdir(path.join(published, 'blobs', 'sha256'));
    for (const script of document.scripts) {
      for (const file of [...script.files, ...script.wheels]) expect(blobs).toContain(file.sha256);
    }
    expect(
      document.scripts
        .find((s) => s.manifest.id === 'loan-schedule')!
        .wheels.map((w) => w.filename),
    ).toEqual(['loancalc-1.0.0-py3-none-any.whl']);
    const signatures = JSON.parse(
      await readFile(path.join(published, 'catalogue.sig'), 'utf8'),
    ) as unknown[];
    expect(signatures).toHaveLength(1);
  });

  it('raises the version above the one already in --out', async () => {
    const keys = await makeKeys();
    const out = path.join(await tempDir(), 'published');
    const options = {
      sourceDir: DEMO_SOURCE,
      keyFile: keys.privateKeyFile,
      outDir: out,
      validForMs: 86_400_000,
    };
    await publishCatalogue(options);
    const second = await publishCatalogue(options);
    expect(second.document.version).toBe(2);
  });

  const broken: [string, (src: string) => Promise<void>, RegExp][] = [
    [
      'an argv template that puts an x-sensitive input on the command line',
      async (src) => {
        const file = path.join(src, 'scripts/argparse-probe/form.schema.json');
        const schema = JSON.parse(await readFile(file, 'utf8'));
        schema.properties.text['x-sensitive'] = true;
        await writeFile(file, JSON.stringify(schema));
      },
      /scripts\/argparse-probe\/script\.json: field `args\.0` puts the x-sensitive input "text" on the command line, where other users of the computer can read it; let the script read it from the inputs file \(\$SCRIPTDESK_INPUTS\) instead/,
    ],
    [
      'a package that is not on the approved list',
      async (src) => {
        await writeFile(
          path.join(src, 'scripts/probe/requirements.lock'),
          `requests==2.0.0 --hash=sha256:${'a'.repeat(64)}\n`,
        );
      },
      /scripts\/probe\/requirements\.lock: line 1: package requests is not on the approved list in catalogue\.json \(script probe\)/,
    ],
    [
      'a lock line whose hash matches no wheel',
      async (src) => {
        const catalogue = JSON.parse(await readFile(path.join(src, 'catalogue.json'), 'utf8'));
        catalogue.approvedPackages = { loancalc: ['1.0.0'] };
        await writeFile(path.join(src, 'catalogue.json'), JSON.stringify(catalogue));
        await writeFile(
          path.join(src, 'scripts/probe/requirements.lock'),
          `loancalc==1.0.0 --hash=sha256:${'b'.repeat(64)}\n`,
        );
      },
      /requirements\.lock: line 1: no wheel in wheels\/ has the hash given for loancalc==1\.0\.0; add the wheel or correct the hash/,
    ],
    [
      'an unpinned lock line',
      async (src) => {
        await writeFile(path.join(src, 'scripts/probe/requirements.lock'), 'pandas>=2\n');
      },
      /requirements\.lock: line 1: "pandas>=2" is not pinned; write it as name==version --hash=sha256:/,
    ],
    [
      'a form schema with a remote $ref',
      async (src) => {
        const file = path.join(src, 'scripts/probe/form.schema.json');
        const schema = JSON.parse(await readFile(file, 'utf8'));
        schema.properties.remote = { $ref: 'https://example.com/schema.json' };
        await writeFile(file, JSON.stringify(schema));
      },
      /form\.schema\.json: \/properties\/remote\/\$ref: "https:\/\/example\.com\/schema\.json" points outside the schema/,
    ],
    [
      'a default that breaks its own schema',
      async (src) => {
        const file = path.join(src, 'scripts/probe/form.schema.json');
        const schema = JSON.parse(await readFile(file, 'utf8'));
        schema.properties.count.default = 50;
        await writeFile(file, JSON.stringify(schema));
      },
      /form\.schema\.json: \/properties\/count\/default: the default is refused by its own schema: Count must be at most 10; fix the "default"/,
    ],
    [
      'a script.json with a wrongly typed field',
      async (src) => {
        const file = path.join(src, 'scripts/probe/script.json');
        const manifest = JSON.parse(await readFile(file, 'utf8'));
        manifest.timeoutSeconds = 'soon';
        await writeFile(file, JSON.stringify(manifest));
      },
      /script\.json: field `timeoutSeconds` expected number, received string/,
    ],
    [
      'a script.json that is not JSON',
      async (src) => {
        await writeFile(path.join(src, 'scripts/probe/script.json'), '{ "id": ');
      },
      /script\.json: is not valid JSON/,
    ],
  ];

  it.each(broken)(
    'refuses %s with one line naming the file and the fix, leaving --out untouched',
    async (_name, breakIt, message) => {
      const keys = await makeKeys();
      const out = path.join(await tempDir(), 'published');
      await publishCatalogue({
        sourceDir: await copySource(),
        keyFile: keys.privateKeyFile,
        outDir: out,
        validForMs: 86_400_000,
      });
      const before = await readFile(path.join(out, 'catalogue.json'));
      const src = await copySource();
      await breakIt(src);
      const attempt = publishCatalogue({
        sourceDir: src,
        keyFile: keys.privateKeyFile,
        outDir: out,
        validForMs: 86_400_000,
      });
      await expect(attempt).rejects.toThrow(message);
      await attempt.catch((error: Error) => expect(error.message).not.toContain('\n'));
      expect(await readFile(path.join(out, 'catalogue.json'))).toEqual(before);
      expect((await readdir(path.dirname(out))).sort()).toEqual(['published']);
    },
  );
});

describe('sync', () => {
  it('installs a published catalogue and lists the scripts the user may run', async () => {
    const { keys, published } = await publish();
    const target = await freshApp(keys.publicKeyFile);
    const outcome = await target.services.catalogue.sync(folderSource(published));
    expect(outcome).toMatchObject({ kind: 'updated', previousVersion: null });
    expect(await listedIds(target)).toEqual(FIXTURE_SCRIPT_IDS);
    expect((await target.services.catalogue.sync(folderSource(published))).kind).toBe('unchanged');
  });

  it('refuses a catalogue whose document was changed after signing and keeps the previous one', async () => {
    const { keys, published } = await publish();
    const target = await freshApp(keys.publicKeyFile);
    await target.services.catalogue.sync(folderSource(published));
    const file = path.join(published, 'catalogue.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"version": 1', '"version": 9'));
    await expect(target.services.catalogue.sync(folderSource(published))).rejects.toThrow(
      /signature of catalogue\.json does not match its content/,
    );
    expect(await listedIds(target)).toEqual(FIXTURE_SCRIPT_IDS);
  });

  it('refuses a catalogue signed by a key the device does not trust', async () => {
    const trusted = await makeKeys();
    const { published } = await publish();
    const target = await freshApp(trusted.publicKeyFile);
    await expect(target.services.catalogue.sync(folderSource(published))).rejects.toThrow(
      /which this device does not trust/,
    );
    expect(await listedIds(target)).toEqual([]);
  });

  it('refuses an older version than the installed one (rollback)', async () => {
    const keys = await makeKeys();
    const root = await tempDir();
    const older = path.join(root, 'older');
    const newer = path.join(root, 'newer');
    const base = {
      sourceDir: await copySource(),
      keyFile: keys.privateKeyFile,
      validForMs: 86_400_000,
    };
    await publishCatalogue({ ...base, outDir: older });
    await publishCatalogue({ ...base, outDir: newer });
    await publishCatalogue({ ...base, outDir: newer });
    const target = await freshApp(keys.publicKeyFile);
    await target.services.catalogue.sync(folderSource(newer));
    await expect(target.services.catalogue.sync(folderSource(older))).rejects.toThrow(
      /offered catalogue version 1 is older than the installed version 2/,
    );
  });

  it('refuses an expired catalogue and names when it expired', async () => {
    const keys = await makeKeys();
    const out = path.join(await tempDir(), 'published');
    await publishCatalogue({
      sourceDir: await copySource(),
      keyFile: keys.privateKeyFile,
      outDir: out,
      validForMs: 60_000,
      now: new Date(Date.now() - 3_600_000),
    });
    const target = await freshApp(keys.publicKeyFile);
    await expect(target.services.catalogue.sync(folderSource(out))).rejects.toThrow(
      /catalogue version 1 expired on .*; ask your administrator to publish a new one/,
    );
  });

  it('journals accepted and rejected syncs with the reason', async () => {
    const { keys, published } = await publish();
    const target = await freshApp(keys.publicKeyFile);
    await target.services.catalogue.sync(folderSource(published));
    await rm(path.join(published, 'catalogue.sig'));
    await expect(target.services.catalogue.sync(folderSource(published))).rejects.toThrow();
    const events = target.services.journal.list(10).map((e) => e.event);
    expect(events.map((e) => e.type)).toEqual([
      'dev.scriptdesk.catalogue.rejected',
      'dev.scriptdesk.catalogue.synced',
    ]);
    expect(events[0]!.data.reason).toBe('unreachable');
  });
});
