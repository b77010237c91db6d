import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { folderSource } from '../../main/catalogue/sources.js';
import type { ApiEvent, MethodInput } from '../../main/contract/api.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { copySource, makeKeys } from '../support/catalogue.js';
import { callOrThrow, waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const open: ScriptDeskApp[] = [];
afterEach(async () => {
  for (const app of open.splice(0).reverse()) await app.close();
});

/**
 * A long-running desk (the scheduler runs, as in the web host) on a fresh home with the fixture
 * catalogue (valid 30 days), and a clock the test moves forward: the laptop "sleeps" by moving it.
 */
async function desk(home?: string, shared?: { offset: number }) {
  const source = await copySource();
  const keys = await makeKeys();
  const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
  const publish = () =>
    publishCatalogue({
      sourceDir: source,
      keyFile: keys.privateKeyFile,
      outDir: published,
      validForMs: 30 * DAY,
    });
  await publish();
  const time = shared ?? { offset: 0 };
  const clock = () => new Date(Date.now() + time.offset);
  const appHome = home ?? (await tempDir('scriptdesk-home-'));
  const app = await openScriptDeskApp({
    home: appHome,
    logError: () => {},
    autoSyncMs: DAY,
    clock,
  });
  open.push(app);
  await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
  await app.services.catalogue.sync(folderSource(published));
  const events: ApiEvent[] = [];
  app.subscribe((event) => events.push(event));
  /** Changes the probe's script.json or form, publishes the next version and syncs it. */
  const republish = async (file: string, change: (json: Record<string, unknown>) => unknown) => {
    const target = path.join(source, 'scripts', 'probe', file);
    await writeFile(target, JSON.stringify(change(JSON.parse(await readFile(target, 'utf8')))));
    await publish();
    await app.services.catalogue.sync(folderSource(published));
  };
  /** Moves the clock on and lets the scheduler act (as its timer would, on waking). */
  const advance = async (ms: number) => {
    time.offset += ms;
    app.services.scheduler.poke();
    await app.services.scheduler.idle();
  };
  return { app, home: appHome, clock, time, events, republish, advance };
}

/** `HH:MM` in UTC of an instant. */
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

async function withPreset(app: ScriptDeskApp, inputs: Record<string, unknown>, name = 'Nightly') {
  await callOrThrow(app, 'presets.save', { scriptId: 'probe', name, inputs });
}

async function schedule(
  app: ScriptDeskApp,
  change: Partial<MethodInput<'schedules.create'>> & {
    rule: MethodInput<'schedules.create'>['rule'];
  },
) {
  return (
    await callOrThrow(app, 'schedules.create', {
      scriptId: 'probe',
      preset: { source: 'mine', name: 'Nightly' },
      timeZone: 'UTC',
      missedPolicy: 'skip',
      ...change,
    })
  ).schedule;
}

async function failure(app: ScriptDeskApp, input: MethodInput<'schedules.create'>) {
  const result = await callTyped(app.dispatch, 'schedules.create', input, { transport: 'http' });
  if (result.ok) throw new Error('schedules.create succeeded');
  return result.error;
}

const journaled = (app: ScriptDeskApp, type: string) =>
  app.services.journal
    .list(1000)
    .filter((entry) => entry.event.type === `dev.scriptdesk.${type}`)
    .map((entry) => entry.event.data as Record<string, unknown>);

/** True once the newest run on the device has ended. */
async function newestRunEnded(app: ScriptDeskApp): Promise<boolean> {
  const [newest] = (await callOrThrow(app, 'run.list', {})).runs;
  return newest !== undefined && newest.finishedAt !== null;
}

async function markerDir() {
  const dir = path.join(await tempDir('scriptdesk-marker-'), 'm');
  await mkdir(dir);
  return dir;
}

describe('scheduled runs in a running desk', () => {
  it('runs a due schedule through the runner, journaled with trigger schedule and marked in History', async () => {
    const { app, clock, advance } = await desk();
    await withPreset(app, { markerDir: await markerDir(), mode: 'ok' });
    const due = Math.ceil((clock().getTime() + 2 * MINUTE) / MINUTE) * MINUTE;
    const created = await schedule(app, { rule: { kind: 'daily', time: hhmm(due) } });
    expect(created.nextRunAt).toBe(new Date(due).toISOString());

    await advance(due + 10_000 - clock().getTime());
    await waitFor(() => newestRunEnded(app), 'the scheduled run to end');
    const [run] = (await callOrThrow(app, 'run.list', {})).runs;
    expect(run).toMatchObject({ scriptId: 'probe', status: 'succeeded', scheduleId: created.id });
    expect(journaled(app, 'run.requested')).toEqual([
      expect.objectContaining({
        runId: run!.runId,
        trigger: 'schedule',
        scheduleId: created.id,
        dueAt: new Date(due).toISOString(),
        late: false,
        catchingUp: 0,
      }),
    ]);
    const [listed] = (await callOrThrow(app, 'schedules.list', {})).schedules;
    expect(listed).toMatchObject({
      lastRun: { runId: run!.runId, status: 'succeeded' },
      nextRunAt: new Date(due + DAY).toISOString(),
    });
  });

  it('a person’s Run is journaled with trigger user', async () => {
    const { app } = await desk();
    await callOrThrow(app, 'run.start', {
      scriptId: 'probe',
      inputs: { markerDir: await markerDir(), mode: 'ok' },
    });
    expect(journaled(app, 'run.requested')).toEqual([expect.objectContaining({ trigger: 'user' })]);
    expect((await callOrThrow(app, 'run.list', {})).runs[0]?.scheduleId).toBeNull();
  });

  it('after three days asleep: skip journals the missed times, run-once runs once, late, and a restart repeats nothing', async () => {
    const { app, home, clock, time, advance } = await desk();
    await withPreset(app, { markerDir: await markerDir(), mode: 'ok' });
    const first = Math.ceil((clock().getTime() + 2 * MINUTE) / MINUTE) * MINUTE;
    const rule = { kind: 'daily', time: hhmm(first) } as const;
    const skip = await schedule(app, { rule, missedPolicy: 'skip' });
    const once = await schedule(app, { rule, missedPolicy: 'run-once' });

    // Asleep from before the first time to an hour after the third.
    await advance(first + 2 * DAY + 60 * MINUTE - clock().getTime());
    const times = [0, 1, 2].map((d) => new Date(first + d * DAY).toISOString());
    expect(journaled(app, 'schedule.missed')).toEqual([
      expect.objectContaining({
        scheduleId: skip.id,
        missedPolicy: 'skip',
        times,
        count: 3,
        more: false,
      }),
    ]);
    const requested = journaled(app, 'run.requested');
    expect(requested).toEqual([
      expect.objectContaining({ scheduleId: once.id, dueAt: times[2], late: true, catchingUp: 3 }),
    ]);
    await waitFor(() => newestRunEnded(app), 'the caught-up run to end');

    // A restart at the same moment finds every time acted on: nothing runs, nothing is missed again.
    await app.close();
    open.splice(open.indexOf(app), 1);
    const again = await openScriptDeskApp({
      home,
      logError: () => {},
      autoSyncMs: DAY,
      clock: () => new Date(Date.now() + time.offset),
    });
    open.push(again);
    await again.services.scheduler.idle();
    expect(journaled(again, 'run.requested')).toHaveLength(1);
    expect(journaled(again, 'schedule.missed')).toHaveLength(1);
  });

  it('pauses a schedule whose preset no longer fits the form after a catalogue change, with a notice, and never runs it', async () => {
    const { app, clock, events, republish, advance } = await desk();
    await withPreset(app, { markerDir: await markerDir(), mode: 'ok', count: 7 });
    const due = Math.ceil((clock().getTime() + 2 * MINUTE) / MINUTE) * MINUTE;
    const created = await schedule(app, { rule: { kind: 'daily', time: hhmm(due) } });

    await republish('form.schema.json', (form) => {
      const schema = form as { properties: { count: { maximum: number } } };
      schema.properties.count.maximum = 5;
      return schema;
    });
    await waitFor(
      () => events.some((e) => e.name === 'schedules.changed' && e.payload.paused !== null),
      'the pause notice',
    );
    const notice = events.find((e) => e.name === 'schedules.changed' && e.payload.paused);
    expect(notice?.payload).toEqual({
      paused: {
        scheduleId: created.id,
        title: 'Probe',
        reason: expect.stringMatching(
          /^The preset "Nightly" no longer fits the form of "Probe" version 2\.1\.0 \(\/count .+\); open the script, save the preset again/,
        ),
      },
    });
    const [listed] = (await callOrThrow(app, 'schedules.list', {})).schedules;
    expect(listed).toMatchObject({ paused: { by: 'scriptdesk' }, nextRunAt: null });
    expect(journaled(app, 'schedule.paused')).toEqual([
      expect.objectContaining({ scheduleId: created.id, scriptId: 'probe' }),
    ]);

    // Its time comes and goes: no run is asked for. Resuming is refused while it still does not fit.
    await advance(due + 10_000 - clock().getTime());
    expect(journaled(app, 'run.requested')).toEqual([]);
    const resumed = await callTyped(
      app.dispatch,
      'schedules.setPaused',
      { id: created.id, paused: false },
      { transport: 'http' },
    );
    expect(resumed.ok).toBe(false);
  });

  it('refuses to schedule a script whose script.json says scheduling: false, and pauses its existing schedules', async () => {
    const { app, republish } = await desk();
    await withPreset(app, { markerDir: await markerDir(), mode: 'ok' });
    const created = await schedule(app, {
      rule: { kind: 'weekdays', time: '07:00', days: [1, 2, 3, 4, 5] },
    });
    await republish('script.json', (manifest) => ({ ...manifest, scheduling: false }));
    await app.services.scheduler.idle();
    await waitFor(
      async () => (await callOrThrow(app, 'schedules.list', {})).schedules[0]?.paused !== null,
      'the schedule to be paused',
    );
    const [listed] = (await callOrThrow(app, 'schedules.list', {})).schedules;
    expect(listed?.id).toBe(created.id);
    expect(listed?.paused?.reason).toMatch(
      /^Your administrator does not allow scheduled runs of "Probe"/,
    );
    const refused = await failure(app, {
      scriptId: 'probe',
      preset: { source: 'mine', name: 'Nightly' },
      rule: { kind: 'daily', time: '07:00' },
      timeZone: 'UTC',
      missedPolicy: 'skip',
    });
    expect(refused).toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(
        /does not allow scheduled runs of "Probe"; run it yourself instead/,
      ),
    });
  });

  it('refuses bad schedules with the thing and the fix named', async () => {
    const { app } = await desk();
    await withPreset(app, { markerDir: await markerDir(), mode: 'ok' });
    const base: MethodInput<'schedules.create'> = {
      scriptId: 'probe',
      preset: { source: 'mine', name: 'Nightly' },
      rule: { kind: 'daily', time: '07:00' },
      timeZone: 'UTC',
      missedPolicy: 'skip',
    };
    expect(await failure(app, { ...base, preset: { source: 'mine', name: 'Gone' } })).toMatchObject(
      {
        code: 'not_found',
        message: '"Probe" has no preset "Gone"; save the form as a preset first, then schedule it.',
      },
    );
    expect(await failure(app, { ...base, timeZone: 'Mars/Olympus' })).toMatchObject({
      code: 'bad_request',
      fields: [{ path: '/timeZone', message: 'is not a known time zone' }],
    });
    expect(await failure(app, { ...base, rule: { kind: 'daily', time: '25:00' } })).toMatchObject({
      code: 'bad_request',
    });
    expect(await failure(app, { ...base, scriptId: 'nope' })).toMatchObject({ code: 'not_found' });
    expect((await callOrThrow(app, 'schedules.list', {})).schedules).toEqual([]);
  });
});
