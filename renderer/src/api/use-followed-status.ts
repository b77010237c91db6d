import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  EventName,
  EventPayload,
  MethodName,
  MethodOutput,
} from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { takeArrivedAnswer } from '../transport/first-answers.js';
import { useApiEvents, useTransport } from './transport-context.js';

/**
 * How often a status is re-read although no event came: pushed events can be missed while the
 * event stream reconnects, and some changes (an expiry, a state with no endpoint) push none.
 */
const POLL_MS = 60_000;

/** A status main reports by a method and pushes by an event of the same shape. */
type StatusName = MethodName & EventName;

export interface FollowedStatus<N extends StatusName> {
  /** Main's last answer; undefined until the first one arrives. */
  status: MethodOutput<N> | undefined;
  /** Why the status could not be read (the last good one, if any, stays in `status`). */
  error: ApiError | undefined;
  /** Takes in a status from elsewhere (an action's answer). */
  accept: (next: MethodOutput<N>) => void;
  /** Reads it again now. */
  refresh: () => Promise<void>;
}

/**
 * Loads the status `name` (a method taking `{}`) and keeps it current: from the event of the same
 * name, a slow poll, and when the window regains focus. An answer to a read sent before a newer
 * status arrived is dropped.
 */
export function useFollowedStatus<N extends StatusName>(name: N): FollowedStatus<N> {
  const transport = useTransport();
  // An answer sent for before the window loaded, already here: start with it.
  const [arrived] = useState(() => takeArrivedAnswer(transport, name, {} as never));
  const [status, setStatus] = useState<MethodOutput<N> | undefined>(() =>
    arrived?.ok ? (arrived.value as MethodOutput<N>) : undefined,
  );
  const [error, setError] = useState<ApiError | undefined>(() =>
    arrived && !arrived.ok ? arrived.error : undefined,
  );
  const received = useRef(0);

  const accept = useCallback((next: MethodOutput<N>) => {
    received.current += 1;
    setStatus(next);
    setError(undefined);
  }, []);

  const refresh = useCallback(async () => {
    const before = received.current;
    const result = await transport.call(name, {} as never);
    if (received.current !== before) return; // something newer arrived meanwhile
    if (result.ok) accept(result.value as MethodOutput<N>);
    else setError(result.error);
  }, [transport, name, accept]);

  useApiEvents(
    (event) => {
      if (event.name === name) accept(event.payload as EventPayload<N> as MethodOutput<N>);
    },
    () => void refresh(), // the stream (re)opened: it may have missed a change
  );

  const answeredAtMount = useRef(arrived !== undefined);
  useEffect(() => {
    if (answeredAtMount.current) answeredAtMount.current = false;
    else void refresh();
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

  return { status, error, accept, refresh };
}
