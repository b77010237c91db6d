import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import RefreshRounded from '@mui/icons-material/RefreshRounded';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TablePagination from '@mui/material/TablePagination';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MethodOutput } from '../../../main/contract/api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { useEventUpdates } from '../api/use-event-updates.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { EmptyState } from '../common/empty-state.js';
import { LoadingState } from '../common/loading-state.js';
import { useFocusWhenLost } from '../common/use-focus-when-lost.js';
import {
  isFiltered,
  listInput,
  NO_FILTER,
  PAGE_SIZES,
  remembered,
  type HistoryFilter,
} from './history-filter.js';
import { HistoryFilters } from './history-filters.js';
import { HistoryTable } from './history-table.js';
import { mergeRuns } from './merge-runs.js';

/**
 * The History place: every run on this computer, a page at a time, searched and filtered by
 * main (so 100,000 runs cost what one page costs), and kept current by status events.
 */
export function HistoryPage({ onOpenRun }: { onOpenRun: (runId: string) => void }) {
  const [filter, setFilterState] = useState<HistoryFilter>(remembered.filter);
  const [page, setPage] = useState(remembered.page);
  const [pageSize, setPageSize] = useState(remembered.pageSize);
  useEffect(() => {
    Object.assign(remembered, { filter, page, pageSize });
  }, [filter, page, pageSize]);
  const setFilter = useCallback((next: HistoryFilter) => {
    setFilterState(next);
    setPage(0);
  }, []);

  const query = useApiQuery('run.list', listInput(filter, page, pageSize));
  // The page on screen stays while the next one loads, so the table does not blink.
  const shown = useRef<MethodOutput<'run.list'> | undefined>(undefined);
  if (query.value) shown.current = query.value;
  const answer = query.value ?? shown.current;

  // Changes since the page was read; when the stream opens, the page is read again.
  const updates = useEventUpdates(
    (event) => (event.name === 'run.status' ? [event.payload.runId, event.payload] : undefined),
    query.reload,
  );
  const listed = answer?.runs;
  const runs = useMemo(() => (listed ? mergeRuns(listed, updates) : undefined), [listed, updates]);
  // A run this page has not seen started: on the first page it belongs at the top (if it
  // matches), so the page is read again; later pages keep still while the user reads them.
  const unseen = useMemo(() => {
    const ids = new Set(listed?.map((run) => run.runId));
    return [...updates.keys()].filter((id) => !ids.has(id)).join(' ');
  }, [listed, updates]);
  const { reload } = query;
  useEffect(() => {
    if (unseen && page === 0) reload();
  }, [unseen, page, reload]);

  const heading = useRef<HTMLHeadingElement>(null);
  // Coming back from a run with its History button, which is gone now.
  useFocusWhenLost(heading, true);
  const filtered = isFiltered(filter);

  return (
    <Box sx={{ p: 3, maxWidth: 1400 }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }} ref={heading} tabIndex={-1}>
          History
        </Typography>
        <Button startIcon={<RefreshRounded />} onClick={query.reload} disabled={query.loading}>
          Refresh
        </Button>
      </Stack>
      <HistoryFilters filter={filter} onChange={setFilter} />
      {query.error ? (
        <ApiErrorAlert error={query.error} onRetry={query.reload} />
      ) : !runs || !answer ? (
        <LoadingState label="Loading runs…" />
      ) : answer.total === 0 && !filtered ? (
        <EmptyState icon={<HistoryOutlined />} title="No runs yet">
          Runs appear here once you start one: pick a script under Scripts and press Run.
        </EmptyState>
      ) : (
        <>
          {/* Space kept for the bar, so the table does not move when a page loads. */}
          <Box sx={{ height: 4 }}>
            {query.loading ? <LinearProgress aria-label="Loading runs" /> : null}
          </Box>
          {runs.length === 0 ? (
            <EmptyState icon={<HistoryOutlined />} title="No runs match">
              No run matches this search and these filters.{' '}
              <Button onClick={() => setFilter(NO_FILTER)}>Clear filters</Button>
            </EmptyState>
          ) : (
            <HistoryTable runs={runs} onOpenRun={onOpenRun} />
          )}
          <TablePagination
            component="div"
            count={answer.total}
            page={Math.min(page, Math.max(0, Math.ceil(answer.total / pageSize) - 1))}
            onPageChange={(_event, next) => setPage(next)}
            rowsPerPage={pageSize}
            rowsPerPageOptions={[...PAGE_SIZES]}
            onRowsPerPageChange={(event) => {
              setPageSize(Number(event.target.value));
              setPage(0);
            }}
            labelRowsPerPage="Runs per page"
            labelDisplayedRows={({ from, to, count }) =>
              `${from.toLocaleString()}–${to.toLocaleString()} of ${count.toLocaleString()} ${filtered ? 'matching runs' : 'runs'}`
            }
            data-testid="history-pages"
          />
        </>
      )}
    </Box>
  );
}
