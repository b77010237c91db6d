import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import type { ApiEvent } from '../../main/contract/api.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { DEFAULT_POLICY } from '../../main/policy/policy.js';
import { RunIntegrity } from '../../main/runs/script-integrity.js';
import { processIdentity } from '../../main/shared/process-identity.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { cliProbeRun } from '../support/cli.js';
import { callOrThrow, runToEnd, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

async function journalFor(runId: string) {
  const { events } = await callOrThrow(app!, 'audit.list', { limit: 1000 });
  return events.filter((e) => e.data.runId === runId).reverse();
}

describe('exit codes become statuses through the manifest table', () => {
  it.each([
    ['exit3', 'expected', 3, 'Nothing to do.'],
    ['exit4', 'retriable', 4, 'The service is busy; try again in a minute.'],
    ['fail', 'failed', 7, 'The script failed with exit code 7; see the log.'],
    ['ok', 'succeeded', 0, 'Finished successfully.'],
  ] as const)('mode %s ends as %s with its message', async (mode, status, code, message) => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const { runId, detail } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode },
    });
    expect(detail).toMatchObject({ status, exitCode: code, message });
    const finished = (await journalFor(runId)).at(-1)!;
    expect(finished.data).toMatchObject({ status, exitCode: code });
  });
});

describe('live output', () => {
  it('what a script prints reaches the window while it is still running, progress included', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const seen: string[] = [];
    let progress = 0;
    app.subscribe((e) => {
      if (e.name === 'run.log') seen.push(...e.payload.lines.map((l) => l.line));
      if (e.name === 'run.progress') progress = e.payload.percent;
    });
    const { runId } = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'sleep', count: 2 },
    });
    // The probe prints, then sleeps for a minute: the lines must not wait for it to exit.
    await waitFor(
      () => seen.includes('sleeping') && progress === 50,
      'the lines printed before the sleep',
    );
    expect((await callOrThrow(app, 'run.get', { runId })).status).toBe('running');
    expect(seen).toEqual(['line 1', 'line 2', 'to stderr', 'sleeping']);
    await callOrThrow(app, 'run.cancel', { runId });
  });
});

describe('the output cap', () => {
  it('a script writing 100 MB is stopped at the cap with status output_limit, and the log holds only what fits', async () => {
    ({ app } = await appWithCatalogue(undefined, { policy: DEFAULT_POLICY }));
    const cap = DEFAULT_POLICY.maxOutputBytes;
    const markers = await tempDir('scriptdesk-marker-');
    const { runId, detail, events } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'flood', megabytes: 100 },
    });
    expect(detail.status).toBe('output_limit');
    expect(detail.message).toContain(`more than ${cap / (1024 * 1024)} MB`);
    // The script never got to write its "finished" marker: it was stopped, not left to run.
    expect(await readdir(markers)).toEqual([`started-${runId}`]);
    const runDir = path.dirname(detail.outputDir);
    const logBytes = (await stat(path.join(runDir, 'log.txt'))).size;
    expect(logBytes).toBeLessThanOrEqual(cap);
    expect(logBytes).toBeGreaterThan(cap - 1024 * 1024);
    // Windows got a bounded share: batches of at most 200 lines, the rest counted as omitted. (How
    // many batches there are depends on how fast the script wrote; unit/run-log.test.ts proves
    // the omission itself without a clock.)
    const batches = events.filter(
      (e): e is Extract<ApiEvent, { name: 'run.log' }> => e.name === 'run.log',
    );
    const sent = batches.reduce((n, e) => n + e.payload.lines.length, 0);
    const omitted = batches.reduce((n, e) => n + e.payload.omitted, 0);
    expect(batches.every((e) => e.payload.lines.length <= 200)).toBe(true);
    expect(sent + omitted).toBe(detail.logSeq);
    expect(detail.logTail.length).toBeLessThanOrEqual(500);
    expect(detail.logTail.at(-1)).toMatch(/^x+$/);
    const finished = (await journalFor(runId)).at(-1)!;
    expect(finished.data).toMatchObject({ status: 'output_limit' });
  });
});

describe('argv templates for argparse scripts', () => {
  it('inputs become --flag=value arguments that argparse reads as values, whatever they start with', async () => {
    ({ app } = await appWithCatalogue());
    const text = '--help\n-o/tmp/x @/etc/passwd; rm -rf ~ `id` $(id)';
    const { detail } = await runToEnd(app, {
      scriptId: 'argparse-probe',
      inputs: { text, count: 3, verbose: true, tags: ['-a', '--b=c'], target: '-rf' },
      dryRun: true,
    });
    expect(detail.status).toBe('succeeded');
    const parsed = JSON.parse(
      await readFile(path.join(detail.outputDir, 'parsed.json'), 'utf8'),
    ) as { args: Record<string, unknown>; argv: string[] };
    expect(parsed.args).toEqual({
      text,
      count: 3,
      verbose: true,
      tag: ['-a', '--b=c'],
      dry_run: true,
      target: '-rf',
    });
    expect(parsed.argv).toEqual([
      `--text=${text}`,
      '--count=3',
      '--verbose',
      '--tag=-a',
      '--tag=--b=c',
      '--dry-run',
      '--',
      '-rf',
    ]);
  });

  it('absent and false inputs pass nothing, and a real run passes no dry-run option', async () => {
    ({ app } = await appWithCatalogue());
    const { detail } = await runToEnd(app, {
      scriptId: 'argparse-probe',
      inputs: { verbose: false, target: 'plain' },
      confirmed: true,
    });
    const parsed = JSON.parse(
      await readFile(path.join(detail.outputDir, 'parsed.json'), 'utf8'),
    ) as { argv: string[] };
    expect(parsed.argv).toEqual(['--', 'plain']);
  });
});

describe('destructive scripts', () => {
  it('a real run of a destructive script is refused until the user confirmed it; a dry run needs no confirmation', async () => {
    ({ app } = await appWithCatalogue());
    const refused = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'argparse-probe', inputs: { target: 'x' } },
      { transport: 'http' },
    );
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message: expect.stringMatching(
          /changes things outside its output folder; confirm the run first/,
        ),
      },
    });
    expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
    const dry = await runToEnd(app, {
      scriptId: 'argparse-probe',
      inputs: { target: 'x' },
      dryRun: true,
    });
    expect(dry.detail.status).toBe('succeeded');
    const real = await runToEnd(app, {
      scriptId: 'argparse-probe',
      inputs: { target: 'x' },
      confirmed: true,
    });
    expect(real.detail.status).toBe('succeeded');
    const started = (await journalFor(real.runId)).find(
      (e) => e.type === 'dev.scriptdesk.run.started',
    )!;
    expect(started.data).toMatchObject({ confirmed: true, dryRun: false });
  });
});

describe('modules named like the standard library are never imported', () => {
  it('a json.py beside the script or in the run folder does not shadow the real json', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const { detail } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'shadow' },
    });
    // The probe imports json first thing; the json.py published beside it would exit with a message.
    expect(detail.status).toBe('succeeded');
    const runDir = path.dirname(detail.outputDir);
    expect(existsSync(path.join(runDir, 'json.py'))).toBe(true);
    const shadow = JSON.parse(
      await readFile(path.join(detail.outputDir, 'shadow.json'), 'utf8'),
    ) as { json: string; path: string[] };
    expect(shadow.json).not.toContain(runDir);
    expect(path.basename(path.dirname(shadow.json))).toBe('json');
    expect(shadow.path).not.toContain(runDir);
    expect(shadow.path.some((p) => p.includes(`${path.sep}scripts${path.sep}`))).toBe(false);
    expect(shadow.path).not.toContain('');
  });
});

describe('the concurrency limit and the queue', () => {
  it('runs beyond the limit wait in order, can be cancelled before they start, and start when a slot frees', async () => {
    ({ app } = await appWithCatalogue(undefined, {
      policy: { ...DEFAULT_POLICY, maxConcurrentRuns: 1 },
    }));
    const markers = await tempDir('scriptdesk-marker-');
    const first = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'sleep' },
    });
    const second = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'ok' },
    });
    const third = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'ok' },
    });
    expect(await callOrThrow(app, 'run.get', { runId: second.runId })).toMatchObject({
      status: 'queued',
      queuePosition: 0,
    });
    expect(await callOrThrow(app, 'run.get', { runId: third.runId })).toMatchObject({
      status: 'queued',
      queuePosition: 1,
    });

    expect(await callOrThrow(app, 'run.cancel', { runId: third.runId })).toEqual({
      cancelled: true,
    });
    expect(await callOrThrow(app, 'run.get', { runId: third.runId })).toMatchObject({
      status: 'cancelled',
      queuePosition: null,
      message: 'Cancelled before it started.',
    });
    await waitFor(() => existsSync(path.join(markers, `started-${first.runId}`)), 'the first run');
    const secondDone = new Promise<void>((resolve) =>
      app!.subscribe((e) => {
        if (e.name === 'run.status' && e.payload.runId === second.runId && e.payload.finishedAt)
          resolve();
      }),
    );
    await callOrThrow(app, 'run.cancel', { runId: first.runId });
    await secondDone;

    expect(await callOrThrow(app, 'run.get', { runId: second.runId })).toMatchObject({
      status: 'succeeded',
    });
    expect((await readdir(markers)).sort()).toEqual(
      [`started-${first.runId}`, `started-${second.runId}`].sort(),
    );
    const type = (e: { type: string }) => e.type.replace('dev.scriptdesk.', '');
    expect((await journalFor(second.runId)).map(type)).toEqual([
      'run.requested',
      'run.started',
      'run.finished',
    ]);
    expect((await journalFor(second.runId))[0]!.data).toMatchObject({ queued: true, ahead: 0 });
    expect((await journalFor(third.runId)).map(type)).toEqual(['run.requested', 'run.finished']);
  });

  it('with one slot, a request made while the first run is still starting waits in the queue', async () => {
    ({ app } = await appWithCatalogue(undefined, {
      policy: { ...DEFAULT_POLICY, maxConcurrentRuns: 1 },
    }));
    // The first run's folder check is held open: its interpreter has started (it awaits the
    // check), but its slot is not yet in the supervisor's count.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstStarting = false;
    const verify = RunIntegrity.prototype.verify;
    const spy = vi.spyOn(RunIntegrity.prototype, 'verify').mockImplementationOnce(async function (
      this: RunIntegrity,
      ...args
    ) {
      const launch = await verify.apply(this, args);
      const entry = held.then(() => launch.entry);
      const then = entry.then.bind(entry);
      entry.then = ((...handlers: Parameters<typeof then>) => {
        firstStarting = true;
        return then(...handlers);
      }) as typeof entry.then;
      return { ...launch, entry };
    });
    try {
      const markers = await tempDir('scriptdesk-marker-');
      const request = { scriptId: 'probe', inputs: { markerDir: markers, mode: 'sleep' } };
      const first = callOrThrow(app, 'run.start', request);
      await waitFor(() => firstStarting, 'the first run to start its interpreter');
      const second = await callOrThrow(app, 'run.start', request);
      expect(await callOrThrow(app, 'run.get', { runId: second.runId })).toMatchObject({
        status: 'queued',
        queuePosition: 0,
      });
      release();
      const { runId } = await first;
      expect(await callOrThrow(app, 'run.get', { runId })).toMatchObject({ status: 'running' });
      await waitFor(() => existsSync(path.join(markers, `started-${runId}`)), 'the first run');
      expect(await readdir(markers)).toEqual([`started-${runId}`]);
      for (const run of [second.runId, runId]) await callOrThrow(app, 'run.cancel', { runId: run });
    } finally {
      spy.mockRestore();
      release();
    }
  });
});

describe('crash safety', () => {
  /** A home with the fixture catalogue synced, and a ScriptDesk CLI process running the probe in it. */
  async function cliRunInProgress() {
    const { home, cli, markers, runId } = await cliProbeRun({ mode: 'sleep-with-child' }, 'child');
    cleanups.push(() => cli.kill('SIGKILL'));
    const grandchild = Number(readFileSync(path.join(markers, `child-${runId}`), 'utf8'));
    // The script and its child share a process group (the script leads it): end both, so a probe
    // orphaned by the killed CLI does not sleep on after the test.
    const group = processGroupOf(grandchild);
    cleanups.push(() => {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // gone
      }
    });
    return { home, cli, runId, grandchild };
  }

  it('a run whose ScriptDesk was killed with SIGKILL is recorded as interrupted at the next start, and its processes are stopped', async () => {
    const { home, cli, runId, grandchild } = await cliRunInProgress();
    cli.kill('SIGKILL');
    await new Promise((resolve) => cli.once('exit', resolve));
    // The orphaned script and its child are still running: nothing supervises them now.
    expect(processIdentity(grandchild)).not.toBeNull();

    app = await openScriptDeskApp({ home, logError: () => {}, policy: DEFAULT_POLICY });
    const detail = await callOrThrow(app, 'run.get', { runId });
    expect(detail.status).toBe('interrupted');
    expect(detail.finishedAt).not.toBeNull();
    expect(detail.message).toContain('was still going and was stopped');
    await waitFor(() => processIdentity(grandchild) === null, 'the orphaned processes to end');
    const journal = await journalFor(runId);
    expect(journal.map((e) => e.type)).toEqual([
      'dev.scriptdesk.run.requested',
      'dev.scriptdesk.run.started',
      'dev.scriptdesk.run.interrupted',
    ]);
    expect(journal[2]!.data).toMatchObject({ processStillRunning: true, status: 'interrupted' });

    // Found once: a second start has nothing left to recover.
    await app.close();
    app = await openScriptDeskApp({ home, logError: () => {}, policy: DEFAULT_POLICY });
    expect(await journalFor(runId)).toHaveLength(3);
  });

  it('a run another live ScriptDesk process is supervising is left alone', async () => {
    const { home, runId, grandchild } = await cliRunInProgress();
    app = await openScriptDeskApp({ home, logError: () => {}, policy: DEFAULT_POLICY });
    expect(await callOrThrow(app, 'run.get', { runId })).toMatchObject({ status: 'running' });
    expect(processIdentity(grandchild)).not.toBeNull();
    expect((await journalFor(runId)).map((e) => e.type)).toEqual([
      'dev.scriptdesk.run.requested',
      'dev.scriptdesk.run.started',
    ]);
  });
});

describe('closing the app', () => {
  it('closing ScriptDesk during a run stops the script with everything it started and records the run as interrupted', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const { runId } = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'sleep-with-child' },
    });
    await waitFor(() => existsSync(path.join(markers, `child-${runId}`)), 'the grandchild');
    const grandchild = Number(readFileSync(path.join(markers, `child-${runId}`), 'utf8'));
    const home = app.services.paths.home;
    await app.close();
    app = undefined;
    expect(processIdentity(grandchild)).toBeNull();
    app = await openScriptDeskApp({ home, logError: () => {}, policy: DEFAULT_POLICY });
    expect(await callOrThrow(app, 'run.get', { runId })).toMatchObject({
      status: 'interrupted',
      message: 'Stopped because ScriptDesk was closed during the run.',
    });
    expect((await journalFor(runId)).map((e) => e.type)).toEqual([
      'dev.scriptdesk.run.requested',
      'dev.scriptdesk.run.started',
      'dev.scriptdesk.run.finished',
    ]);
  });
});

/** The process group of a running `pid` (field 5 of /proc/PID/stat, after the command name). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}
