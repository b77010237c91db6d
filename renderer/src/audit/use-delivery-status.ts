import type { EventPayload } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiEvents } from '../api/transport-context.js';
import { useFollowedStatus } from '../api/use-followed-status.js';

/** Delivery of the local journal to the audit endpoint, as main reports it. */
export type DeliveryStatus = EventPayload<'audit.status'>;

/** The audit delivery state as the window shows it. */
export interface DeliveryStatusView {
  /** Main's last answer; undefined until the first one arrives. */
  status: DeliveryStatus | undefined;
  /** Why the status could not be read (the last good one, if any, stays in `status`). */
  error: ApiError | undefined;
}

/**
 * Loads `audit.status` and keeps it current: from `audit.status` events (one after each delivery
 * attempt), when a run finishes (it journaled new events; main pushes nothing when no endpoint is
 * configured), a slow poll, and when the window regains focus.
 */
export function useDeliveryStatus(): DeliveryStatusView {
  const { status, error, refresh } = useFollowedStatus('audit.status');
  useApiEvents((event) => {
    if (event.name === 'run.status' && event.payload.finishedAt !== null) void refresh();
  });
  return { status, error };
}
