import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiEvent } from '../../../main/contract/api.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';
import { LogPages, PAGE_LINES, type LogLine } from './log-pages.js';

/** Which lines the log view lists: all, or only the errors and warnings. */
export type LogMode = 'all' | 'problems';

/** Counts of a run's error and warning lines. */
export interface LevelCounts {
  errors: number;
  warnings: number;
}

/** A run's log as the view reads it: row count, levels, and lines by row from a bounded cache. */
export interface RunLogView {
  /** Rows in the list shown (lines of the log, or its error and warning lines). */
  rows: number;
  levels: LevelCounts;
  /** The line at `row`, or undefined while it is being fetched. */
  lineAt: (row: number) => LogLine | undefined;
  /** Asks main for the rows `first` to `last` that are not here yet. */
  need: (first: number, last: number) => void;
  /** Changes whenever lines arrive: a new render shows them. */
  version: number;
}

/** Lines are put on screen in batches, so a burst of events costs one render, not one each. */
const FLUSH_MS = 100;

/**
 * Follows run `runId`'s log: the line count and level counts from `run.get` (`known`) and from
 * `run.log` events, the lines of pushed events, and pages read from main when the view needs
 * rows it does not have (lines main left out of a batch included).
 */
export function useLog(
  runId: string,
  mode: LogMode,
  known: { lines: number; levels: LevelCounts | null },
): RunLogView {
  const transport = useTransport();
  const pages = useRef(new LogPages());
  const inFlight = useRef(new Set<number>());
  const [lines, setLines] = useState(known.lines);
  const [levels, setLevels] = useState<LevelCounts>(known.levels ?? { errors: 0, warnings: 0 });
  const [version, setVersion] = useState(0);
  const flush = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const generation = useRef(0);

  // Another run or list: start again.
  useEffect(() => {
    generation.current += 1;
    pages.current.clear();
    inFlight.current.clear();
    setVersion((v) => v + 1);
    return () => clearTimeout(flush.current);
  }, [runId, mode]);

  useEffect(() => {
    setLines((current) => Math.max(current, known.lines));
    if (known.levels) setLevels(known.levels);
  }, [known.lines, known.levels]);

  const rows = mode === 'all' ? lines : levels.errors + levels.warnings;

  /** What events said since the last render: applied together, at most every FLUSH_MS. */
  const heard = useRef<{ last: number; levels: LevelCounts | null }>({ last: 0, levels: null });
  const redraw = useCallback(() => {
    flush.current ??= setTimeout(() => {
      flush.current = undefined;
      const { last, levels: counted } = heard.current;
      heard.current = { last: 0, levels: null };
      if (counted) setLevels(counted);
      if (last > 0) setLines((current) => Math.max(current, last));
      setVersion((v) => v + 1);
    }, FLUSH_MS);
  }, []);

  const need = useCallback(
    (first: number, last: number) => {
      if (last < first || rows === 0) return;
      for (const page of pages.current.missing(first, Math.min(last, rows - 1), rows)) {
        if (inFlight.current.has(page)) continue;
        inFlight.current.add(page);
        pages.current.asked(page, rows);
        const started = generation.current;
        void transport
          .call('run.logLines', {
            runId,
            from: page * PAGE_LINES + 1,
            count: PAGE_LINES,
            ...(mode === 'problems' ? { only: 'problems' as const } : {}),
          })
          .then((result) => {
            inFlight.current.delete(page);
            if (started !== generation.current || !result.ok) return;
            const read = result.value.lines.map((line) => ({
              seq: line.seq,
              stream: line.stream,
              text: line.line,
              level: line.level,
            }));
            pages.current.put(page * PAGE_LINES, read, rows);
            if (mode === 'all') setLines((current) => Math.max(current, result.value.total));
            redraw();
          });
      }
    },
    [transport, runId, mode, rows, redraw],
  );

  useApiEvents((event: ApiEvent) => {
    if (event.name !== 'run.log' || event.payload.runId !== runId) return;
    const { lines: sent, levels: counted } = event.payload;
    const last = sent.at(-1)?.seq ?? 0;
    if (mode === 'all' && sent.length > 0) {
      pages.current.put(
        sent[0]!.seq - 1,
        sent.map((line) => ({
          seq: line.seq,
          stream: line.stream,
          text: line.line,
          level: line.level,
        })),
        last,
      );
    }
    heard.current = { last: Math.max(heard.current.last, last), levels: counted };
    redraw();
  });

  const lineAt = useCallback((row: number) => pages.current.get(row), []);
  return { rows, levels, lineAt, need, version };
}
