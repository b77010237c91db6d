import Box from '@mui/material/Box';
import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from 'react';
import { monospaceFont } from '../theme.js';
import { displayText } from './log-lines.js';
import type { LogLine } from './log-pages.js';
import type { RunLogView } from './use-log.js';
import { logWindow, ROW_PX, scrollTopFor } from './log-window.js';

/** Distance from the bottom (px) within which the view keeps following new lines. */
const FOLLOW_SLACK = 24;

/** The text of `line` with each occurrence of `query` (any case) marked. */
function Marked({ text, query }: { text: string; query: string }) {
  if (!query) return <>{text}</>;
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  let at = 0;
  for (let found = lower.indexOf(needle); found >= 0; found = lower.indexOf(needle, at)) {
    parts.push(
      text.slice(at, found),
      <mark key={found}>{text.slice(found, found + needle.length)}</mark>,
    );
    at = found + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/** One row: the line's number, then its text; its level and stream decide its colours. */
const LogRow = memo(function LogRow({
  line,
  seq,
  query,
  current,
}: {
  line: LogLine | undefined;
  seq: number | undefined;
  query: string;
  current: boolean;
}) {
  const classes = [
    line?.stream === 'stderr' ? 'stderr' : '',
    line?.level ?? '',
    current ? 'current' : '',
  ].join(' ');
  return (
    <div className={classes} data-seq={line?.seq ?? seq}>
      <span className="number" aria-hidden="true">
        {line?.seq ?? seq ?? ''}
      </span>
      {line ? (
        <Marked text={displayText(line.text) || '\u00a0'} query={query} />
      ) : (
        <span className="loading">…</span>
      )}
    </div>
  );
});

/** Where the view is, for the panel's Copy and the search's jumps. */
export interface LogViewHandle {
  /** Scrolls so that `row` is in the middle of the view. */
  showRow: (row: number) => void;
  /** The scroll position and height of the view now. */
  viewport: () => { top: number; height: number };
}

/**
 * The log's lines in a dark, monospace, scrolling view that draws only the rows on screen (every
 * row the same height), however many lines the log has; rows not read yet are fetched as they
 * come into view. While the user is at the bottom the view follows new lines; scrolling up stops
 * that until they scroll back down.
 */
export function LogView({
  log,
  empty,
  query,
  currentSeq,
  handle,
  mode,
}: {
  log: RunLogView;
  empty: string;
  query: string;
  currentSeq: number | undefined;
  handle: RefObject<LogViewHandle | null>;
  mode: 'all' | 'problems';
}) {
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [view, setView] = useState({ top: 0, height: 400 });
  const { rows } = log;
  const shown = logWindow(view.top, view.height, rows);

  handle.current = {
    showRow(row) {
      const element = box.current;
      if (!element) return;
      element.scrollTop = scrollTopFor(row, element.clientHeight, rows);
      follow.current = false;
    },
    viewport: () => ({ top: box.current?.scrollTop ?? 0, height: box.current?.clientHeight ?? 0 }),
  };

  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    if (follow.current) element.scrollTop = element.scrollHeight;
    setView({ top: element.scrollTop, height: element.clientHeight });
  }, [rows, mode]);

  useEffect(() => {
    log.need(shown.first, shown.last);
  }, [log, shown.first, shown.last, log.version]);

  return (
    <Box
      ref={box}
      role="log"
      aria-labelledby="run-log-title"
      // A busy script would flood screen readers; the log is read on demand instead.
      aria-live="off"
      tabIndex={0}
      data-testid="run-log"
      data-rows={rows}
      onScroll={(event) => {
        const element = event.currentTarget;
        follow.current =
          element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK;
        setView({ top: element.scrollTop, height: element.clientHeight });
      }}
      sx={{
        position: 'relative',
        bgcolor: '#111827',
        color: '#e5e7eb',
        // Drawn in the dark theme too, where the panel would otherwise melt into the page.
        border: 1,
        borderColor: 'divider',
        fontFamily: monospaceFont,
        fontSize: 12.5,
        lineHeight: `${ROW_PX}px`,
        borderRadius: 1,
        py: 1,
        height: Math.max(180, Math.min(rows * ROW_PX + 16, 10_000)),
        maxHeight: '55vh',
        overflow: 'auto',
        '& .rows > div': { height: ROW_PX, whiteSpace: 'pre', pr: 1.5, pl: 0 },
        '& .number': {
          display: 'inline-block',
          minWidth: '8ch',
          pr: 1.5,
          textAlign: 'right',
          color: '#9ca3af',
          userSelect: 'none',
        },
        '& .stderr': { color: '#fca5a5' },
        '& .warning': { color: '#fde68a', bgcolor: '#3b2506', boxShadow: 'inset 3px 0 #fbbf24' },
        '& .error': { color: '#fecaca', bgcolor: '#4c0f0f', boxShadow: 'inset 3px 0 #f87171' },
        '& .current': { bgcolor: '#1e3a8a', outline: '1px solid #93c5fd', outlineOffset: -1 },
        '& mark': { bgcolor: '#fde047', color: '#111827' },
        '& .loading': { color: '#9ca3af' },
      }}
    >
      {rows === 0 ? (
        <Box component="span" sx={{ color: '#9ca3af', px: 1.5 }}>
          {empty}
        </Box>
      ) : (
        <div style={{ height: shown.scrollHeight, position: 'relative' }}>
          <div
            className="rows"
            style={{ position: 'absolute', top: shown.top, left: 0, minWidth: '100%' }}
          >
            {Array.from({ length: Math.max(0, shown.last - shown.first + 1) }, (_, i) => {
              const row = shown.first + i;
              const line = log.lineAt(row);
              return (
                <LogRow
                  key={row}
                  line={line}
                  seq={mode === 'all' ? row + 1 : undefined}
                  query={query}
                  current={line !== undefined && line.seq === currentSeq}
                />
              );
            })}
          </div>
        </div>
      )}
    </Box>
  );
}
