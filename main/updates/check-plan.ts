/** The first retry after a failed check; each further failure doubles it, up to the interval. */
export const FIRST_RETRY_MS = 5 * 60_000;

/** What the updater knows when it decides whether to ask the feed now. */
export interface CheckState {
  /** Milliseconds since the epoch. */
  now: number;
  /** When the last check started (null: none since the app started). */
  lastCheckAt: number | null;
  /** Failed checks since the last one that reached the feed. */
  failures: number;
  /** Whether the computer has a network connection (Electron's `net.isOnline()`). */
  online: boolean;
  /** A check or download is going. */
  busy: boolean;
  /** The policy's check interval. */
  intervalMs: number;
}

/** Check now, wait this long and decide again, or wait for an event (network back, check done). */
export type CheckPlan =
  | { action: 'check' }
  | { action: 'wait'; ms: number }
  | { action: 'wait-for-network' }
  | { action: 'wait-for-check' };

/** How long after the `failures`-th failed check in a row the next one is due. */
export function retryDelay(failures: number, intervalMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs, FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 20));
}

/**
 * When to ask the feed: at start, then every interval; after failures sooner, backing off; never
 * offline (the network coming back is the next moment to decide); never two at once. A clock
 * turned back never postpones a check by more than one delay.
 */
export function checkPlan(state: CheckState): CheckPlan {
  if (state.busy) return { action: 'wait-for-check' };
  if (!state.online) return { action: 'wait-for-network' };
  if (state.lastCheckAt === null) return { action: 'check' };
  const delay = retryDelay(state.failures, state.intervalMs);
  const left = Math.min(state.lastCheckAt + delay - state.now, delay);
  return left <= 0 ? { action: 'check' } : { action: 'wait', ms: left };
}
