import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { folderSource } from '../../main/catalogue/sources.js';
import { startWebHost, type WebHost } from '../../main/host/web-host.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import { appWithCatalogue, flipByte, publish, REPO, resign } from '../support/catalogue.js';
import { tempDir } from '../support/temp.js';

const apps: ScriptDeskApp[] = [];
let host: WebHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
  for (const app of apps.splice(0)) await app.close();
});

async function withCatalogue(...args: Parameters<typeof appWithCatalogue>) {
  const opened = await appWithCatalogue(...args);
  apps.push(opened.app);
  return opened;
}

async function call<T>(app: ScriptDeskApp, method: string, input: object): Promise<T> {
  const result = await app.dispatch(method, input, { transport: 'http' });
  if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

type Got = { validator: { sha256: string } };
const BAD_PROBE_INPUTS = { markerDir: '/tmp', mode: 'sideways', count: 11, extra: true };
const BAD_PROBE_ERRORS = [
  {
    path: '/extra',
    message:
      '"extra" is not a field of this form; remove it (the form declares "markerDir", "mode", "then", "text", "count", "token", "megabytes", "dataFile").',
  },
  {
    path: '/mode',
    message:
      'Mode must be one of: ok, fail, exit3, exit4, sleep, sleep-with-child, flood, shadow, … (12 choices in all).',
  },
  { path: '/count', message: 'Count must be at most 10.' },
];

describe('form validators', () => {
  it('are published by catalogue build as signed, content-addressed blobs and installed by sync', async () => {
    const { app, published, home } = await withCatalogue();
    const document = JSON.parse(await readFile(path.join(published, 'catalogue.json'), 'utf8')) as {
      scripts: { manifest: { id: string }; validator: { sha256: string; size: number } }[];
    };
    for (const script of document.scripts) {
      const { sha256, size } = script.validator;
      const blob = await readFile(path.join(published, 'blobs', 'sha256', sha256));
      expect(blob.length, script.manifest.id).toBe(size);
      expect(sha256Hex(blob), script.manifest.id).toBe(sha256);
      expect(blob.toString('utf8')).toMatch(/^\/\/ ScriptDesk form validator/);
      expect((await stat(path.join(home, 'store', 'sha256', sha256))).size).toBe(size);
    }
    const got = await call<Got>(app, 'catalogue.get', { scriptId: 'probe' });
    expect(got.validator.sha256).toBe(
      document.scripts.find((s) => s.manifest.id === 'probe')!.validator.sha256,
    );
  });

  it('check run inputs in main with the published module, worded in plain words as main words them', async () => {
    const { app } = await withCatalogue();
    expect(
      await call(app, 'run.validate', { scriptId: 'probe', inputs: BAD_PROBE_INPUTS }),
    ).toEqual({ valid: false, errors: BAD_PROBE_ERRORS });
  });

  it('refuse a validator changed on disk after sync, naming the script and what to do, until a sync restores it', async () => {
    const { app, published } = await withCatalogue();
    const document = (await app.services.catalogue.installed())!.document;
    const probe = document.scripts.find((s) => s.manifest.id === 'probe')!;
    await flipByte(path.join(app.services.paths.store, 'sha256', probe.validator!.sha256));
    const result = await app.dispatch(
      'run.validate',
      { scriptId: 'probe', inputs: { markerDir: '/tmp', mode: 'ok' } },
      { transport: 'http' },
    );
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'catalogue_unavailable',
        message:
          'The form validator of probe cannot be used: the local copy was changed on disk; sync the catalogue again.',
      },
    });
    // The damaged copy was discarded, so the sync the message asks for fetches it again.
    await app.services.catalogue.sync(folderSource(published));
    expect(
      await call(app, 'run.validate', {
        scriptId: 'probe',
        inputs: { markerDir: '/tmp', mode: 'ok' },
      }),
    ).toEqual({ valid: true, errors: [] });
  });

  it('are made on the device for a catalogue published without them, and checks still hold', async () => {
    const { keys, published } = await publish();
    await resign(published, keys.privateKeyFile, (document) => {
      for (const script of document.scripts) delete script.validator;
    });
    const app = await openScriptDeskApp({ home: await tempDir('scriptdesk-home-'), logError() {} });
    apps.push(app);
    await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
    await app.services.catalogue.sync(folderSource(published));

    expect(
      await call(app, 'run.validate', { scriptId: 'probe', inputs: BAD_PROBE_INPUTS }),
    ).toEqual({ valid: false, errors: BAD_PROBE_ERRORS });
    const { validator } = await call<Got>(app, 'catalogue.get', { scriptId: 'probe' });
    const bytes = await app.validatorModule(validator.sha256);
    expect(bytes && sha256Hex(bytes)).toBe(validator.sha256);
  });

  it('are served to the page by hash, only when main loaded them for the installed catalogue', async () => {
    const { app } = await withCatalogue();
    host = await startWebHost({
      dispatch: app.dispatch,
      subscribe: (listener) => app.subscribe(listener),
      validatorModule: (sha256) => app.validatorModule(sha256),
      rendererDir: path.join(REPO, 'test', 'fixtures', 'renderer'),
    });
    const document = (await app.services.catalogue.installed())!.document;
    const probe = document.scripts.find((s) => s.manifest.id === 'probe')!.validator!.sha256;
    const url = (sha256: string) => `${host!.origin}/validators/${sha256}.js`;

    // Not before the page asked for the form: main serves what it loaded, never a path on disk.
    expect((await fetch(url(probe))).status).toBe(404);
    const { validator } = await call<Got>(app, 'catalogue.get', { scriptId: 'probe' });
    expect(validator.sha256).toBe(probe);

    const response = await fetch(url(probe));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-security-policy')).not.toContain('unsafe-eval');
    expect(sha256Hex(Buffer.from(await response.arrayBuffer()))).toBe(probe);

    expect((await fetch(url('0'.repeat(64)))).status).toBe(404);
    expect((await fetch(`${host.origin}/validators/${probe.toUpperCase()}.js`)).status).toBe(404);
    expect((await fetch(url(probe), { method: 'POST', body: '' })).status).toBe(405);
  });
});
