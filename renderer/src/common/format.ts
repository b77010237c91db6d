import { formatByteSize } from '../../../forms/theme/byte-size.js';

export { formatByteSize };

/**
 * Text a user typed, as it can be read back: itself, or in quotes when it is empty or starts or
 * ends with spaces (which would not show otherwise).
 */
export function formatTypedText(text: string): string {
  return text !== '' && text.trim() === text ? text : JSON.stringify(text);
}

/** A timestamp in the user's local time, e.g. "12 Mar 2025, 14:03:11". */
export function formatLocalTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A duration for people: "850 ms", "42 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '—';
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** How long a run took, or has been taking when it is still going (`now` in ms since the epoch). */
export function runDuration(
  startedAt: string,
  finishedAt: string | null,
  now: number = Date.now(),
): string {
  const start = Date.parse(startedAt);
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return Number.isNaN(start) || Number.isNaN(end) ? '—' : formatDuration(end - start);
}

/** The first characters of a SHA-256, enough to compare two files by eye. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** A date with the time of day to the minute, e.g. "12 Mar 2025, 14:03" (for expiry dates). */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/**
 * How long ago `iso` was, in plain words: "just now", "5 min ago", "3 hours ago", "yesterday",
 * "4 days ago"; older than a month, "on 12 Mar 2025". A time slightly in the future (another
 * computer's clock) counts as "just now".
 */
export function formatTimeAgo(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const elapsed = now - then;
  if (elapsed < 45_000) return 'just now';
  const minutes = Math.max(1, Math.round(elapsed / MINUTE_MS));
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(elapsed / HOUR_MS);
  if (hours < 24) return `${plural(hours, 'hour', 'hours')} ago`;
  const days = Math.floor(elapsed / DAY_MS);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return `on ${new Date(then).toLocaleDateString(undefined, { dateStyle: 'medium' })}`;
}

/**
 * How long until `iso`, in plain words: "in less than a minute", "in 12 min", "in 5 hours",
 * "in 2 days" (rounded to the nearest, as people say it); "already" when it has passed.
 */
export function formatTimeUntil(iso: string, now: number = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return `on ${iso}`;
  const left = then - now;
  if (left <= 0) return 'already';
  if (left < MINUTE_MS) return 'in less than a minute';
  if (left < HOUR_MS) return `in ${Math.ceil(left / MINUTE_MS)} min`;
  const hours = Math.round(left / HOUR_MS);
  if (hours < 24) return `in ${plural(hours, 'hour', 'hours')}`;
  return `in ${plural(Math.round(left / DAY_MS), 'day', 'days')}`;
}
