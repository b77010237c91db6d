import ContentCopyOutlined from '@mui/icons-material/ContentCopyOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { Fragment, memo, useLayoutEffect, useRef, useState } from 'react';
import { monospaceFont } from '../theme.js';
import { displayText, hiddenBefore, hiddenMarker, type LogLine } from './log-lines.js';

/** Distance from the bottom (px) within which the panel keeps following new lines. */
const FOLLOW_SLACK = 24;

/** One line; memoised because a busy log re-renders often and its old lines never change. */
const LogRow = memo(function LogRow({ line }: { line: LogLine }) {
  return (
    <div className={line.stream === 'stderr' ? 'stderr' : undefined}>
      {displayText(line.text) || '\u00a0'}
    </div>
  );
});

/** Where lines are missing: how many, and where the whole log is. */
const HiddenMarker = memo(function HiddenMarker({
  count,
  earlier,
}: {
  count: number;
  earlier: boolean;
}) {
  return (
    <div className="hidden-lines" data-testid="log-hidden-lines">
      {hiddenMarker(count, earlier)}
    </div>
  );
});

/** "12 lines", or "last 2,000 of 51,234 lines" when the start of the log is not shown. */
function lineCount(lines: readonly LogLine[]): string {
  const last = lines.at(-1)?.seq ?? 0;
  if (lines.length > 0 && last > lines.length)
    return `last ${lines.length.toLocaleString()} of ${last.toLocaleString()} lines`;
  return `${lines.length} line${lines.length === 1 ? '' : 's'}`;
}

/**
 * The live output of a run: dark, monospace, following new lines while the user is at the
 * bottom (scrolling up to read stops the following until they scroll back down).
 */
export function LogPanel({
  lines,
  active,
  waiting = false,
}: {
  lines: readonly LogLine[];
  active: boolean;
  /** The run waits for a free slot: nothing can have been printed yet. */
  waiting?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [copied, setCopied] = useState(false);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && follow.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  async function copy() {
    try {
      const text = lines.flatMap((line, index) => {
        const hidden = hiddenBefore(lines, index);
        return hidden > 0 ? [hiddenMarker(hidden, index === 0), line.text] : [line.text];
      });
      await navigator.clipboard.writeText(text.join('\n'));
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  }

  return (
    <Box>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1 }} spacing={1}>
        <Typography variant="subtitle1" component="h2" id="run-log-title">
          Output
        </Typography>
        <Typography variant="caption" color="text.secondary">
          {lineCount(lines)}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        <Button
          startIcon={<ContentCopyOutlined />}
          onClick={() => void copy()}
          disabled={lines.length === 0}
        >
          {copied ? 'Copied' : 'Copy output'}
        </Button>
      </Stack>
      <Box
        ref={box}
        role="log"
        aria-labelledby="run-log-title"
        // A busy script would flood screen readers; the log is read on demand instead.
        aria-live="off"
        tabIndex={0}
        data-testid="run-log"
        onScroll={(event) => {
          const element = event.currentTarget;
          follow.current =
            element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK;
        }}
        sx={{
          bgcolor: '#111827',
          color: '#e5e7eb',
          // Drawn in the dark theme too, where the panel would otherwise melt into the page.
          border: 1,
          borderColor: 'divider',
          fontFamily: monospaceFont,
          fontSize: 12.5,
          lineHeight: 1.55,
          borderRadius: 1,
          p: 1.5,
          minHeight: 180,
          maxHeight: '55vh',
          overflow: 'auto',
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
          '& .stderr': { color: '#fca5a5' },
          '& .hidden-lines': { color: '#9ca3af', fontStyle: 'italic' },
        }}
      >
        {lines.length === 0 ? (
          <Box component="span" sx={{ color: '#9ca3af' }}>
            {waiting
              ? 'The output appears here once the run starts.'
              : active
                ? 'Waiting for output…'
                : 'The script printed nothing.'}
          </Box>
        ) : (
          lines.map((line, index) => {
            const hidden = hiddenBefore(lines, index);
            return (
              <Fragment key={line.seq}>
                {hidden > 0 ? <HiddenMarker count={hidden} earlier={index === 0} /> : null}
                <LogRow line={line} />
              </Fragment>
            );
          })
        )}
      </Box>
    </Box>
  );
}
