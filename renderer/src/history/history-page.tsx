import HistoryOutlined from '@mui/icons-material/HistoryOutlined';
import RefreshRounded from '@mui/icons-material/RefreshRounded';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useMemo, useRef } from 'react';
import { useApiQuery } from '../api/use-api-query.js';
import { useEventUpdates } from '../api/use-event-updates.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { EmptyState } from '../common/empty-state.js';
import { LoadingState } from '../common/loading-state.js';
import { useFocusWhenLost } from '../common/use-focus-when-lost.js';
import { HistoryTable } from './history-table.js';
import { mergeRuns } from './merge-runs.js';

/** How many runs the History place lists. */
const HISTORY_LIMIT = 200;

/** The History place: recent runs on this computer, kept current by status events. */
export function HistoryPage({ onOpenRun }: { onOpenRun: (runId: string) => void }) {
  const query = useApiQuery('run.list', { limit: HISTORY_LIMIT });
  // Changes since the list was read; when the stream opens, the list is read again.
  const updates = useEventUpdates(
    (event) => (event.name === 'run.status' ? [event.payload.runId, event.payload] : undefined),
    query.reload,
  );

  const listed = query.value?.runs;
  const runs = useMemo(() => (listed ? mergeRuns(listed, updates) : undefined), [listed, updates]);
  const heading = useRef<HTMLHeadingElement>(null);
  // Coming back from a run with its History button, which is gone now.
  useFocusWhenLost(heading, true);

  return (
    <Box sx={{ p: 3, maxWidth: 1200 }}>
      <Stack direction="row" sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1 }} ref={heading} tabIndex={-1}>
          History
        </Typography>
        <Button startIcon={<RefreshRounded />} onClick={query.reload} disabled={query.loading}>
          Refresh
        </Button>
      </Stack>
      {query.error ? (
        <ApiErrorAlert error={query.error} onRetry={query.reload} />
      ) : !runs ? (
        <LoadingState label="Loading runs…" />
      ) : runs.length === 0 ? (
        <EmptyState icon={<HistoryOutlined />} title="No runs yet">
          Runs appear here once you start one: pick a script under Scripts and press Run.
        </EmptyState>
      ) : (
        <HistoryTable runs={runs} onOpenRun={onOpenRun} />
      )}
    </Box>
  );
}
