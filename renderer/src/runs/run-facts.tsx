import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { RunDetail } from '../../../main/contract/api.js';
import { formatLocalTime, runDuration } from '../common/format.js';
import { isActive } from '../common/run-status.js';
import { OutputFolder } from './output-folder.js';
import { RunDeliveryState } from './run-delivery.js';
import { useNow } from './use-now.js';

function Fact({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="dt">
        {label}
      </Typography>
      <Typography variant="body2" component="dd" sx={{ m: 0 }} data-testid={testId}>
        {children}
      </Typography>
    </Box>
  );
}

/** Started (or requested, while queued), duration (ticking while active), exit code and where the files are. */
export function RunFacts({ run }: { run: RunDetail }) {
  const active = isActive(run.status);
  const waiting = run.status === 'queued';
  const now = useNow(active);
  return (
    <Box component="dl" sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1.5, m: 0 }}>
      <Fact label={waiting ? 'Requested' : 'Started'}>{formatLocalTime(run.startedAt)}</Fact>
      <Fact
        label={waiting ? 'Waiting for' : active ? 'Running for' : 'Duration'}
        testId="run-duration"
      >
        {runDuration(run.startedAt, run.finishedAt, now)}
      </Fact>
      {!active ? (
        <Fact label="Exit code" testId="run-exit-code">
          {run.exitCode ?? '—'}
        </Fact>
      ) : null}
      {run.reason ? (
        <Fact label="Reason" testId="run-reason">
          {run.reason}
        </Fact>
      ) : null}
      {run.user ? (
        <Fact label="Run by" testId="run-user">
          {run.user}
        </Fact>
      ) : null}
      <Fact label="Audit record">
        <RunDeliveryState runId={run.runId} initial={run.delivery} />
      </Fact>
      <Fact label="Output folder">
        <OutputFolder runId={run.runId} outputDir={run.outputDir} />
      </Fact>
    </Box>
  );
}
