/**
 * How the Insights page splits a range [since, until) of run times: the whole UTC days inside it,
 * read from the per-day rollups, and the one or two partial stretches at its ends, read from
 * `audit_runs` itself. Run times are stored as `toISOString()` text (the ingest normalises them),
 * so a day D's runs are exactly the times in [D + "T00:00:00.000Z", next day + "T00:00:00.000Z");
 * times outside the years 0000–9999 start with "+" or "-", fall in no whole day and so are read
 * from the partial stretches. The three parts cover [since, until) exactly, as text ranges.
 */

export interface InsightsSplit {
  /** The whole days, as `YYYY-MM-DD`; firstDay > lastDay when there are none. */
  firstDay: string;
  lastDay: string;
  /** The rest of the range: two half-open text ranges of run times (either may be empty). */
  partial: readonly [readonly [string, string], readonly [string, string]];
}

const DAY_MS = 86_400_000;
const NONE = { firstDay: '1', lastDay: '0' };

const FIRST = Date.parse('0000-01-01T00:00:00.000Z');
const AFTER_LAST = Date.parse('9999-12-31T00:00:00.000Z') + DAY_MS;

/** A midnight as stored text, or undefined outside the years 0000–9999. */
function midnight(ms: number): string | undefined {
  return ms >= FIRST && ms < AFTER_LAST ? new Date(ms).toISOString() : undefined;
}

export function splitInsightsRange(since: string, until: string): InsightsSplit {
  const whole: InsightsSplit = {
    ...NONE,
    partial: [
      [since, until],
      ['', ''],
    ],
  };
  const start = Date.parse(since);
  const end = Date.parse(until);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return whole;
  // The first midnight at or after `since` and the last at or before `until`, as text: text
  // order decides what a range holds, so each is checked as text too.
  let lo = midnight(Math.floor(start / DAY_MS) * DAY_MS);
  if (lo !== undefined && lo < since) lo = midnight(Math.floor(start / DAY_MS) * DAY_MS + DAY_MS);
  let hi = midnight(Math.floor(end / DAY_MS) * DAY_MS);
  if (hi !== undefined && hi > until) hi = midnight(Math.floor(end / DAY_MS) * DAY_MS - DAY_MS);
  if (lo === undefined || hi === undefined || lo < since || hi > until || lo >= hi) return whole;
  return {
    firstDay: lo.slice(0, 10),
    lastDay: new Date(Date.parse(hi) - DAY_MS).toISOString().slice(0, 10),
    partial: [
      [since, lo],
      [hi, until],
    ],
  };
}
