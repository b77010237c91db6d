import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEvent, RunDetail } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';
import { isActive } from '../common/run-status.js';

/** How often an active run is re-read in case pushed events were missed (e.g. the stream reconnected). */
const POLL_MS = 5000;

/** A run as the run view shows it, kept current from `run.get` and pushed events. */
export interface RunView {
  detail: RunDetail | undefined;
  error: ApiError | undefined;
  progress: RunDetail['progress'];
  reload: () => void;
}

/**
 * Loads run `runId` and follows it: progress and status changes (the log view follows the log
 * itself, see use-log.ts).
 */
export function useRun(runId: string): RunView {
  const transport = useTransport();
  const [detail, setDetail] = useState<RunDetail | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [progress, setProgress] = useState<RunDetail['progress']>(null);
  const request = useRef(0);
  const waiting = useRef(false);

  const refresh = useCallback(async () => {
    const id = (request.current += 1);
    const result = await transport.call('run.get', { runId });
    if (id !== request.current) return; // a newer answer is on its way
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const value = result.value;
    waiting.current = value.status === 'queued';
    setError(undefined);
    setDetail(value);
    setProgress(value.progress);
  }, [transport, runId]);

  useEffect(() => {
    waiting.current = false;
    setDetail(undefined);
    setError(undefined);
    setProgress(null);
    void refresh();
  }, [refresh]);

  const active = detail ? isActive(detail.status) : false;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, refresh]);

  useApiEvents(
    (event: ApiEvent) => {
      switch (event.name) {
        case 'run.progress':
          if (event.payload.runId === runId)
            setProgress({ percent: event.payload.percent, label: event.payload.label });
          return;
        case 'run.status':
          if (event.payload.runId === runId) {
            // An ended run is shown with its outputs, which only `run.get` has: until it answers,
            // the run stays as it was rather than saying for a moment that it made no files.
            if (isActive(event.payload.status))
              setDetail((current) => (current ? { ...current, ...event.payload } : current));
            void refresh();
          } else if (waiting.current) {
            // Another run starting or ending moves this one up the queue.
            void refresh();
          }
          return;
        default:
          return;
      }
    },
    () => void refresh(),
  ); // the stream (re)opened: catch up on what it may have missed

  return { detail, error, progress, reload: () => void refresh() };
}
