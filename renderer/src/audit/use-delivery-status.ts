import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';

/** Delivery of the local journal to the audit endpoint, as main reports it. */
export type DeliveryStatus = EventPayload<'audit.status'>;

/**
 * How often the status is re-read although no event came: events can be missed while the event
 * stream reconnects, and main pushes none when no endpoint is configured.
 */
const POLL_MS = 60_000;

/** The audit delivery state as the window shows it. */
export interface DeliveryStatusView {
  /** Main's last answer; undefined until the first one arrives. */
  status: DeliveryStatus | undefined;
  /** Why the status could not be read (the last good one, if any, stays in `status`). */
  error: ApiError | undefined;
}

/**
 * Loads `audit.status` and keeps it current: from `audit.status` events (one after each delivery
 * attempt), when a run finishes (it journaled new events), a slow poll, and when the window
 * regains focus.
 */
export function useDeliveryStatus(): DeliveryStatusView {
  const transport = useTransport();
  const [status, setStatus] = useState<DeliveryStatus | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  // Counts statuses taken in, so an answer to a read sent before a newer event is not applied.
  const received = useRef(0);

  const accept = useCallback((next: DeliveryStatus) => {
    received.current += 1;
    setStatus(next);
    setError(undefined);
  }, []);

  const refresh = useCallback(async () => {
    const before = received.current;
    const result = await transport.call('audit.status', {});
    if (received.current !== before) return; // something newer arrived meanwhile
    if (result.ok) accept(result.value);
    else setError(result.error);
  }, [transport, accept]);

  useApiEvents((event) => {
    if (event.name === 'audit.status') accept(event.payload);
    else if (event.name === 'run.status' && event.payload.finishedAt !== null) void refresh();
  });

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    window.addEventListener('focus', onVisible);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      window.removeEventListener('focus', onVisible);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [refresh]);

  return { status, error };
}
