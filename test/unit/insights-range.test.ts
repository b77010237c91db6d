import { describe, expect, it } from 'vitest';
import { splitInsightsRange } from '../../main/server/console/insights-range.js';

describe('splitInsightsRange', () => {
  it.each([
    {
      case: 'midnight to midnight: every day whole, nothing partial',
      since: '2026-03-01T00:00:00.000Z',
      until: '2026-03-04T00:00:00.000Z',
      days: ['2026-03-01', '2026-03-03'],
      partial: [
        ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
        ['2026-03-04T00:00:00.000Z', '2026-03-04T00:00:00.000Z'],
      ],
    },
    {
      case: 'mid-day ends: the days between whole, the ends read from the runs',
      since: '2026-11-01T20:15:00.000Z',
      until: '2026-12-01T20:15:01.000Z',
      days: ['2026-11-02', '2026-11-30'],
      partial: [
        ['2026-11-01T20:15:00.000Z', '2026-11-02T00:00:00.000Z'],
        ['2026-12-01T00:00:00.000Z', '2026-12-01T20:15:01.000Z'],
      ],
    },
    {
      case: 'a midnight written without milliseconds sorts after the stored one: that day is partial',
      since: '2026-03-01T00:00:00Z',
      until: '2026-03-03T00:00:00Z',
      days: ['2026-03-02', '2026-03-02'],
      partial: [
        ['2026-03-01T00:00:00Z', '2026-03-02T00:00:00.000Z'],
        ['2026-03-03T00:00:00.000Z', '2026-03-03T00:00:00Z'],
      ],
    },
  ])('$case', ({ since, until, days, partial }) => {
    const split = splitInsightsRange(since, until);
    expect([split.firstDay, split.lastDay]).toEqual(days);
    expect(split.partial).toEqual(partial);
  });

  it.each([
    ['within one day', '2026-03-02T08:00:00.000Z', '2026-03-02T12:00:00.000Z'],
    ['backwards', '2026-03-03T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['not a date', 'yesterday', '2026-03-01T00:00:00.000Z'],
    ['beyond the year 9999', '+010000-01-01T00:00:00.000Z', '+010000-02-01T00:00:00.000Z'],
  ])('reads the whole range from the runs when no day is whole: %s', (_, since, until) => {
    const split = splitInsightsRange(since, until);
    expect(split.firstDay > split.lastDay).toBe(true);
    expect(split.partial).toEqual([
      [since, until],
      ['', ''],
    ]);
  });
});
