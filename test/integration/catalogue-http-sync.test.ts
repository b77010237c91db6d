import { createReadStream } from 'node:fs';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import type { CatalogueDocument } from '../../main/catalogue/document.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { httpSource } from '../../main/catalogue/sources.js';
import { CatalogueRejected, type RejectionReason } from '../../main/catalogue/verify.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import type { MethodInput, MethodName } from '../../main/contract/api.js';
import { startServer } from '../../main/server/server.js';
import {
  copySource,
  flipByte,
  makeKeys,
  resign,
  FIXTURE_SCRIPT_IDS,
} from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const DAY = 86_400_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The published folder of a catalogue source, served by `scriptdesk server` on 127.0.0.1, and an app that synced version 1 from it. */
async function servedCatalogue(options: { clock?: () => Date } = {}) {
  const source = await copySource();
  const keys = await makeKeys();
  const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
  const publishAt = async (
    changes: { validForMs?: number; now?: Date; keyFile?: string | string[] } = {},
  ) =>
    publishCatalogue({
      sourceDir: source,
      keyFile: changes.keyFile ?? keys.privateKeyFile,
      outDir: published,
      validForMs: changes.validForMs ?? DAY,
      ...(changes.now ? { now: changes.now } : {}),
    });
  const first = await publishAt(options.clock ? { now: options.clock() } : {});
  const requests: string[] = [];
  const server = await startServer({
    root: published,
    verbose: true,
    log: (line) => requests.push(line),
  });
  cleanups.push(() => server.close());
  const home = await tempDir('scriptdesk-home-');
  const app = await openScriptDeskApp({
    home,
    logError: () => {},
    ...(options.clock ? { clock: options.clock } : {}),
  });
  cleanups.push(() => app.close());
  await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
  const source1 = httpSource(server.url);
  await app.services.catalogue.sync(source1);
  return {
    app,
    home,
    keys,
    source,
    published,
    server,
    requests,
    first,
    publishAt,
    sync: () => app.services.catalogue.sync(httpSource(server.url)),
  };
}

async function call<M extends MethodName>(app: ScriptDeskApp, method: M, input: MethodInput<M>) {
  return callTyped(app.dispatch, method, input, { transport: 'cli' });
}

/** The sync is refused for `reason`, the message matches, and version `version` is still what the device lists and runs. */
async function expectRefusedKeeping(
  setup: Awaited<ReturnType<typeof servedCatalogue>>,
  reason: RejectionReason,
  message: RegExp,
  version = 1,
): Promise<void> {
  const error = await setup.sync().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CatalogueRejected);
  expect((error as CatalogueRejected).reason).toBe(reason);
  expect((error as CatalogueRejected).message).toMatch(message);
  const status = await setup.app.services.catalogue.status();
  expect(status.installed?.version).toBe(version);
  expect(status.lastError?.reason).toBe(reason);
  const list = await call(setup.app, 'catalogue.list', {});
  expect(list.ok && list.value.scripts.map((s) => s.id)).toEqual(FIXTURE_SCRIPT_IDS);
  const events = setup.app.services.journal.list(5).map((e) => e.event);
  expect(events[0]).toMatchObject({
    type: 'dev.scriptdesk.catalogue.rejected',
    data: { reason, from: httpSource(setup.server.url).location },
  });
  // Nothing half-downloaded is left in the content store.
  const blobs = await readdir(path.join(setup.home, 'store', 'sha256'));
  expect(blobs.filter((name) => !/^[0-9a-f]{64}$/.test(name))).toEqual([]);
}

/** Changes the probe script's file so the next publish has one new blob of the same size. */
async function editProbeScript(source: string): Promise<void> {
  const file = path.join(source, 'scripts', 'probe', 'main.py');
  const text = await readFile(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  await writeFile(file, `${text.slice(0, -1)}#`); // same size, other bytes, still valid Python
}

function blobOf(document: CatalogueDocument, file: string): string {
  return document.scripts
    .find((s) => s.manifest.id === 'probe')!
    .files.find((f) => f.path === file)!.sha256;
}

describe('catalogue sync over HTTP from scriptdesk server', () => {
  it('installs version 1, then a no-change sync is one conditional request answered 304', async () => {
    const setup = await servedCatalogue();
    expect((await setup.app.services.catalogue.status()).installed?.version).toBe(1);
    setup.requests.length = 0;
    const outcome = await setup.sync();
    expect(outcome).toMatchObject({ kind: 'unchanged', version: 1 });
    expect(setup.requests).toHaveLength(1);
    expect(setup.requests[0]).toMatch(/GET \/catalogue\.json 304/);
  });

  it('a no-change sync answered 304 still fetches a discarded blob again and restores a script folder set aside', async () => {
    const setup = await servedCatalogue();
    const blob = blobOf(setup.first.document, 'main.py');
    await rm(path.join(setup.home, 'store', 'sha256', blob));
    const scripts = path.join(setup.home, 'scripts');
    const probeFolder = (await readdir(scripts)).find((name) => name.startsWith('probe-'))!;
    await rm(path.join(scripts, probeFolder), { recursive: true });
    setup.requests.length = 0;
    expect(await setup.sync()).toMatchObject({ kind: 'unchanged', version: 1 });
    expect(setup.requests).toEqual([
      expect.stringMatching(/GET \/catalogue\.json 304/),
      expect.stringContaining(`/blobs/sha256/${blob} 200`),
    ]);
    expect(await readdir(scripts)).toContain(probeFolder);
  });

  it('fetches only the blobs a new version adds', async () => {
    const setup = await servedCatalogue();
    await editProbeScript(setup.source);
    const second = await setup.publishAt();
    setup.requests.length = 0;
    const outcome = await setup.sync();
    expect(outcome).toMatchObject({ kind: 'updated', blobsFetched: 1, previousVersion: 1 });
    expect(setup.requests.filter((r) => r.includes('/blobs/'))).toEqual([
      expect.stringContaining(`/blobs/sha256/${blobOf(second.document, 'main.py')} 200`),
    ]);
    expect((await setup.app.services.catalogue.status()).installed?.version).toBe(2);
  });

  it('refuses a catalogue.json with one flipped byte and keeps version 1', async () => {
    const setup = await servedCatalogue();
    await setup.publishAt();
    await flipByte(path.join(setup.published, 'catalogue.json'), 40);
    await expectRefusedKeeping(setup, 'bad_signature', /does not match its content/);
  });

  it('refuses a catalogue.sig with one flipped byte and keeps version 1', async () => {
    const setup = await servedCatalogue();
    await setup.publishAt();
    const sigFile = path.join(setup.published, 'catalogue.sig');
    const sig = await readFile(sigFile, 'utf8');
    const at = sig.indexOf('"sig": "') + 12;
    await writeFile(sigFile, sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1));
    await expectRefusedKeeping(setup, 'bad_signature', /does not match its content/);
  });

  it('refuses a blob with one flipped byte, stores nothing of it, and keeps version 1', async () => {
    const setup = await servedCatalogue();
    await editProbeScript(setup.source);
    const second = await setup.publishAt();
    const blob = blobOf(second.document, 'main.py');
    await flipByte(path.join(setup.published, 'blobs', 'sha256', blob));
    await expectRefusedKeeping(setup, 'bad_blob', /script probe .*does not match its signed hash/);
    expect(await readdir(path.join(setup.home, 'store', 'sha256'))).not.toContain(blob);
  });

  it('refuses a catalogue validly signed by a key the device does not trust', async () => {
    const setup = await servedCatalogue();
    const stranger = await makeKeys();
    await setup.publishAt({ keyFile: stranger.privateKeyFile });
    await expectRefusedKeeping(
      setup,
      'unknown_key',
      new RegExp(`signed by key ${stranger.keyId}, which this device does not trust`),
    );
  });

  it('refuses a validly signed older version (rollback) and keeps the newer one', async () => {
    const setup = await servedCatalogue();
    const v1 = path.join(await tempDir(), 'v1');
    await cp(setup.published, v1, { recursive: true });
    await setup.publishAt();
    await setup.sync();
    await cp(v1, setup.published, { recursive: true, force: true });
    await expectRefusedKeeping(
      setup,
      'rollback',
      /offered catalogue version 1 is older than the installed version 2/,
      2,
    );
  });

  it('refuses the same version with other bytes', async () => {
    const setup = await servedCatalogue();
    await resign(setup.published, setup.keys.privateKeyFile, (document) => {
      document.name = 'Test catalogue (edited)';
    });
    await expectRefusedKeeping(
      setup,
      'same_version_other_bytes',
      /version 1 differs from the installed copy of the same version/,
    );
  });

  it('refuses an expired catalogue and names when it expired', async () => {
    const setup = await servedCatalogue();
    const { document } = await setup.publishAt({
      now: new Date(Date.now() - 2 * DAY),
      validForMs: DAY,
    });
    await expectRefusedKeeping(
      setup,
      'expired',
      new RegExp(`catalogue version 2 expired on ${document.expires}`),
    );
  });

  it('refuses a blob of an older catalogue served under a new blob name', async () => {
    const setup = await servedCatalogue();
    await editProbeScript(setup.source);
    const second = await setup.publishAt();
    const blobs = path.join(setup.published, 'blobs', 'sha256');
    // The device already holds version 1's blob; a hostile server has it too.
    await cp(
      path.join(setup.home, 'store', 'sha256', blobOf(setup.first.document, 'main.py')),
      path.join(blobs, blobOf(second.document, 'main.py')),
    );
    await expectRefusedKeeping(setup, 'bad_blob', /does not match its signed hash/);
  });

  it.each(['../x', '/abs', 'C:\\x', 'a\\..\\b', 'a/../../b', ''])(
    'refuses a validly signed catalogue listing the file path %j',
    async (unsafe) => {
      const setup = await servedCatalogue();
      await setup.publishAt();
      await resign(setup.published, setup.keys.privateKeyFile, (document) => {
        document.scripts[0]!.files[0]!.path = unsafe;
      });
      // An empty path never gets past the document schema; every other one is named.
      await expectRefusedKeeping(
        setup,
        unsafe === '' ? 'malformed' : 'unsafe_path',
        unsafe === '' ? /not a valid catalogue/ : /is not a safe relative path/,
      );
    },
  );

  it('refuses a catalogue for another audience', async () => {
    const setup = await servedCatalogue();
    await setup.publishAt();
    await resign(setup.published, setup.keys.privateKeyFile, (document) => {
      document.audience = 'payroll';
    });
    await expectRefusedKeeping(
      setup,
      'wrong_audience',
      /for audience "payroll", but this device belongs to "tests"/,
    );
  });

  it('refuses a signed document of another type before reading anything else from it', async () => {
    const setup = await servedCatalogue();
    await setup.publishAt();
    await resign(setup.published, setup.keys.privateKeyFile, (document) => {
      (document as { type: string }).type = 'scriptdesk-policy';
    });
    await expectRefusedKeeping(setup, 'wrong_type', /type "scriptdesk-policy"/);
  });

  it('refuses a catalogue that needs a newer ScriptDesk, saying to update', async () => {
    const setup = await servedCatalogue();
    await setup.publishAt();
    await resign(setup.published, setup.keys.privateKeyFile, (document) => {
      document.minAppVersion = '99.0.0';
    });
    await expectRefusedKeeping(
      setup,
      'app_too_old',
      /needs ScriptDesk 99\.0\.0 or later, and this is \d+\.\d+\.\d+; update ScriptDesk/,
    );
  });

  it('accepts a catalogue signed only by the next key when the device pins current and next', async () => {
    const setup = await servedCatalogue();
    const next = await makeKeys();
    await setup.app.services.trust.add(await loadPublicKey(next.publicKeyFile));
    await setup.publishAt({ keyFile: next.privateKeyFile });
    expect(await setup.sync()).toMatchObject({ kind: 'updated', keyId: next.keyId });
  });

  it('accepts a catalogue carrying signatures by the current and the next key on a device that knows only the current one', async () => {
    const setup = await servedCatalogue();
    const next = await makeKeys();
    await setup.publishAt({ keyFile: [next.privateKeyFile, setup.keys.privateKeyFile] });
    const sigs = JSON.parse(await readFile(path.join(setup.published, 'catalogue.sig'), 'utf8'));
    expect(sigs).toHaveLength(2);
    expect(await setup.sync()).toMatchObject({ kind: 'updated', keyId: setup.keys.keyId });
  });
});

describe('a hostile server that streams more than the signed size', () => {
  /** Serves the published folder, but answers one blob with an endless stream (no length given). */
  async function hostileServer(published: string, blob: string) {
    let streamed = 0;
    let closed: () => void = () => {};
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const server: Server = createServer((request, response) => {
      const url = request.url ?? '/';
      if (url === `/blobs/sha256/${blob}`) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 0x41);
        const pump = () => {
          while (streamed < 1024 * 1024 * 1024 && !response.destroyed) {
            streamed += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          response.end();
        };
        response.on('close', closed);
        pump();
        return;
      }
      const file = path.join(published, ...url.split('/').filter(Boolean));
      createReadStream(file)
        .on('error', () => response.writeHead(404).end())
        .pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    );
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/`,
      streamed: () => streamed,
      connectionClosed,
    };
  }

  it('stops the download at the signed size, keeps no partial file and keeps version 1', async () => {
    const setup = await servedCatalogue();
    await editProbeScript(setup.source);
    const second = await setup.publishAt();
    const blob = blobOf(second.document, 'main.py');
    const hostile = await hostileServer(setup.published, blob);
    const attempt = setup.app.services.catalogue.sync(httpSource(hostile.url));
    await expect(attempt).rejects.toMatchObject({
      reason: 'too_large',
      message: expect.stringMatching(/longer than its signed size of \d+ bytes; download stopped/),
    });
    await hostile.connectionClosed;
    // The client hung up long before the server's 1 GiB was through (socket buffers hold a few MB).
    expect(hostile.streamed()).toBeLessThan(64 * 1024 * 1024);
    expect((await setup.app.services.catalogue.status()).installed?.version).toBe(1);
    const stored = await readdir(path.join(setup.home, 'store', 'sha256'));
    expect(stored).not.toContain(blob);
    expect(stored.filter((name) => name.includes('partial'))).toEqual([]);
  });
});

describe('offline and expiry', () => {
  it('keeps listing and running from the last good catalogue while the server is down', async () => {
    const setup = await servedCatalogue();
    await setup.server.close();
    await expect(setup.sync()).rejects.toMatchObject({
      reason: 'unreachable',
      message: expect.stringMatching(
        /cannot reach http:\/\/127\.0\.0\.1:\d+\/catalogue\.json \(ECONNREFUSED\)/,
      ),
    });
    const list = await call(setup.app, 'catalogue.list', {});
    expect(list.ok && list.value.scripts.map((s) => s.id)).toEqual(FIXTURE_SCRIPT_IDS);
    const started = await call(setup.app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: await tempDir(), mode: 'ok' },
    });
    expect(started).toMatchObject({ ok: true });
  });

  it('refuses runs after expiry, and turning the clock back after a later time was seen does not revive the catalogue', async () => {
    let clock = Date.parse('2026-11-21T10:00:00Z');
    const setup = await servedCatalogue({ clock: () => new Date(clock) });
    // Version 1 was issued at 10:00 and is valid for a day.
    clock += 2 * DAY;
    let status = await setup.app.services.catalogue.status();
    expect(status.expired).toBe(true);
    const refused = await call(setup.app, 'run.start', { scriptId: 'probe', inputs: {} });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'catalogue_unavailable',
        message: expect.stringMatching(
          /Runs are blocked: catalogue version 1 expired on 2026-11-22T10:00:00\.000Z/,
        ),
      },
    });
    // Scripts can still be browsed while runs are blocked.
    const list = await call(setup.app, 'catalogue.list', {});
    expect(list.ok && list.value.scripts).toHaveLength(FIXTURE_SCRIPT_IDS.length);

    clock -= 2 * DAY - 3_600_000; // back to 11:00 on the first day
    status = await setup.app.services.catalogue.status();
    expect(status.expired).toBe(true);
    expect((await call(setup.app, 'run.start', { scriptId: 'probe', inputs: {} })).ok).toBe(false);

    // A catalogue that expires before the latest time seen is refused, whatever the clock says now.
    await setup.publishAt({ now: new Date(clock), validForMs: DAY / 2 });
    await expect(setup.sync()).rejects.toMatchObject({
      reason: 'expired',
      message: expect.stringMatching(/trusted time is 2026-11-23T10:00/),
    });
    // The latest time seen survives a restart of the app.
    await setup.app.close();
    const reopened = await openScriptDeskApp({
      home: setup.home,
      logError: () => {},
      clock: () => new Date(clock),
    });
    cleanups.push(() => reopened.close());
    expect((await reopened.services.catalogue.status()).expired).toBe(true);
  });
});

describe('syncing in the app', () => {
  it('syncs at start and on its timer, and pushes catalogue.status events', async () => {
    const setup = await servedCatalogue();
    await setup.app.close();
    await setup.publishAt();
    const statuses: { version: number | undefined; syncing: boolean }[] = [];
    const app = await openScriptDeskApp({ home: setup.home, logError: () => {}, autoSyncMs: 100 });
    cleanups.push(() => app.close());
    const installedV2 = new Promise<void>((resolve) =>
      app.subscribe((event) => {
        if (event.name !== 'catalogue.status') return;
        statuses.push({
          version: event.payload.installed?.version,
          syncing: event.payload.syncing,
        });
        if (event.payload.installed?.version === 2 && !event.payload.syncing) resolve();
      }),
    );
    await installedV2; // the sync at start
    await setup.publishAt();
    await new Promise<void>((resolve) =>
      app.subscribe((event) => {
        if (event.name === 'catalogue.status' && event.payload.installed?.version === 3) resolve();
      }),
    ); // a later tick of the timer
    // The sync at start may have begun before open returned (and so before this subscription);
    // every sync says it is syncing before it installs, so the timer's does too.
    const v3 = statuses.findIndex((status) => status.version === 3);
    expect(statuses.slice(0, v3)).toContainEqual({ version: 2, syncing: true });
    const list = await call(app, 'catalogue.list', {});
    expect(list.ok).toBe(true);
  });

  it('sees catalogues that `scriptdesk sync` installs from another process: a status event and the new list, no restart', async () => {
    const setup = await servedCatalogue();
    const home = await tempDir('scriptdesk-home-');
    const app = await openScriptDeskApp({ home, logError: () => {}, autoSyncMs: 3_600_000 });
    cleanups.push(() => app.close());
    const versions: (number | undefined)[] = [];
    const reached = (version: number) =>
      new Promise<void>((resolve) =>
        app.subscribe((event) => {
          if (event.name !== 'catalogue.status') return;
          versions.push(event.payload.installed?.version);
          if (event.payload.installed?.version === version) resolve();
        }),
      );
    expect(await call(app, 'catalogue.list', {})).toEqual({
      ok: true,
      value: { scripts: [], recent: [] },
    });

    const first = reached(1);
    const sync = await scriptdesk(home, [
      'sync',
      '--from',
      setup.server.url,
      '--pubkey',
      setup.keys.publicKeyFile,
    ]);
    expect(sync.stderr).toBe('');
    await first;
    const listed = await call(app, 'catalogue.list', {});
    expect(listed.ok && listed.value.scripts.length).toBeGreaterThan(0);

    await setup.publishAt();
    const second = reached(2);
    expect((await scriptdesk(home, ['sync'])).stdout).toMatch(/version 2/);
    await second;
    expect(await call(app, 'catalogue.status', {})).toMatchObject({
      ok: true,
      value: { installed: { version: 2 } },
    });
  });

  it('catalogue.sync reports a refused catalogue in the status instead of failing the call', async () => {
    const setup = await servedCatalogue();
    await setup.publishAt();
    await flipByte(path.join(setup.published, 'catalogue.json'), 40);
    const result = await call(setup.app, 'catalogue.sync', {});
    expect(result).toMatchObject({
      ok: true,
      value: {
        source: httpSource(setup.server.url).location,
        installed: { version: 1 },
        expired: false,
        lastError: { reason: 'bad_signature' },
        syncing: false,
      },
    });
  });

  it('catalogue.sync on a device with no source says how to connect it', async () => {
    const app = await openScriptDeskApp({ home: await tempDir(), logError: () => {} });
    cleanups.push(() => app.close());
    expect(await call(app, 'catalogue.sync', {})).toMatchObject({
      ok: false,
      error: {
        code: 'catalogue_unavailable',
        message: expect.stringMatching(/no catalogue source/),
      },
    });
  });
});
