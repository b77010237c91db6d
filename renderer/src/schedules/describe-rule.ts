import type { ScheduleRule } from '../../../main/contract/schedule-api.js';

/** Day names, 0 = Sunday (as the contract counts them). */
export const DAY_NAMES = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
];

/** Monday first, as most calendars show a week. */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];

/** A rule in words: "Every day at 07:30", "Mon, Wed, Fri at 18:00", "Every 4 hours from 08:00". */
export function describeRule(rule: ScheduleRule): string {
  switch (rule.kind) {
    case 'daily':
      return `Every day at ${rule.time}`;
    case 'weekdays': {
      const days = WEEK_ORDER.filter((day) => rule.days.includes(day));
      const names =
        days.length === 5 && !days.includes(0) && !days.includes(6)
          ? 'Monday to Friday'
          : days.map((day) => DAY_NAMES[day]!.slice(0, 3)).join(', ');
      return `${names} at ${rule.time}`;
    }
    case 'hourly':
      return rule.everyHours === 1
        ? `Every hour from ${rule.from}`
        : `Every ${rule.everyHours} hours from ${rule.from}`;
  }
}

/** The time zone this window's browser is in (the schedule's times are read in it). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
