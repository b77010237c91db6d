import { formatTimeAgo } from '../common/format.js';
import type { DeliveryStatus } from './use-delivery-status.js';

/** Records waiting longer than this turn the badge to the warning colour. */
const WAITING_TOO_LONG_MS = 60 * 60_000;

/** What the audit badge says, decided from main's delivery status. */
export interface DeliverySummary {
  /** `local`: no endpoint configured; `delivered`: nothing waiting; `waiting`: records not sent yet. */
  state: 'local' | 'delivered' | 'waiting';
  /** Records have waited over an hour, or the last attempt failed: shown in the warning colour. */
  attention: boolean;
  /** The chip's text, e.g. "Audit: 12 waiting". */
  label: string;
  /** The chip's state in words for screen readers (it starts with `label`). */
  ariaLabel: string;
  /** The first sentence of the details: what this means for the person reading it. */
  headline: string;
}

function records(count: number): string {
  return `${count} ${count === 1 ? 'record' : 'records'}`;
}

/**
 * Puts the delivery status in words. Records waiting are normal (they are sent within moments)
 * and never lost (the local journal keeps them), so only a failed attempt or an old backlog asks
 * for attention; a computer with no endpoint keeps everything locally by design and never does.
 */
export function summariseDelivery(status: DeliveryStatus, now: number): DeliverySummary {
  if (status.endpoint === null) {
    return {
      state: 'local',
      attention: false,
      label: 'Audit: local only',
      ariaLabel:
        'Audit: local only. Records of runs stay in the journal on this computer; no audit endpoint is set up.',
      headline:
        'Records of your runs are kept in the audit journal on this computer. No audit endpoint is set up here, so they are not sent anywhere.',
    };
  }
  if (status.pending === 0) {
    return {
      state: 'delivered',
      attention: false,
      label: 'Audit: delivered',
      ariaLabel: 'Audit: delivered. Every record of runs has reached the audit endpoint.',
      headline: 'Every record of your runs has reached the audit endpoint.',
    };
  }
  const oldest = status.oldestPending ? Date.parse(status.oldestPending) : Number.NaN;
  const waitedTooLong = now - oldest > WAITING_TOO_LONG_MS;
  const attention = status.lastError !== null || waitedTooLong;
  const waiting = records(status.pending);
  const them = status.pending === 1 ? 'it' : 'them';
  // "written yesterday", "written on 12 Mar 2025": the wording formatTimeAgo's forms all fit.
  const since = status.oldestPending
    ? `, ${status.pending === 1 ? '' : 'the oldest '}written ${formatTimeAgo(status.oldestPending, now)}`
    : '';
  return {
    state: 'waiting',
    attention,
    label: `Audit: ${status.pending} waiting`,
    ariaLabel: `Audit: ${status.pending} waiting. ${waiting} not yet delivered to the audit endpoint${since}${
      attention ? '; delivery is not getting through' : ''
    }.`,
    headline: attention
      ? `${waiting} could not be sent to the audit endpoint yet${since}. Nothing is lost: the journal on this computer keeps ${them}, and ScriptDesk keeps trying. If this lasts, tell your administrator.`
      : `${waiting} waiting to be sent to the audit endpoint; this happens automatically, and the journal on this computer keeps ${them} meanwhile.`,
  };
}
