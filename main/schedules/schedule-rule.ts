import type { MissedPolicy, ScheduleRule } from '../contract/schedule-api.js';
import { addDays, instantOf, localParts, minutesOf, weekdayOf } from './zoned-time.js';

/*
 * When a schedule fires, as pure functions of its rule, its time zone and instants (milliseconds
 * since the epoch). Every rule is a set of wall-clock times on a set of days of the week, so
 * daylight saving time is handled in one place (`instantOf`): a time the clocks skip runs just
 * after the jump, a time the clocks pass twice runs the first time only.
 */

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const MINUTES_PER_DAY = 24 * 60;

/** The days of the week and the wall-clock minutes of the day a rule fires at. */
export function slotsOf(rule: ScheduleRule): { days: number[]; minutes: number[] } {
  switch (rule.kind) {
    case 'daily':
      return { days: ALL_DAYS, minutes: [minutesOf(rule.time)] };
    case 'weekdays':
      return { days: [...rule.days].sort(), minutes: [minutesOf(rule.time)] };
    case 'hourly': {
      const minutes: number[] = [];
      for (let m = minutesOf(rule.from); m < MINUTES_PER_DAY; m += rule.everyHours * 60)
        minutes.push(m);
      return { days: ALL_DAYS, minutes };
    }
  }
}

/** The first time strictly after `after` the rule fires in `timeZone`. */
export function nextTime(rule: ScheduleRule, timeZone: string, after: number): number {
  const { days, minutes } = slotsOf(rule);
  const today = localParts(after, timeZone);
  let best = Infinity;
  let foundOn = Infinity;
  // From yesterday to eight days on (a weekly rule), and one day past the first day with a time:
  // a time the clocks skip is moved later, possibly past an early time of the next day.
  for (let offset = -1; offset <= 8 && offset <= foundOn + 1; offset++) {
    const date = addDays(today, offset);
    if (!days.includes(weekdayOf(date))) continue;
    for (const minute of minutes) {
      const instant = instantOf(date, minute, timeZone);
      if (instant > after && instant < best) {
        best = instant;
        foundOn = Math.min(foundOn, offset);
      }
    }
  }
  return best;
}

/** Most occurrences {@link dueTimes} lists (a year asleep with an hourly rule stays bounded). */
export const MAX_DUE_TIMES = 1000;

/**
 * Every time the rule fired in (`since`, `until`], oldest first: what is due now, and what was
 * passed while nothing was watching. At most `limit`; `more` says some were left off.
 */
export function dueTimes(
  rule: ScheduleRule,
  timeZone: string,
  since: number,
  until: number,
  limit = MAX_DUE_TIMES,
): { times: number[]; more: boolean } {
  const times: number[] = [];
  for (let t = nextTime(rule, timeZone, since); t <= until; t = nextTime(rule, timeZone, t)) {
    if (times.length === limit) return { times, more: true };
    times.push(t);
  }
  return { times, more: false };
}

/**
 * How late a time may be acted on and still count as on time. A timer that fires later than this
 * means the computer slept (or the app was closed) through it.
 */
export const ON_TIME_MS = 2 * 60_000;

/** What to do with the times due at `now`: start a run (for which time), and which were missed. */
export interface DueDecision {
  /**
   * The run to start now, or null. `late`: it runs for times passed while the computer slept;
   * `catchingUp` counts the passed times it stands in for.
   */
  run: { dueAt: number; late: boolean; catchingUp: number } | null;
  /** Times passed with no run for them (journaled as missed). */
  missed: number[];
}

/**
 * Decides what the due times of one schedule become. The newest time, if it is on time, runs.
 * Times passed while the computer slept follow the schedule's policy: `skip` journals them as
 * missed; `run-once` runs once for all of them (the on-time run, if there is one, counts for them).
 */
export function decideDue(times: number[], now: number, policy: MissedPolicy): DueDecision {
  if (!times.length) return { run: null, missed: [] };
  const newest = times[times.length - 1]!;
  const onTime = now - newest <= ON_TIME_MS;
  const passed = onTime ? times.slice(0, -1) : times;
  if (policy === 'skip')
    return {
      run: onTime ? { dueAt: newest, late: false, catchingUp: 0 } : null,
      missed: passed,
    };
  return { run: { dueAt: newest, late: !onTime, catchingUp: passed.length }, missed: [] };
}
