import ContentCopyOutlined from '@mui/icons-material/ContentCopyOutlined';
import DownloadOutlined from '@mui/icons-material/DownloadOutlined';
import KeyboardArrowDown from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowUp from '@mui/icons-material/KeyboardArrowUp';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import FormControlLabel from '@mui/material/FormControlLabel';
import IconButton from '@mui/material/IconButton';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { downloadLog } from './log-download.js';
import { displayText } from './log-lines.js';
import { LogView, type LogViewHandle } from './log-view.js';
import { visibleRows } from './log-window.js';
import { useLog, type LevelCounts, type LogMode } from './use-log.js';
import { MAX_MATCHES, useLogSearch } from './use-log-search.js';

function plural(count: number, noun: string): string {
  return `${count.toLocaleString()} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The output of a run: its lines in a view that draws only what is on screen (so a log of a
 * million lines stays quick), its error and warning counts, a search, a filter to its errors and
 * warnings, Copy and Download.
 */
export function LogPanel({
  runId,
  lines,
  levels,
  active,
  waiting = false,
}: {
  runId: string;
  /** Lines written so far, as `run.get` last said. */
  lines: number;
  levels: LevelCounts | null;
  active: boolean;
  /** The run waits for a free slot: nothing can have been printed yet. */
  waiting?: boolean;
}) {
  const transport = useTransport();
  const [mode, setMode] = useState<LogMode>('all');
  const log = useLog(runId, mode, { lines, levels });
  const view = useRef<LogViewHandle | null>(null);
  const [query, setQuery] = useState('');
  const [copied, setCopied] = useState<string | null>(null);
  const [download, setDownload] = useState<{ share: number } | null>(null);
  const [error, setError] = useState<ApiError | undefined>();

  const showSeq = useCallback((seq: number) => {
    setMode('all');
    // The view may be switching lists: show the line once it has drawn the whole log.
    requestAnimationFrame(() => view.current?.showRow(seq - 1));
  }, []);
  const { search, find, clear } = useLogSearch(runId, showSeq);
  const currentSeq = search.current >= 0 ? search.matches[search.current] : undefined;

  async function copy() {
    const selection = document.getSelection();
    const selected =
      selection && !selection.isCollapsed && view.current ? selection.toString() : '';
    let text = selected;
    if (!text) {
      const { top, height } = view.current?.viewport() ?? { top: 0, height: 0 };
      const [from, to] = visibleRows(top, height, log.rows);
      const shown: string[] = [];
      for (let row = from; row <= to; row++) shown.push(displayText(log.lineAt(row)?.text ?? ''));
      text = shown.join('\n');
    }
    try {
      await navigator.clipboard.writeText(text);
      setCopied(selected ? 'Copied the selection' : 'Copied the lines on screen');
      setTimeout(() => setCopied(null), 1500);
    } catch {
      setCopied(null);
    }
  }

  async function save() {
    setError(undefined);
    setDownload({ share: 0 });
    const failed = await downloadLog(transport, runId, (share) => setDownload({ share }));
    setDownload(null);
    setError(failed);
  }

  const problems = log.levels.errors + log.levels.warnings;
  const count =
    search.matches.length === 0
      ? 'No matches'
      : `${(search.current + 1).toLocaleString()} of ${search.matches.length.toLocaleString()}${search.more ? '+' : ''}`;

  return (
    <Box>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1, flexWrap: 'wrap', gap: 1 }}>
        <Typography variant="subtitle1" component="h2" id="run-log-title">
          Output
        </Typography>
        <Typography variant="caption" color="text.secondary" data-testid="log-line-count">
          {plural(log.rows && mode === 'all' ? log.rows : lines, 'line')}
        </Typography>
        <Chip
          size="small"
          data-testid="log-error-count"
          color={log.levels.errors > 0 ? 'error' : 'default'}
          variant={log.levels.errors > 0 ? 'filled' : 'outlined'}
          label={plural(log.levels.errors, 'error')}
        />
        <Chip
          size="small"
          data-testid="log-warning-count"
          color={log.levels.warnings > 0 ? 'warning' : 'default'}
          variant={log.levels.warnings > 0 ? 'filled' : 'outlined'}
          label={plural(log.levels.warnings, 'warning')}
        />
        <FormControlLabel
          control={
            <Switch
              size="small"
              checked={mode === 'problems'}
              onChange={(event) => setMode(event.target.checked ? 'problems' : 'all')}
              disabled={problems === 0 && mode === 'all'}
              slotProps={{ input: { 'data-testid': 'log-problems-only' } as object }}
            />
          }
          label="Only errors and warnings"
        />
        <Box sx={{ flexGrow: 1 }} />
        <Button
          startIcon={<ContentCopyOutlined />}
          onClick={() => void copy()}
          disabled={log.rows === 0}
        >
          {copied ?? 'Copy lines on screen'}
        </Button>
        <Button
          startIcon={<DownloadOutlined />}
          onClick={() => void save()}
          disabled={lines === 0 || download !== null}
          data-testid="log-download"
        >
          {download ? `Downloading… ${Math.round(download.share * 100)}%` : 'Download log'}
        </Button>
      </Stack>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 1, gap: 1 }}>
        <TextField
          size="small"
          label="Search the output"
          value={query}
          onChange={(event) => setQuery(event.target.value.replace(/[\r\n]/g, '').slice(0, 200))}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              find(query, event.shiftKey);
            } else if (event.key === 'Escape' && query !== '') {
              event.preventDefault();
              setQuery('');
              clear();
            }
          }}
          slotProps={{ htmlInput: { 'data-testid': 'log-search' } }}
          sx={{ minWidth: 280 }}
        />
        <IconButton
          aria-label="Previous match"
          onClick={() => find(query, true)}
          disabled={query === ''}
        >
          <KeyboardArrowUp />
        </IconButton>
        <IconButton aria-label="Next match" onClick={() => find(query)} disabled={query === ''}>
          <KeyboardArrowDown />
        </IconButton>
        <Typography
          variant="body2"
          color="text.secondary"
          role="status"
          data-testid="log-search-count"
        >
          {search.searching
            ? 'Searching…'
            : search.query
              ? `${count}${search.more ? ` (the first ${MAX_MATCHES.toLocaleString()} are listed)` : ''}`
              : 'Enter finds the next line, Shift+Enter the previous'}
        </Typography>
      </Stack>
      {search.error ? <ApiErrorAlert error={search.error} /> : null}
      {error ? <ApiErrorAlert error={error} /> : null}
      <LogView
        log={log}
        mode={mode}
        handle={view}
        query={search.query}
        currentSeq={currentSeq}
        empty={
          mode === 'problems'
            ? 'No errors or warnings.'
            : waiting
              ? 'The output appears here once the run starts.'
              : active
                ? 'Waiting for output…'
                : 'The script printed nothing.'
        }
      />
    </Box>
  );
}
