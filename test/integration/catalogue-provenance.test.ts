import { execFile } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { folderSource } from '../../main/catalogue/sources.js';
import { appWithCatalogue, copySource, publish, resign } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { ADMIN_TOKEN, admin, INGEST_TOKEN, postEvents } from '../support/audit-server.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';

const exec = promisify(execFile);

/** Runs git in `cwd` with an argument array; returns its trimmed stdout. */
async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await exec('git', args, { cwd })).stdout.trim();
}

/** A copy of the fixture source committed as the only commit of a new repository on `main`. */
async function committedSource(): Promise<{ source: string; commit: string }> {
  const source = await copySource();
  await git(source, 'init', '--quiet', '--initial-branch=main');
  await git(source, 'config', 'user.name', 'Ada Admin');
  await git(source, 'config', 'user.email', 'ada@example.org');
  await git(source, 'add', '--all');
  await git(source, 'commit', '--quiet', '--message', 'Catalogue as reviewed');
  return { source, commit: await git(source, 'rev-parse', 'HEAD') };
}

let app: ScriptDeskApp | undefined;
let server: CatalogueServer | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  await server?.close();
  server = undefined;
});

describe('catalogue build records where the catalogue came from, in the signed document', () => {
  it('names the commit, the branch, a clean tree, the git user and the time for a committed source', async () => {
    const { source, commit } = await committedSource();
    const before = Date.now();
    const { document, published } = await publish(source);
    expect(document.provenance).toEqual({
      commit,
      branch: 'main',
      clean: true,
      builtBy: 'Ada Admin <ada@example.org>',
      builtAt: expect.any(String),
      testsSkipped: false,
      // The fixture catalogue's scripts have no tests/ folder.
      scriptsWithTests: [],
    });
    expect(Date.parse(document.provenance!.builtAt)).toBeGreaterThanOrEqual(before - 1000);
    // What is signed is what was written.
    const written = JSON.parse(await readFile(path.join(published, 'catalogue.json'), 'utf8'));
    expect(written.provenance).toEqual(document.provenance);
  });

  it('says the tree was not clean when a script file has an uncommitted change, or a new file is untracked', async () => {
    const { source, commit } = await committedSource();
    await appendFile(path.join(source, 'scripts', 'probe', 'main.py'), '\n# local edit\n');
    expect((await publish(source)).document.provenance).toMatchObject({ commit, clean: false });

    const untracked = await committedSource();
    await appendFile(path.join(untracked.source, 'scripts', 'probe', 'notes.txt'), 'draft\n');
    expect((await publish(untracked.source)).document.provenance?.clean).toBe(false);
  });

  it('records null commit, branch and clean (and the OS user) for a folder outside git', async () => {
    const source = await copySource();
    const { document } = await publish(source);
    expect(document.provenance).toMatchObject({ commit: null, branch: null, clean: null });
    expect(document.provenance!.builtBy).toMatch(
      new RegExp(`^(${os.userInfo().username}|.+ <.+>)$`),
    );
  });

  it('records a null branch on a detached HEAD, as in a CI checkout of a commit', async () => {
    const { source, commit } = await committedSource();
    await git(source, 'checkout', '--quiet', '--detach');
    expect((await publish(source)).document.provenance).toMatchObject({ commit, branch: null });
  });
});

describe('devices keep the provenance and journal the commit with every run', () => {
  it('shows it in the script details, puts the commit in the run started and finished events, and the audit endpoint stores it', async () => {
    const { source, commit } = await committedSource();
    ({ app } = await appWithCatalogue(source));
    const details = await callOrThrow(app, 'catalogue.get', { scriptId: 'probe' });
    expect(details.provenance).toMatchObject({ commit, branch: 'main', testsSkipped: false });

    const markerDir = await tempDir('scriptdesk-marker-');
    const { runId } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir, mode: 'ok', count: 1 },
    });
    const { events } = await callOrThrow(app, 'audit.list', { limit: 20 });
    const runEvents = events.filter((e) => e.data.runId === runId);
    const started = runEvents.find((e) => e.type.endsWith('run.started'))!;
    const finished = runEvents.find((e) => e.type.endsWith('run.finished'))!;
    expect(started.data).toMatchObject({ catalogueVersion: 1, catalogueCommit: commit });
    expect(finished.data).toMatchObject({ catalogueVersion: 1, catalogueCommit: commit });
    const journal = app.services.journal;
    expect(journal.verify(journal.publicKey!).problems).toEqual([]);

    // The audit endpoint stores the events as signed, the commit with them.
    server = await startServer({
      port: 0,
      audit: {
        database: path.join(await tempDir('scriptdesk-audit-'), 'audit.sqlite'),
        ingestToken: INGEST_TOKEN,
        adminToken: ADMIN_TOKEN,
        devices: 'auto',
      },
    });
    const batch = journal.pending(1000, 4 * 1024 * 1024).map((row) => JSON.parse(row.body));
    const answer = await postEvents(server.url, batch);
    expect(answer.status).toBe(200);
    expect(answer.body.stored).toBe(batch.length);
    const stored = await admin<{ events: { type: string; data: Record<string, unknown> }[] }>(
      server.url,
      'events',
      { query: { type: 'dev.scriptdesk.run.started' } },
    );
    expect(stored.body.events.map((e) => e.data.catalogueCommit)).toEqual([commit]);
  });

  it('still verifies, syncs and runs a catalogue signed without provenance, recording no commit', async () => {
    const { source } = await committedSource();
    let published: string;
    let keys: { privateKeyFile: string };
    ({ app, published, keys } = await appWithCatalogue(source));
    await resign(published, keys.privateKeyFile, (document) => {
      delete document.provenance;
      document.version += 1;
    });
    const outcome = await app.services.catalogue.sync(folderSource(published));
    expect(outcome).toMatchObject({ kind: 'updated', previousVersion: 1 });
    expect((await callOrThrow(app, 'catalogue.get', { scriptId: 'probe' })).provenance).toBeNull();
    const markerDir = await tempDir('scriptdesk-marker-');
    const { runId } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir, mode: 'ok', count: 1 },
    });
    const { events } = await callOrThrow(app, 'audit.list', { limit: 20 });
    const started = events.find((e) => e.data.runId === runId && e.type.endsWith('run.started'))!;
    expect(started.data.catalogueVersion).toBe(2);
    expect('catalogueCommit' in started.data).toBe(false);
  });
});
