/**
 * Wall-clock time in an IANA time zone, from the runtime's own zone data (Intl): which instant a
 * local date and time is, and which local date and time an instant is. No library: the two
 * questions a schedule asks are answered by `Intl.DateTimeFormat` and a few lines of arithmetic.
 */

/** A calendar date in some time zone (month 1–12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when the runtime knows `timeZone` (an IANA name such as `Europe/Paris`). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local date and minute of the day (0–1439) of `instant` in `timeZone`. */
export function localParts(
  instant: number,
  timeZone: string,
): LocalDate & { minuteOfDay: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    minuteOfDay: parts.hour! * 60 + parts.minute!,
    second: parts.second!,
  };
}

/** How far `timeZone`'s clock is ahead of UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const local = localParts(instant, timeZone);
  const asUtc =
    Date.UTC(local.year, local.month - 1, local.day) +
    local.minuteOfDay * MINUTE +
    local.second * 1000;
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock time of `date` is in `timeZone`. When the clocks go back and the time
 * happens twice, the first (so a schedule runs once, not twice). When the clocks go forward over
 * it and it never happens, the instant as far after the jump as the time was after its start
 * (02:30 in a 02:00→03:00 jump is 03:30): a schedule still runs that day, as soon as it can.
 */
export function instantOf(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  // The offsets a day either side cover every transition near the wall time (none is a day long).
  const before = offsetAt(wall - DAY, timeZone);
  const after = offsetAt(wall + DAY, timeZone);
  const matches = [wall - before, wall - after].filter((instant) => {
    const local = localParts(instant, timeZone);
    return (
      local.year === date.year &&
      local.month === date.month &&
      local.day === date.day &&
      local.minuteOfDay === minuteOfDay
    );
  });
  if (matches.length) return Math.min(...matches);
  // In a gap: read the wall time with the offset in force before the jump.
  return wall - before;
}

/** The date `days` after `date` (negative: before). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY);
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

/** The day of the week of a date, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** `HH:MM` as minutes since midnight. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return hours! * 60 + minutes!;
}
