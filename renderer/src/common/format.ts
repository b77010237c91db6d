import { formatByteSize } from '../../../forms/theme/byte-size.js';

export { formatByteSize };

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
