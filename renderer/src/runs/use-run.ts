import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEvent, RunDetail } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';
import { isActive } from '../common/run-status.js';
import { appendCapped, overlapLength, type LogLine } from './log-lines.js';

/** How often an active run is re-read in case pushed events were missed (e.g. the stream reconnected). */
const POLL_MS = 5000;
/** Log lines are put on screen in batches, so a chatty script does not re-render per line. */
const FLUSH_MS = 60;

/** A run as the run view shows it, kept current from `run.get` and pushed events. */
export interface RunView {
  detail: RunDetail | undefined;
  error: ApiError | undefined;
  log: LogLine[];
  progress: RunDetail['progress'];
  reload: () => void;
}

/** Loads run `runId` and follows it: log lines, progress and status changes. */
export function useRun(runId: string): RunView {
  const transport = useTransport();
  const [detail, setDetail] = useState<RunDetail | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [log, setLog] = useState<LogLine[]>([]);
  const [progress, setProgress] = useState<RunDetail['progress']>(null);
  const nextKey = useRef(0);
  const loaded = useRef(false);
  const early = useRef<LogLine[]>([]);
  const queued = useRef<LogLine[]>([]);
  const flushTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const request = useRef(0);

  const toLine = useCallback((text: string, stream: LogLine['stream'] = 'stdout'): LogLine => {
    nextKey.current += 1;
    return { key: nextKey.current, stream, text };
  }, []);

  const refresh = useCallback(async () => {
    const id = (request.current += 1);
    const result = await transport.call('run.get', { runId });
    if (id !== request.current) return; // a newer answer is on its way
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const value = result.value;
    setError(undefined);
    setDetail(value);
    setProgress(value.progress);
    if (!loaded.current) {
      loaded.current = true;
      const live = early.current;
      early.current = [];
      const overlap = overlapLength(
        value.logTail,
        live.map((line) => line.text),
      );
      setLog(
        appendCapped(
          value.logTail.map((text) => toLine(text)),
          live.slice(overlap),
        ),
      );
    }
  }, [transport, runId, toLine]);

  useEffect(() => {
    loaded.current = false;
    early.current = [];
    queued.current = [];
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

  useApiEvents((event: ApiEvent) => {
    if (event.name === 'catalogue.status' || event.payload.runId !== runId) return;
    switch (event.name) {
      case 'run.log': {
        const line = toLine(event.payload.line, event.payload.stream);
        if (!loaded.current) {
          early.current.push(line);
          return;
        }
        queued.current.push(line);
        flushTimer.current ??= setTimeout(() => {
          flushTimer.current = undefined;
          const batch = queued.current;
          queued.current = [];
          setLog((current) => appendCapped(current, batch));
        }, FLUSH_MS);
        return;
      }
      case 'run.progress':
        setProgress({ percent: event.payload.percent, label: event.payload.label });
        return;
      case 'run.status':
        setDetail((current) => (current ? { ...current, ...event.payload } : current));
        void refresh();
        return;
    }
  });

  return { detail, error, log, progress, reload: () => void refresh() };
}
