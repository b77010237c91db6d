import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { signerFor } from '../../main/audit/device-key.js';
import { AuditJournal } from '../../main/audit/journal.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { DEFAULT_POLICY } from '../../main/policy/policy.js';
import { RunStore, type StoredRun } from '../../main/runs/run-store.js';
import { openDatabase, type Db } from '../../main/storage/database.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const OWNER = { pid: process.pid, started: 'test' };

async function database(): Promise<{ db: Db; file: string }> {
  const file = path.join(await tempDir('scriptdesk-history-'), 'scriptdesk.sqlite');
  const db = openDatabase(file);
  closers.push(() => db.close());
  return { db, file };
}

let counter = 0;
/** A finished run as the store keeps it; `minutes` after 2026-12-01T09:00Z. */
function run(minutes: number, change: Partial<StoredRun> = {}): StoredRun {
  counter += 1;
  const startedAt = new Date(Date.UTC(2026, 11, 1, 9, minutes)).toISOString();
  return {
    runId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    scriptId: 'rename-files',
    scriptVersion: '1.0.0',
    title: 'Rename files',
    status: 'succeeded',
    dryRun: false,
    startedAt,
    finishedAt: startedAt,
    exitCode: 0,
    message: '',
    outputs: [],
    runDir: '/nowhere',
    logLines: 0,
    logLevels: null,
    inputs: {},
    reason: null,
    user: 'ana',
    scheduleId: null,
    ...change,
  };
}

describe('the run store answers History', () => {
  it('finds runs by text in the title, the script id or the reason, matching % and _ literally', async () => {
    const store = new RunStore((await database()).db);
    const ticket = run(1, { reason: 'CHG-1042 quarterly clean-up' });
    const percent = run(2, { reason: '100% of the files' });
    const other = run(3, { scriptId: 'network-change', title: 'Network change' });
    for (const r of [ticket, percent, other]) store.insert(r, OWNER);

    const ids = (text: string) => store.search({ text }, 50, 0).runs.map((r) => r.runId);
    expect(ids('chg-1042')).toEqual([ticket.runId]);
    expect(ids('NETWORK-')).toEqual([other.runId]);
    expect(ids('rename')).toEqual([percent.runId, ticket.runId]);
    // A LIKE wildcard typed by the user is a character, not "anything".
    expect(ids('100%')).toEqual([percent.runId]);
    expect(ids('%')).toEqual([percent.runId]);
    expect(ids('_')).toEqual([]);
  });

  it('narrows by script, status, dry run and a start window, and every filter given applies', async () => {
    const store = new RunStore((await database()).db);
    const early = run(0, { dryRun: true });
    const failed = run(10, { status: 'failed', exitCode: 1 });
    const timedOut = run(20, { status: 'timeout', exitCode: null });
    const network = run(30, { scriptId: 'network-change', title: 'Network change' });
    for (const r of [early, failed, timedOut, network]) store.insert(r, OWNER);

    const ids = (filter: Parameters<RunStore['search']>[0]) =>
      store.search(filter, 50, 0).runs.map((r) => r.runId);
    expect(ids({ scriptId: 'network-change' })).toEqual([network.runId]);
    expect(ids({ statuses: ['failed', 'timeout'] })).toEqual([timedOut.runId, failed.runId]);
    expect(ids({ dryRun: true })).toEqual([early.runId]);
    expect(ids({ dryRun: false, scriptId: 'rename-files' })).toEqual([
      timedOut.runId,
      failed.runId,
    ]);
    // From inclusive, before exclusive.
    expect(ids({ startedFrom: failed.startedAt, startedBefore: network.startedAt })).toEqual([
      timedOut.runId,
      failed.runId,
    ]);
    expect(ids({ statuses: ['failed'], startedFrom: network.startedAt })).toEqual([]);
  });

  it('pages through runs most recent first and counts every match, also past the first page', async () => {
    const store = new RunStore((await database()).db);
    const all = Array.from({ length: 120 }, (_, i) =>
      run(i, { status: i % 3 === 0 ? 'failed' : 'succeeded' }),
    );
    store.transaction(() => all.forEach((r) => store.insert(r, OWNER)));
    const newestFirst = [...all].reverse().map((r) => r.runId);

    const first = store.search({}, 50, 0);
    expect(first.total).toBe(120);
    expect(first.runs.map((r) => r.runId)).toEqual(newestFirst.slice(0, 50));
    const last = store.search({}, 50, 100);
    expect(last).toMatchObject({ total: 120 });
    expect(last.runs.map((r) => r.runId)).toEqual(newestFirst.slice(100));
    expect(store.search({}, 50, 500)).toEqual({ runs: [], total: 120 });
    expect(store.search({ statuses: ['failed'] }, 10, 30).total).toBe(40);
  });

  it('lists every script with runs once, by title, with the title of its newest run', async () => {
    const store = new RunStore((await database()).db);
    store.insert(run(1, { title: 'Rename files (old name)' }), OWNER);
    store.insert(run(2), OWNER);
    store.insert(run(3, { scriptId: 'network-change', title: 'Network change' }), OWNER);
    expect(store.scripts()).toEqual([
      { scriptId: 'network-change', title: 'Network change' },
      { scriptId: 'rename-files', title: 'Rename files' },
    ]);
  });

  it('finds a script’s runs and a run’s journal events through indexes, not by reading every row', async () => {
    const { db } = await database();
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((row) => row.detail)
        .join('; ');
    expect(
      plan(
        "SELECT * FROM runs WHERE script_id = 'x' ORDER BY started_at DESC, rowid DESC LIMIT 50",
      ),
    ).toContain('USING INDEX runs_script');
    expect(
      plan(
        "SELECT count(*), sum(delivery IS NULL) FROM audit_events WHERE json_extract(body, '$.data.runId') = 'some-run'",
      ),
    ).toContain('INDEX audit_events_run');
  });
});

describe('who ran a run, for runs recorded before it was kept', () => {
  it('is filled in from the journaled request when the database is upgraded', async () => {
    // The database as the release before it left it: schema version 4, no user column.
    const file = path.join(await tempDir('scriptdesk-history-'), 'scriptdesk.sqlite');
    const db = openDatabase(file, 4);
    const journal = new AuditJournal(db, 'urn:scriptdesk:device:history-test');
    journal.setSigner(signerFor(generateKeyPairSync('ed25519').privateKey));
    const insert = db.prepare(
      `INSERT INTO runs (run_id, script_id, script_version, title, status, dry_run, started_at, run_dir)
       VALUES (?, 'rename-files', '1.0.0', 'Rename files', 'succeeded', 0, ?, '/nowhere')`,
    );
    const kept = run(1);
    const gone = run(2);
    insert.run(kept.runId, kept.startedAt);
    insert.run(gone.runId, gone.startedAt);
    journal.append('dev.scriptdesk.run.requested', 'rename-files@1.0.0', {
      runId: kept.runId,
      user: 'bea',
    });
    db.close();

    const upgraded = openDatabase(file);
    closers.push(() => upgraded.close());
    const again = new RunStore(upgraded);
    expect(again.get(kept.runId)?.user).toBe('bea');
    // Its request was pruned from the journal: nobody is named rather than a guess.
    expect(again.get(gone.runId)?.user).toBeNull();
  });
});

describe('History through the API', () => {
  let app: ScriptDeskApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('lists a run with its reason and who ran it, and finds it by its reason', async () => {
    ({ app } = await appWithCatalogue());
    const markerDir = await tempDir('scriptdesk-marker-');
    const { runId } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir, mode: 'ok' },
      reason: 'INC-778 restore the report',
    });
    const listed = await callOrThrow(app, 'run.list', { text: 'inc-778' });
    expect(listed.total).toBe(1);
    expect(listed.runs[0]).toMatchObject({
      runId,
      reason: 'INC-778 restore the report',
      user: app.services.identity.user,
    });
    expect(await callOrThrow(app, 'run.list', { text: 'INC-779' })).toEqual({
      runs: [],
      total: 0,
    });
    // The same instant written with another zone finds the same run.
    const started = new Date(listed.runs[0]!.startedAt);
    const before = new Date(started.getTime() + 1).toISOString().replace('Z', '+00:00');
    expect(
      (await callOrThrow(app, 'run.list', { startedBefore: before })).runs.map((r) => r.runId),
    ).toEqual([runId]);
    expect(await callOrThrow(app, 'run.scripts', {})).toEqual({
      scripts: [{ scriptId: 'probe', title: listed.runs[0]!.title }],
    });
  });

  it.each([
    [{ text: 'x'.repeat(201) }, 'text', 'search text is at most 200 characters'],
    [{ startedFrom: 'yesterday' }, 'startedFrom', ''],
    [{ statuses: ['finished'] }, 'statuses', ''],
    [{ statuses: [] }, 'statuses', ''],
    [{ offset: -1 }, 'offset', ''],
    [{ scriptId: '../etc' }, 'scriptId', 'a script id is lower-case letters'],
    [{ sort: 'title' }, 'sort', ''],
  ])('refuses run.list %j, naming the field', async (input, field, words) => {
    ({ app } = await appWithCatalogue());
    const result = await callTyped(app.dispatch, 'run.list', input as never, {
      transport: 'http',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad_request');
    const named = JSON.stringify(result.error.fields);
    expect(named).toContain(field);
    expect(named).toContain(words);
  });

  it('tells where a run’s audit events are: local without an endpoint, else pending, delivered or refused', async () => {
    ({ app } = await appWithCatalogue());
    const markerDir = await tempDir('scriptdesk-marker-');
    const local = await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    expect(local.detail.delivery).toEqual({ state: 'local', events: 3 });
    expect(local.detail.user).toBe(app.services.identity.user);
    await app.close();

    // An endpoint nobody answers at: the events wait.
    ({ app } = await appWithCatalogue(undefined, {
      policy: {
        ...DEFAULT_POLICY,
        audit: { endpoint: 'http://127.0.0.1:9/', retainDeliveredDays: 90 },
      },
    }));
    const { runId, detail } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir, mode: 'ok' },
    });
    expect(detail.delivery).toEqual({ state: 'pending', events: 3 });
    const { journal } = app.services;
    const seqs = journal
      .list(50)
      .filter((entry) => entry.event.data.runId === runId)
      .map((entry) => entry.seq);
    journal.recordDelivery({ delivered: seqs.slice(1), rejected: [] });
    expect((await callOrThrow(app, 'run.get', { runId })).delivery.state).toBe('pending');
    journal.recordDelivery({ delivered: seqs.slice(0, 1), rejected: [] });
    expect((await callOrThrow(app, 'run.get', { runId })).delivery).toEqual({
      state: 'delivered',
      events: 3,
    });
    expect(await callOrThrow(app, 'run.delivery', { runId })).toEqual({
      state: 'delivered',
      events: 3,
    });

    const refused = await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    const refusedSeqs = journal
      .list(50)
      .filter((entry) => entry.event.data.runId === refused.runId)
      .map((entry) => entry.seq);
    journal.recordDelivery({
      delivered: refusedSeqs.slice(1),
      rejected: [{ seq: refusedSeqs[0]!, reason: 'signature' }],
    });
    expect((await callOrThrow(app, 'run.get', { runId: refused.runId })).delivery.state).toBe(
      'refused',
    );
  });

  it('finds the newest dry run with the same inputs for the confirmation, comparing sensitive ones as recorded', async () => {
    ({ app } = await appWithCatalogue());
    const markerDir = await tempDir('scriptdesk-marker-');
    const inputs = { markerDir, mode: 'ok', count: 2, token: 'hunter2-SECRET' };
    const failedDry = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { ...inputs, mode: 'fail' },
      dryRun: true,
    });
    const dry = await runToEnd(app, { scriptId: 'probe', inputs, dryRun: true });
    await runToEnd(app, { scriptId: 'probe', inputs }); // a real run is not a dry run
    const match = (given: Record<string, unknown>) =>
      callOrThrow(app!, 'run.matchingDryRun', { scriptId: 'probe', inputs: given });

    expect((await match(inputs)).run).toMatchObject({ runId: dry.runId, status: 'succeeded' });
    // Key order does not matter; another secret value cannot be told apart (it is never recorded).
    expect((await match({ token: 'other', count: 2, mode: 'ok', markerDir })).run?.runId).toBe(
      dry.runId,
    );
    expect((await match({ ...inputs, mode: 'fail' })).run).toMatchObject({
      runId: failedDry.runId,
      status: 'failed',
    });
    expect((await match({ ...inputs, count: 3 })).run).toBeNull();
  });
});
