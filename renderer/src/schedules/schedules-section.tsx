import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import type { Schedule } from '../../../main/contract/schedule-api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { formatLocalTime } from '../common/format.js';
import { LoadingState } from '../common/loading-state.js';
import { StatusChip } from '../common/status-chip.js';
import { visuallyHidden } from '../common/visually-hidden.js';
import { Section } from '../settings/section.js';
import { describeRule } from './describe-rule.js';

/**
 * The Settings section listing the user's schedules: when each runs next, how its last run
 * ended, why it is paused (by the user, or by ScriptDesk when its inputs no longer fit the
 * script), and Pause/Resume and Delete. It follows `schedules.changed` and run statuses live.
 */
export function SchedulesSection({ onOpenRun }: { onOpenRun: (runId: string) => void }) {
  const transport = useTransport();
  const query = useApiQuery('schedules.list', {});
  const [problem, setProblem] = useState<ApiError | null>(null);
  useApiEvents(
    (event) => {
      if (event.name === 'schedules.changed' || event.name === 'run.status') query.reload();
    },
    () => query.reload(),
  );

  const act = async (call: () => ReturnType<typeof transport.call>) => {
    const result = await call();
    setProblem(result.ok ? null : result.error);
    query.reload();
  };
  const schedules = query.value?.schedules;
  return (
    <Section title="Schedules">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
        Scripts run with a saved preset at set times while ScriptDesk is open. To add one, open a
        script and choose Presets, then Schedule a preset.
      </Typography>
      {problem ? <ApiErrorAlert error={problem} title="The schedule was not changed" /> : null}
      {query.error && !schedules ? (
        <ApiErrorAlert error={query.error} onRetry={query.reload} />
      ) : !schedules ? (
        <LoadingState label="Loading schedules…" />
      ) : schedules.length === 0 ? (
        <Typography data-testid="no-schedules">You have no schedules.</Typography>
      ) : (
        <List disablePadding aria-label="Your schedules" data-testid="schedule-list">
          {schedules.map((schedule) => (
            <ScheduleRow
              key={schedule.id}
              schedule={schedule}
              onOpenRun={onOpenRun}
              onPause={(paused) =>
                void act(() => transport.call('schedules.setPaused', { id: schedule.id, paused }))
              }
              onDelete={() =>
                void act(() => transport.call('schedules.delete', { id: schedule.id }))
              }
            />
          ))}
        </List>
      )}
    </Section>
  );
}

function ScheduleRow({
  schedule,
  onOpenRun,
  onPause,
  onDelete,
}: {
  schedule: Schedule;
  onOpenRun: (runId: string) => void;
  onPause: (paused: boolean) => void;
  onDelete: () => void;
}) {
  const { paused, lastRun } = schedule;
  return (
    <ListItem divider disableGutters sx={{ display: 'block', py: 1.5 }} data-testid="schedule-row">
      <Stack direction="row" spacing={1} sx={{ alignItems: 'baseline', flexWrap: 'wrap' }}>
        <Typography component="h3" variant="subtitle1" sx={{ fontWeight: 600 }}>
          {schedule.title}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          preset “{schedule.preset.name}”
        </Typography>
      </Stack>
      <Typography variant="body2">
        {describeRule(schedule.rule)} ({schedule.timeZone}) ·{' '}
        {schedule.missedPolicy === 'skip'
          ? 'times missed while off are skipped'
          : 'runs once after times missed while off'}
      </Typography>
      <Typography variant="body2" data-testid="schedule-next">
        Next run: {schedule.nextRunAt ? formatLocalTime(schedule.nextRunAt) : 'none while paused'}
      </Typography>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mt: 0.5, flexWrap: 'wrap' }}>
        <Typography variant="body2" component="span">
          Last run:
        </Typography>
        {lastRun ? (
          <>
            <StatusChip status={lastRun.status} testId="schedule-last-status" />
            <Link
              component="button"
              type="button"
              variant="body2"
              onClick={() => onOpenRun(lastRun.runId)}
            >
              {formatLocalTime(lastRun.startedAt)}
            </Link>
          </>
        ) : (
          <Typography variant="body2" component="span" color="text.secondary">
            not yet
          </Typography>
        )}
      </Box>
      {schedule.lastProblem ? (
        <Alert severity="warning" sx={{ mt: 1 }}>
          The last time, no run started: {schedule.lastProblem}
        </Alert>
      ) : null}
      {paused ? (
        <Alert
          severity={paused.by === 'scriptdesk' ? 'warning' : 'info'}
          sx={{ mt: 1 }}
          data-testid="schedule-paused"
        >
          {paused.by === 'scriptdesk' ? `Paused by ScriptDesk: ${paused.reason}` : 'Paused by you.'}
        </Alert>
      ) : null}
      <Stack direction="row" spacing={1} sx={{ mt: 1 }}>
        <Button size="small" variant="outlined" onClick={() => onPause(paused === null)}>
          {paused ? 'Resume' : 'Pause'}
          <Box component="span" sx={visuallyHidden}>
            {` ${schedule.title}`}
          </Box>
        </Button>
        <Button size="small" color="error" onClick={onDelete}>
          Delete
          <Box component="span" sx={visuallyHidden}>
            {` schedule of ${schedule.title}`}
          </Box>
        </Button>
      </Stack>
    </ListItem>
  );
}
