import { randomUUID } from 'node:crypto';
import type { Schedule } from '../contract/schedule-api.js';
import type { Handlers } from '../contract/dispatcher.js';
import { ApiFailure } from '../contract/errors.js';
import type { RunStore } from '../runs/run-store.js';
import { checkSchedule, type PauseCause, type ScheduleCheckDeps } from './schedule-check.js';
import { MAX_SCHEDULES, type ScheduleStore, type StoredSchedule } from './schedule-store.js';
import type { Scheduler } from './scheduler.js';
import { isKnownTimeZone } from './zoned-time.js';

export interface ScheduleHandlerDeps {
  store: ScheduleStore;
  scheduler: Scheduler;
  check: ScheduleCheckDeps;
  runs: RunStore;
  now?: () => Date;
}

type ScheduleMethods =
  'schedules.list' | 'schedules.create' | 'schedules.setPaused' | 'schedules.delete';

/** What the user is told when a schedule cannot be created, by cause: the problem and the fix. */
const CREATE_REFUSALS: Record<
  PauseCause,
  (title: string, preset: string) => [ApiFailure['code'], string, string?]
> = {
  gone: (title) => ['not_found', `There is no script "${title}" in the catalogue.`],
  forbidden: (title) => ['forbidden', `You may not run "${title}"; ask your administrator.`],
  'not-allowed': (title) => [
    'forbidden',
    `Your administrator does not allow scheduled runs of "${title}"; run it yourself instead.`,
  ],
  reason: (title) => [
    'bad_request',
    `"${title}" asks for a reason or ticket for every run; give one for the scheduled runs.`,
    '/reason',
  ],
  confirm: (title) => [
    'bad_request',
    `"${title}" changes things outside its output folder; confirm that scheduled runs may do so unattended.`,
    '/confirmed',
  ],
  'preset-gone': (title, preset) => [
    'not_found',
    `"${title}" has no preset "${preset}"; save the form as a preset first, then schedule it.`,
    '/preset',
  ],
  inputs: (title, preset) => [
    'invalid_inputs',
    `The preset "${preset}" does not fit the form of "${title}"; open the script, fix the values and save the preset again.`,
  ],
};

/** `schedules.*`: the user's schedules, created only from a preset whose inputs validate now. */
export function createScheduleHandlers(deps: ScheduleHandlerDeps): Pick<Handlers, ScheduleMethods> {
  const { store, scheduler, runs } = deps;
  const now = deps.now ?? (() => new Date());

  const view = async (schedule: StoredSchedule): Promise<Schedule> => {
    const lastRun = schedule.lastRunId ? runs.get(schedule.lastRunId) : null;
    const next = scheduler.nextRunOf(schedule);
    let title = schedule.scriptId;
    try {
      title = (await deps.check.catalogue.resolve(schedule.scriptId, deps.check.user)).manifest
        .title;
    } catch {
      // gone or forbidden: the list names it by id (and its paused reason says why)
    }
    return {
      id: schedule.id,
      scriptId: schedule.scriptId,
      title,
      preset: schedule.preset,
      rule: schedule.rule,
      timeZone: schedule.timeZone,
      missedPolicy: schedule.missedPolicy,
      paused: schedule.paused,
      createdAt: schedule.createdAt,
      nextRunAt: next === null ? null : new Date(next).toISOString(),
      lastRun: lastRun
        ? { runId: lastRun.runId, status: lastRun.status, startedAt: lastRun.startedAt }
        : null,
      lastProblem: schedule.lastProblem,
    };
  };
  const found = (id: string): StoredSchedule => {
    const schedule = store.get(id);
    if (!schedule)
      throw new ApiFailure(
        'not_found',
        'There is no such schedule; it may have been deleted in another window.',
      );
    return schedule;
  };

  return {
    'schedules.list': async () => {
      const views = await Promise.all(store.list().map(view));
      const order = (s: Schedule) => (s.nextRunAt === null ? Infinity : Date.parse(s.nextRunAt));
      return { schedules: views.sort((a, b) => order(a) - order(b)) };
    },
    'schedules.create': async (request) => {
      if (!isKnownTimeZone(request.timeZone))
        throw new ApiFailure(
          'bad_request',
          `The time zone "${request.timeZone}" is not one this computer knows; use an IANA name like Europe/Paris.`,
          [{ path: '/timeZone', message: 'is not a known time zone' }],
        );
      const target = {
        scriptId: request.scriptId,
        preset: request.preset,
        reason: request.reason ?? null,
        confirmed: request.confirmed === true,
      };
      const check = await checkSchedule(deps.check, target);
      if (check.kind === 'problem') throw new ApiFailure('catalogue_unavailable', check.message);
      if (check.kind === 'pause') {
        const [code, message, path] = CREATE_REFUSALS[check.why](check.title, request.preset.name);
        const fields = path ? [{ path, message: 'is needed to schedule this script' }] : undefined;
        throw new ApiFailure(code, message, check.fields ?? fields);
      }
      const createdAt = now().toISOString();
      const schedule: StoredSchedule = {
        id: randomUUID(),
        ...target,
        rule: request.rule,
        timeZone: request.timeZone,
        missedPolicy: request.missedPolicy,
        paused: null,
        createdAt,
        checkedUntil: createdAt,
        lastRunId: null,
        lastProblem: null,
      };
      if (!store.insert(schedule))
        throw new ApiFailure(
          'bad_request',
          `You have ${MAX_SCHEDULES} schedules, the most ScriptDesk keeps; delete one you no longer need first.`,
        );
      scheduler.poke();
      return { schedule: await view(schedule) };
    },
    'schedules.setPaused': async ({ id, paused }) => {
      const schedule = found(id);
      const at = now().toISOString();
      if (paused) {
        store.setPaused(id, { by: 'user', reason: 'Paused by you.', at }, at);
      } else {
        // Resumed only if it can run as set; times passed while paused are not caught up.
        const check = await checkSchedule(deps.check, schedule);
        if (check.kind === 'pause') throw new ApiFailure('bad_request', check.reason, check.fields);
        store.setPaused(id, null, at);
      }
      scheduler.poke();
      return { schedule: await view(found(id)) };
    },
    'schedules.delete': async ({ id }) => {
      const deleted = store.delete(id);
      scheduler.poke();
      return { deleted };
    },
  };
}
