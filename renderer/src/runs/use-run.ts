import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEvent, RunDetail } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';
import { isActive } from '../common/run-status.js';
import { eventLines, MAX_LOG_LINES, mergeLines, tailLines, type LogLine } from './log-lines.js';

/** How often an active run is re-read in case pushed events were missed (e.g. the stream reconnected). */
const POLL_MS = 5000;
/** Log lines are put on screen in batches, so a burst of events costs one render, not one each. */
const FLUSH_MS = 100;

/** A run as the run view shows it, kept current from `run.get` and pushed events. */
export interface RunView {
  detail: RunDetail | undefined;
  error: ApiError | undefined;
  /** The newest lines of the log in `seq` order, at most {@link MAX_LOG_LINES}. */
  log: LogLine[];
  progress: RunDetail['progress'];
  reload: () => void;
}

/**
 * Loads run `runId` and follows it: log lines, progress and status changes. Log lines are placed
 * by their `seq`, so lines that arrive as events before `run.get` answers, or again in its tail,
 * are shown once and in order.
 */
export function useRun(runId: string): RunView {
  const transport = useTransport();
  const [detail, setDetail] = useState<RunDetail | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [log, setLog] = useState<LogLine[]>([]);
  const [progress, setProgress] = useState<RunDetail['progress']>(null);
  const loaded = useRef(false);
  const pending = useRef<LogLine[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
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
    const first = !loaded.current;
    loaded.current = true;
    waiting.current = value.status === 'queued';
    setError(undefined);
    setDetail(value);
    setProgress(value.progress);
    const tail = tailLines(value.logTail, value.logSeq);
    setLog((current) => {
      // The first answer fills in what came before the events; later ones only catch up on
      // lines missed while the event stream was away, so nothing moves under the reader's eyes.
      if (first) return mergeLines(current, tail);
      const last = current.at(-1)?.seq ?? 0;
      return mergeLines(
        current,
        tail.filter((line) => line.seq > last),
      );
    });
  }, [transport, runId]);

  useEffect(() => {
    loaded.current = false;
    waiting.current = false;
    pending.current = [];
    setDetail(undefined);
    setError(undefined);
    setLog([]);
    setProgress(null);
    void refresh();
    return () => {
      clearTimeout(flushTimer.current);
      flushTimer.current = undefined;
    };
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
        case 'run.log': {
          if (event.payload.runId !== runId) return;
          const lines = pending.current.concat(eventLines(event.payload.lines));
          // Only the newest lines can be shown anyway; what is dropped shows as a gap in `seq`.
          pending.current = lines.length > MAX_LOG_LINES ? lines.slice(-MAX_LOG_LINES) : lines;
          flushTimer.current ??= setTimeout(() => {
            flushTimer.current = undefined;
            const batch = pending.current.sort((a, b) => a.seq - b.seq);
            pending.current = [];
            setLog((current) => mergeLines(current, batch));
          }, FLUSH_MS);
          return;
        }
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

  return { detail, error, log, progress, reload: () => void refresh() };
}
