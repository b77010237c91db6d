import { describe, expect, it } from 'vitest';
import type { ScheduleRule } from '../../main/contract/schedule-api.js';
import { decideDue, dueTimes, nextTime, ON_TIME_MS } from '../../main/schedules/schedule-rule.js';
import { instantOf, isKnownTimeZone, localParts } from '../../main/schedules/zoned-time.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
// 2026: Paris springs forward on 29 March (02:00 CET → 03:00 CEST) and falls back on 25 October
// (03:00 CEST → 02:00 CET); New York on 8 March and 1 November.

describe('nextTime', () => {
  const daily = (time: string): ScheduleRule => ({ kind: 'daily', time });
  const cases: [string, ScheduleRule, string, string, string][] = [
    [
      'daily, later the same day',
      daily('09:00'),
      PARIS,
      '2026-01-05T07:00:00Z',
      '2026-01-05T08:00:00Z',
    ],
    [
      'daily, already passed today: tomorrow',
      daily('09:00'),
      PARIS,
      '2026-01-05T08:00:00Z',
      '2026-01-06T08:00:00Z',
    ],
    [
      'daily, exactly at the time: the next one',
      daily('09:00'),
      PARIS,
      '2026-01-05T08:00:00Z',
      '2026-01-06T08:00:00Z',
    ],
    [
      'daily in summer time (UTC+2)',
      daily('09:00'),
      PARIS,
      '2026-07-01T00:00:00Z',
      '2026-07-01T07:00:00Z',
    ],
    [
      'daily, local midnight differs from UTC',
      daily('00:30'),
      'Asia/Tokyo',
      '2026-01-05T16:00:00Z',
      '2026-01-06T15:30:00Z',
    ],
    [
      'spring forward: 02:30 never happens, runs at 03:30 CEST',
      daily('02:30'),
      PARIS,
      '2026-03-28T12:00:00Z',
      '2026-03-29T01:30:00Z',
    ],
    [
      'the day after the gap, 02:30 is back',
      daily('02:30'),
      PARIS,
      '2026-03-29T02:00:00Z',
      '2026-03-30T00:30:00Z',
    ],
    [
      'spring forward in New York: 02:15 runs at 03:15 EDT',
      daily('02:15'),
      NEW_YORK,
      '2026-03-07T12:00:00Z',
      '2026-03-08T07:15:00Z',
    ],
    [
      'fall back: 02:30 happens twice, the first is chosen',
      daily('02:30'),
      PARIS,
      '2026-10-24T12:00:00Z',
      '2026-10-25T00:30:00Z',
    ],
    [
      'fall back: after the first 02:30, the next is the following day',
      daily('02:30'),
      PARIS,
      '2026-10-25T00:30:00Z',
      '2026-10-26T01:30:00Z',
    ],
    [
      'fall back in New York: 01:30 EDT, not 01:30 EST',
      daily('01:30'),
      NEW_YORK,
      '2026-10-31T12:00:00Z',
      '2026-11-01T05:30:00Z',
    ],
    [
      'weekdays: Friday evening to Monday morning',
      { kind: 'weekdays', time: '08:00', days: [1, 2, 3, 4, 5] },
      PARIS,
      '2026-01-09T18:00:00Z',
      '2026-01-12T07:00:00Z',
    ],
    [
      'weekdays: Saturday to Monday',
      { kind: 'weekdays', time: '08:00', days: [1, 2, 3, 4, 5] },
      PARIS,
      '2026-01-10T10:00:00Z',
      '2026-01-12T07:00:00Z',
    ],
    [
      'weekdays: Sundays only, a week on',
      { kind: 'weekdays', time: '08:00', days: [0] },
      PARIS,
      '2026-01-11T07:00:00Z',
      '2026-01-18T07:00:00Z',
    ],
    [
      'weekdays: Monday and Thursday, on Tuesday',
      { kind: 'weekdays', time: '18:00', days: [4, 1] },
      PARIS,
      '2026-01-06T12:00:00Z',
      '2026-01-08T17:00:00Z',
    ],
    [
      'hourly every 6 from 00:00, mid-morning',
      { kind: 'hourly', everyHours: 6, from: '00:00' },
      PARIS,
      '2026-01-05T08:00:00Z',
      '2026-01-05T11:00:00Z',
    ],
    [
      'hourly: after the last of the day, the first of the next',
      { kind: 'hourly', everyHours: 4, from: '08:00' },
      PARIS,
      '2026-01-05T19:30:00Z',
      '2026-01-06T07:00:00Z',
    ],
    [
      'hourly every 24 is daily at from',
      { kind: 'hourly', everyHours: 24, from: '07:15' },
      PARIS,
      '2026-01-05T07:00:00Z',
      '2026-01-06T06:15:00Z',
    ],
  ];
  it.each(cases)('%s', (_name, rule, timeZone, after, expected) => {
    expect(iso(nextTime(rule, timeZone, at(after)))).toBe(new Date(expected).toISOString());
  });
});

describe('every N hours across DST', () => {
  it('keeps the same wall-clock times on the spring-forward day (an hour shorter gap)', () => {
    const rule: ScheduleRule = { kind: 'hourly', everyHours: 6, from: '00:00' };
    const { times } = dueTimes(rule, PARIS, at('2026-03-28T22:00:00Z'), at('2026-03-29T22:00:00Z'));
    expect(times.map(iso)).toEqual([
      '2026-03-28T23:00:00.000Z', // 00:00 CET
      '2026-03-29T04:00:00.000Z', // 06:00 CEST: five hours later
      '2026-03-29T10:00:00.000Z',
      '2026-03-29T16:00:00.000Z',
      '2026-03-29T22:00:00.000Z', // 00:00 CEST
    ]);
    expect(times.map((t) => localParts(t, PARIS).minuteOfDay / 60)).toEqual([0, 6, 12, 18, 0]);
  });

  it('runs an hourly slot in the repeated hour once when the clocks go back', () => {
    const rule: ScheduleRule = { kind: 'hourly', everyHours: 1, from: '00:00' };
    const { times } = dueTimes(rule, PARIS, at('2026-10-24T22:00:00Z'), at('2026-10-25T03:00:00Z'));
    // 01:00, 02:00 CEST, then 03:00 and 04:00 CET: the second 02:00 (CET) is not run again.
    expect(times.map(iso)).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
  });

  it('merges an hourly slot skipped by the jump with the one after it', () => {
    const rule: ScheduleRule = { kind: 'hourly', everyHours: 1, from: '00:00' };
    const { times } = dueTimes(rule, PARIS, at('2026-03-28T23:30:00Z'), at('2026-03-29T03:00:00Z'));
    // 01:00 CET, then 02:00 (does not exist: 03:00 CEST), 03:00 CEST (the same instant), 04:00, 05:00.
    expect(times.map(iso)).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
      '2026-03-29T03:00:00.000Z',
    ]);
  });
});

describe('dueTimes while the laptop slept', () => {
  it('lists the three daily times passed over a three-day sleep, oldest first', () => {
    const { times, more } = dueTimes(
      { kind: 'daily', time: '09:00' },
      PARIS,
      at('2026-01-05T10:00:00Z'),
      at('2026-01-08T12:00:00Z'),
    );
    expect(times.map(iso)).toEqual([
      '2026-01-06T08:00:00.000Z',
      '2026-01-07T08:00:00.000Z',
      '2026-01-08T08:00:00.000Z',
    ]);
    expect(more).toBe(false);
  });

  it('stops at the limit and says more were left off', () => {
    const result = dueTimes(
      { kind: 'hourly', everyHours: 1, from: '00:00' },
      PARIS,
      at('2026-01-05T00:00:00Z'),
      at('2026-01-08T00:00:00Z'),
      10,
    );
    expect(result.times).toHaveLength(10);
    expect(result.more).toBe(true);
  });

  it('lists nothing when no time fell in the window', () => {
    expect(
      dueTimes(
        { kind: 'daily', time: '09:00' },
        PARIS,
        at('2026-01-05T08:30:00Z'),
        at('2026-01-06T07:59:00Z'),
      ).times,
    ).toEqual([]);
  });
});

describe('decideDue', () => {
  const now = at('2026-01-08T12:00:00Z');
  const threeDays = [
    at('2026-01-06T08:00:00Z'),
    at('2026-01-07T08:00:00Z'),
    at('2026-01-08T08:00:00Z'),
  ];
  it('runs a time that is due now, on time', () => {
    const due = now - 1000;
    expect(decideDue([due], now, 'skip')).toEqual({
      run: { dueAt: due, late: false, catchingUp: 0 },
      missed: [],
    });
  });
  it('skip: a three-day sleep journals three missed times and runs nothing', () => {
    expect(decideDue(threeDays, now, 'skip')).toEqual({ run: null, missed: threeDays });
  });
  it('run-once: a three-day sleep runs once, late, standing in for the three', () => {
    expect(decideDue(threeDays, now, 'run-once')).toEqual({
      run: { dueAt: threeDays[2], late: true, catchingUp: 3 },
      missed: [],
    });
  });
  it('skip: waking just in time for today runs today and journals the earlier ones missed', () => {
    const today = now - ON_TIME_MS;
    expect(decideDue([...threeDays.slice(0, 2), today], now, 'skip')).toEqual({
      run: { dueAt: today, late: false, catchingUp: 0 },
      missed: threeDays.slice(0, 2),
    });
  });
  it('run-once: waking just in time runs once on time, standing in for the earlier ones', () => {
    const today = now - 500;
    expect(decideDue([...threeDays.slice(0, 2), today], now, 'run-once')).toEqual({
      run: { dueAt: today, late: false, catchingUp: 2 },
      missed: [],
    });
  });
  it('a time just past the on-time margin counts as slept through', () => {
    expect(decideDue([now - ON_TIME_MS - 1], now, 'skip')).toEqual({
      run: null,
      missed: [now - ON_TIME_MS - 1],
    });
  });
  it('nothing due: nothing to do', () => {
    expect(decideDue([], now, 'run-once')).toEqual({ run: null, missed: [] });
  });
});

describe('zoned time', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isKnownTimeZone(PARIS)).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
  it('reads a wall time in a zone with a 30-minute offset', () => {
    expect(iso(instantOf({ year: 2026, month: 1, day: 5 }, 9 * 60, 'Asia/Kolkata'))).toBe(
      '2026-01-05T03:30:00.000Z',
    );
  });
});
