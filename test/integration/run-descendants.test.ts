import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { DEFAULT_POLICY } from '../../main/policy/policy.js';
import { appWithCatalogue, copySource } from '../support/catalogue.js';
import { cliProbeRun } from '../support/cli.js';
import {
  killIfLeft,
  parentOf,
  processesOfRun,
  seeProcess,
  stillExists,
  stillRunning,
  type SeenProcess,
} from '../support/processes.js';
import { callOrThrow, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { describeWhere, PROC } from '../support/os-needs.js';

/**
 * Every process a script starts ends with its run, and the run is reported ended only after it is
 * dead (a process killed after the interpreter died is collected by init, in its own time):
 * real python through the real runner. The probe starts a descendant that leaves the run's
 * process group in one of four ways (see the probe's DESCENDANT), waits until it runs, and then
 * exits, sleeps until it is cancelled, or sleeps into its 3 s time limit.
 */

let app: ScriptDeskApp | undefined;
const left: SeenProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  left.splice(0).forEach(killIfLeft);
  cleanups.splice(0).forEach((cleanup) => cleanup());
});

const KINDS = {
  setsid: 'calls setsid() and sleeps',
  stubborn: 'calls setsid() and ignores SIGTERM',
  daemon: 'double-forks after setsid (its parent exits at once, so it is re-parented)',
  'no-env': 'calls setsid() and clears its environment (no run id to find it by)',
} as const;
type Kind = keyof typeof KINDS;

const ENDINGS = {
  exit: { then: 'exit', status: 'succeeded', message: 'Finished successfully.' },
  cancel: { then: 'sleep', status: 'cancelled', message: 'Cancelled by the user.' },
  timeout: { then: 'sleep', status: 'timeout', message: 'Stopped after the time limit of 1 s.' },
} as const;
type Ending = keyof typeof ENDINGS;

/** A copy of the fixture catalogue whose probe has a time limit of `seconds` (it sleeps for longer). */
async function probeWithLimit(seconds: number): Promise<string> {
  const source = await copySource();
  const file = path.join(source, 'scripts', 'probe', 'script.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  await writeFile(file, JSON.stringify({ ...manifest, timeoutSeconds: seconds }));
  return source;
}

/** The descendant the probe of `runId` left, once it has written its pid. */
async function descendantOf(markers: string, runId: string): Promise<SeenProcess> {
  const file = path.join(markers, `descendant-${runId}`);
  await waitFor(() => existsSync(file), 'the descendant to start');
  const seen = seeProcess(Number(readFileSync(file, 'utf8')));
  left.push(seen);
  return seen;
}

/**
 * Runs the probe leaving a descendant of `kind`, ends the run as `ending` says, and returns the
 * run's status and the descendant as they are the moment the run is reported ended.
 */
async function runLeaving(kind: Kind, ending: Ending, then: string = ENDINGS[ending].then) {
  ({ app } = await appWithCatalogue(ending === 'timeout' ? await probeWithLimit(1) : undefined));
  const markers = await tempDir('scriptdesk-marker-');
  let reported: () => void = () => {};
  const ended = new Promise<void>((resolve) => (reported = resolve));
  let runId = '';
  app.subscribe((e) => {
    if (e.name === 'run.status' && e.payload.runId === runId && e.payload.finishedAt) reported();
  });
  ({ runId } = await callOrThrow(app, 'run.start', {
    scriptId: 'probe',
    inputs: { markerDir: markers, mode: `leave-${kind}`, then },
  }));
  const descendant = await descendantOf(markers, runId);
  if (!then.startsWith('sleep')) await writeFile(path.join(markers, `go-${runId}`), '');
  if (ending === 'cancel') await callOrThrow(app, 'run.cancel', { runId });
  await ended;
  return {
    runId,
    descendant,
    run: await callOrThrow(app, 'run.get', { runId }),
  };
}

describeWhere(PROC, 'a descendant that left the process group ends with its run', () => {
  for (const ending of Object.keys(ENDINGS) as Ending[]) {
    for (const kind of Object.keys(KINDS) as Kind[]) {
      it(`a child that ${KINDS[kind]} is dead when the run is reported ended (${ending})`, async () => {
        const { runId, descendant, run } = await runLeaving(kind, ending);
        expect(run).toMatchObject({
          status: ENDINGS[ending].status,
          message: ENDINGS[ending].message,
        });
        expect(stillRunning(descendant)).toBe(false);
        expect(processesOfRun(runId)).toEqual([]);
        // Ended by its script, the interpreter reaped it too; ended from outside, it died first,
        // and init collects what it left (killed) in its own time.
        if (ending === 'exit') expect(stillExists(descendant)).toBe(false);
      });
    }
  }

  it('a script that leaves by os._exit(), skipping its own clean-up, still takes its descendants with it', async () => {
    const { runId, descendant, run } = await runLeaving('no-env', 'exit', 'os-exit');
    expect(run).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect(stillExists(descendant)).toBe(false);
    expect(processesOfRun(runId)).toEqual([]);
  });

  it('a script that ignores SIGTERM is killed after the grace period together with everything it started, even what cleared its environment', async () => {
    const { runId, descendant, run } = await runLeaving('no-env', 'cancel', 'sleep-ignoring-term');
    expect(run).toMatchObject({ status: 'cancelled', message: 'Cancelled by the user.' });
    expect(stillRunning(descendant)).toBe(false);
    expect(processesOfRun(runId)).toEqual([]);
  });

  it('a script killed from outside ScriptDesk (as by the out-of-memory killer) has what it left found by its run id and ended before the run is reported ended', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const { runId } = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'leave-setsid', then: 'sleep' },
    });
    const descendant = await descendantOf(markers, runId);
    const ended = new Promise<void>((resolve) =>
      app!.subscribe((e) => {
        if (e.name === 'run.status' && e.payload.runId === runId && e.payload.finishedAt) resolve();
      }),
    );
    // The interpreter is the run's process whose parent is this one (the app runs in the test).
    const interpreter = processesOfRun(runId).find((pid) => parentOf(pid) === process.pid)!;
    process.kill(interpreter, 'SIGKILL');
    await ended;
    expect(await callOrThrow(app, 'run.get', { runId })).toMatchObject({
      status: 'failed',
      message:
        'The script was ended by the signal SIGKILL (a forced kill, often by the system running out of memory): it crashed or something outside ScriptDesk stopped it; see the log.',
    });
    expect(processesOfRun(runId)).toEqual([]);
    expect(stillRunning(descendant)).toBe(false);
  });

  it('closing ScriptDesk during a run ends the descendants that left the group before it closes', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const { runId } = await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'leave-stubborn', then: 'sleep' },
    });
    const descendant = await descendantOf(markers, runId);
    await app.close();
    app = undefined;
    expect(stillRunning(descendant)).toBe(false);
    expect(processesOfRun(runId)).toEqual([]);
  });
});

describeWhere(PROC, 'crash recovery', () => {
  /** A CLI run of the probe leaving a detached descendant; returns it once the descendant runs. */
  async function cliRunLeaving() {
    const { home, cli, markers, runId } = await cliProbeRun(
      { mode: 'leave-setsid', then: 'sleep' },
      'descendant',
    );
    cleanups.push(() => cli.kill('SIGKILL'));
    const descendant = await descendantOf(markers, runId);
    // The interpreter is the run's process whose parent is the CLI.
    const interpreter = processesOfRun(runId).find((pid) => parentOf(pid) === cli.pid)!;
    const killCli = async () => {
      cli.kill('SIGKILL');
      await new Promise((resolve) => cli.once('exit', resolve));
    };
    return { home, runId, descendant, interpreter, killCli };
  }

  /** Opens the app on `home` (recovery runs as it opens) and checks how `runId` was recorded. */
  async function recoveredAs(home: string, runId: string) {
    app = await openScriptDeskApp({ home, logError: () => {}, policy: DEFAULT_POLICY });
    expect(await callOrThrow(app, 'run.get', { runId })).toMatchObject({
      status: 'interrupted',
      message:
        'ScriptDesk stopped during this run; the script was still going and was stopped when ScriptDesk started again. Its result is unknown.',
    });
  }

  it('a run whose ScriptDesk was killed has the descendants that left its group ended at the next start', async () => {
    const { home, runId, descendant, killCli } = await cliRunLeaving();
    await killCli();
    expect(stillRunning(descendant)).toBe(true);
    await recoveredAs(home, runId);
    expect(stillRunning(descendant)).toBe(false);
    expect(processesOfRun(runId)).toEqual([]);
  });

  it('when its interpreter is gone too, what the script left is found by its run id at the next start', async () => {
    const { home, runId, descendant, interpreter, killCli } = await cliRunLeaving();
    await killCli();
    process.kill(interpreter, 'SIGKILL');
    await waitFor(() => !processesOfRun(runId).includes(interpreter), 'the interpreter to die');
    expect(stillRunning(descendant)).toBe(true);
    await recoveredAs(home, runId);
    expect(stillRunning(descendant)).toBe(false);
    expect(processesOfRun(runId)).toEqual([]);
  });
});
