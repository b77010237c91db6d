import { readFileSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { canonicalJson } from '../../main/audit/canonical-json.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import type { MethodInput, MethodName } from '../../main/contract/api.js';
import type { StoredRun } from '../../main/runs/run-store.js';
import { appWithCatalogue, copySource } from '../support/catalogue.js';
import { callOrThrow, runToEnd as runToEndOn, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { PROC } from '../support/os-needs.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const call = <M extends MethodName>(method: M, input: MethodInput<M>) =>
  callOrThrow(app!, method, input);
const runToEnd = (input: MethodInput<'run.start'>) => runToEndOn(app!, input);

async function markerDir(): Promise<string> {
  return tempDir('scriptdesk-marker-');
}

describe('running a script through the API', () => {
  it('runs the script, captures its log and outputs, and journals started then finished with who and what', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await markerDir();
    const { runId, events, detail } = await runToEnd({
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'ok', count: 3 },
    });

    expect(detail.status).toBe('succeeded');
    expect(detail.exitCode).toBe(0);
    expect(detail.logTail).toEqual(['line 1', 'line 2', 'line 3', '! to stderr']);
    expect(detail.outputs.map((o) => o.name)).toEqual(['seen.json']);
    expect(detail.outputs[0]).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(
      events.some(
        (e) =>
          e.name === 'run.progress' && e.payload.percent === 50 && e.payload.label === 'Half way',
      ),
    ).toBe(true);

    const { events: audit } = await call('audit.list', { limit: 10 });
    const mine = audit
      .filter((e) => e.data.runId === runId && e.type !== 'dev.scriptdesk.run.requested')
      .reverse();
    expect(audit.filter((e) => e.data.runId === runId).map((e) => e.type)).toEqual([
      'dev.scriptdesk.run.finished',
      'dev.scriptdesk.run.started',
      'dev.scriptdesk.run.requested',
    ]);
    expect(mine[0]!.subject).toBe('probe@2.1.0');
    expect(mine[0]!.data).toMatchObject({
      scriptId: 'probe',
      scriptVersion: '2.1.0',
      user: app.services.identity.user,
      catalogueVersion: 1,
    });
    expect(mine[1]!.data).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(mine[0]!.seq).toBeLessThan(mine[1]!.seq);
  });

  it('gives the script only the allow-listed environment and runs Python isolated (-I)', async () => {
    ({ app } = await appWithCatalogue());
    const { detail } = await runToEnd({
      scriptId: 'probe',
      inputs: { markerDir: await markerDir(), mode: 'ok' },
    });
    const seen = JSON.parse(await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8')) as {
      env: Record<string, string>;
      flags: number[];
    };
    const allowed = new Set([
      'HOME',
      'USER',
      'LOGNAME',
      'LANG',
      'LC_ALL',
      'TZ',
      'PATH',
      'TMPDIR',
      'SCRIPTDESK_RUN_ID',
      'SCRIPTDESK_INPUTS',
      'SCRIPTDESK_OUTPUT_DIR',
      'SCRIPTDESK_DRY_RUN',
      'LC_CTYPE',
    ]);
    expect(Object.keys(seen.env).filter((name) => !allowed.has(name))).toEqual([]);
    expect(seen.env.SCRIPTDESK_DRY_RUN).toBe('0');
    // sys.flags.isolated is the 12th flag in CPython's flags sequence.
    expect(seen.flags[11]).toBe(1);
  });

  it('passes a dry run to scripts that support it and records it', async () => {
    ({ app } = await appWithCatalogue());
    const { runId, detail } = await runToEnd({
      scriptId: 'probe',
      inputs: { markerDir: await markerDir(), mode: 'ok' },
      dryRun: true,
    });
    const seen = JSON.parse(await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8')) as {
      env: Record<string, string>;
    };
    expect(seen.env.SCRIPTDESK_DRY_RUN).toBe('1');
    expect(detail.dryRun).toBe(true);
    const { events } = await call('audit.list', { limit: 5 });
    expect(
      events.find((e) => e.data.runId === runId && e.type.endsWith('started'))!.data.dryRun,
    ).toBe(true);
  });

  it('refuses inputs that break the schema with the field and reason, and starts no process', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await markerDir();
    const result = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'probe', inputs: { markerDir: markers, mode: 'ok', count: 99, extra: 1 } },
      { transport: 'http' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_inputs');
    expect(result.error.fields).toEqual(
      expect.arrayContaining([
        { path: '/count', message: 'Count must be at most 10.' },
        {
          path: '/extra',
          message: expect.stringMatching(
            /^"extra" is not a field of this form; remove it \(the form declares "markerDir", /,
          ),
        },
      ]),
    );
    expect(await readdir(markers)).toEqual([]);
    expect((await call('run.list', {})).runs).toEqual([]);
    // The refusal is journaled: who asked, for what, why, and which fields — never their values.
    const runEvents = (await call('audit.list', {})).events.filter((e) => e.type.includes('run.'));
    expect(runEvents.map((e) => e.type)).toEqual(['dev.scriptdesk.run.refused']);
    expect(runEvents[0]!.data).toMatchObject({
      scriptId: 'probe',
      code: 'invalid_inputs',
      fields: expect.arrayContaining(['/count', '/extra']),
    });
    expect(JSON.stringify(runEvents[0]!.data)).not.toContain('99');
  });

  it('refuses a file input that does not exist before anything runs', async () => {
    ({ app } = await appWithCatalogue());
    const result = await callTyped(
      app.dispatch,
      'run.validate',
      { scriptId: 'probe', inputs: { markerDir: '/no/such/folder', mode: 'ok' } },
      { transport: 'http' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        valid: false,
        errors: [{ path: '/markerDir', message: 'folder /no/such/folder does not exist' }],
      },
    });
  });

  it('maps exit codes through the manifest table: declared codes get their message, others fail', async () => {
    ({ app } = await appWithCatalogue());
    const expected = await runToEnd({
      scriptId: 'probe',
      inputs: { markerDir: await markerDir(), mode: 'exit3' },
    });
    expect(expected.detail).toMatchObject({ exitCode: 3, message: 'Nothing to do.' });
    const failed = await runToEnd({
      scriptId: 'probe',
      inputs: { markerDir: await markerDir(), mode: 'fail' },
    });
    expect(failed.detail).toMatchObject({ status: 'failed', exitCode: 7 });
    expect(failed.detail.message).toContain('exit code 7');
  });

  it('stops a script at its time limit and records the run as timed out', async () => {
    // The probe with a limit of 1 s; it sleeps for a minute, so only the limit can end it.
    const source = await copySource();
    const manifestFile = path.join(source, 'scripts', 'probe', 'script.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, timeoutSeconds: 1 }));
    ({ app } = await appWithCatalogue(source));
    const { runId, detail } = await runToEnd({
      scriptId: 'probe',
      inputs: { markerDir: await markerDir(), mode: 'sleep' },
    });
    expect(detail).toMatchObject({
      status: 'timeout',
      message: 'Stopped after the time limit of 1 s.',
    });
    const finished = (await call('audit.list', { limit: 10 })).events.find(
      (e) => e.data.runId === runId && e.type === 'dev.scriptdesk.run.finished',
    );
    expect(finished?.data).toMatchObject({ status: 'timeout' });
  });

  it('cancels a running script on request, together with the process it started', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await markerDir();
    let finished: (run: StoredRun) => void = () => {};
    const done = new Promise<StoredRun>((resolve) => (finished = resolve));
    const { runId } = await call('run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'sleep-with-child' },
    });
    app.subscribe(
      (e) =>
        e.name === 'run.status' &&
        e.payload.runId === runId &&
        e.payload.finishedAt &&
        finished(e.payload as StoredRun),
    );
    await waitFor(
      async () => (await readdir(markers)).some((n) => n.startsWith('child-')),
      'the probe and its child to start',
    );
    const childPid = Number(await readFile(path.join(markers, `child-${runId}`), 'utf8'));
    expect(await call('run.cancel', { runId })).toEqual({ cancelled: true });
    expect((await done).status).toBe('cancelled');
    // The child sleeps for a minute: only the cancel can have ended it.
    await waitFor(() => !isAlive(childPid), 'the process the script started to end');
  });

  it('redacts x-sensitive inputs from the audit journal and records a keyed digest of the full inputs that a guessed value cannot be tested against', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await markerDir();
    const inputs = { markerDir: markers, mode: 'ok', token: 'hunter2-SECRET' };
    const { runId } = await runToEnd({ scriptId: 'probe', inputs });
    const { events } = await call('audit.list', {});
    const started = events.find((e) => e.data.runId === runId && e.type.endsWith('started'))!;
    expect((started.data.inputs as Record<string, unknown>).token).toBe('[redacted]');
    expect(started.data).not.toHaveProperty('inputsSha256');
    // Someone who reads the record and guesses the secret exactly cannot confirm the guess...
    const guess = canonicalJson(inputs);
    expect(started.data.inputsHmac).not.toBe(sha256Hex(guess));
    // ...while this device, which holds the key, can confirm that these were the inputs.
    expect(started.data.inputsHmac).toBe(app.services.journal.digest(guess));
    expect(started.data.inputsHmac).not.toBe(
      app.services.journal.digest(canonicalJson({ ...inputs, token: 'hunter3-SECRET' })),
    );
    const db = await readFile(app.services.paths.database);
    const wal = await readFile(`${app.services.paths.database}-wal`).catch(() => Buffer.alloc(0));
    expect(Buffer.concat([db, wal]).includes('hunter2-SECRET')).toBe(false);
  });

  it('reports a Python that cannot be found as an environment problem with the fix, and starts nothing', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await markerDir();
    const saved = process.env.SCRIPTDESK_PYTHON;
    process.env.SCRIPTDESK_PYTHON = '/nonexistent/python3';
    try {
      const result = await callTyped(
        app.dispatch,
        'run.start',
        { scriptId: 'probe', inputs: { markerDir: markers, mode: 'ok' } },
        { transport: 'http' },
      );
      expect(result).toMatchObject({ ok: false, error: { code: 'environment_failed' } });
      if (result.ok) return;
      expect(result.error.message).toContain('set SCRIPTDESK_PYTHON to its absolute path');
      expect(await readdir(markers)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.SCRIPTDESK_PYTHON;
      else process.env.SCRIPTDESK_PYTHON = saved;
    }
  });

  it('does not start the script when the started event cannot be journaled', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await markerDir();
    // A real SQLite failure on insert, as a full disk or a corrupt file would give.
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(app.services.paths.database);
    db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    db.close();
    const result = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'probe', inputs: { markerDir: markers, mode: 'ok' } },
      { transport: 'http' },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('journal_unavailable');
    expect(result.error.message).toContain('database or disk is full');
    expect(await readdir(markers)).toEqual([]);
    expect(await readdir(app.services.paths.runs)).toEqual([]);
  });
});

/** True while `pid` runs; a zombie (ended, not yet reaped by its new parent) counts as ended. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!PROC.met) return true; // no zombies to tell apart without /proc
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}
