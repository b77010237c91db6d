import ContentCopyOutlined from '@mui/icons-material/ContentCopyOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useLayoutEffect, useRef, useState } from 'react';
import { monospaceFont } from '../theme.js';
import { MAX_LOG_LINES, type LogLine } from './log-lines.js';

/** Distance from the bottom (px) within which the panel keeps following new lines. */
const FOLLOW_SLACK = 24;

/**
 * The live output of a run: dark, monospace, following new lines while the user is at the
 * bottom (scrolling up to read stops the following until they scroll back down).
 */
export function LogPanel({ lines, active }: { lines: readonly LogLine[]; active: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const follow = useRef(true);
  const [copied, setCopied] = useState(false);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && follow.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(lines.map((line) => line.text).join('\n'));
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
          {lines.length >= MAX_LOG_LINES
            ? `last ${MAX_LOG_LINES} lines`
            : `${lines.length} line${lines.length === 1 ? '' : 's'}`}
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
          '&:focus-visible': {
            outline: '2px solid',
            outlineColor: 'primary.light',
            outlineOffset: 2,
          },
        }}
      >
        {lines.length === 0 ? (
          <Box component="span" sx={{ color: '#9ca3af' }}>
            {active ? 'Waiting for output…' : 'The script printed nothing.'}
          </Box>
        ) : (
          lines.map((line) => (
            <div key={line.key} className={line.stream === 'stderr' ? 'stderr' : undefined}>
              {line.text || '\u00a0'}
            </div>
          ))
        )}
      </Box>
    </Box>
  );
}
