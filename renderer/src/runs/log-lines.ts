/** One line of a run's output as the log panel shows it. */
export interface LogLine {
  /** Position in this view, for stable React keys. */
  key: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** How many lines the log panel keeps; older ones are dropped. */
export const MAX_LOG_LINES = 2000;

/** `lines` followed by `more`, keeping only the last `max`. */
export function appendCapped<T>(
  lines: readonly T[],
  more: readonly T[],
  max: number = MAX_LOG_LINES,
): T[] {
  const all = lines.concat(more);
  return all.length > max ? all.slice(all.length - max) : all;
}

/**
 * How many of the lines that arrived as events while `run.get` was in flight its tail already holds.
 * Events carry no sequence number, so the overlap is found by content: the longest start of
 * `live` that equals the end of `tail` is already in the tail.
 */
export function overlapLength(tail: readonly string[], live: readonly string[]): number {
  for (let overlap = Math.min(tail.length, live.length); overlap > 0; overlap -= 1) {
    let same = true;
    for (let i = 0; i < overlap && same; i += 1) same = tail[tail.length - overlap + i] === live[i];
    if (same) return overlap;
  }
  return 0;
}
