import ArrowBackRounded from '@mui/icons-material/ArrowBackRounded';
import StopCircleOutlined from '@mui/icons-material/StopCircleOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useId, useRef, useState } from 'react';
import type { OutputFile } from '../../../main/contract/api.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { LoadingState } from '../common/loading-state.js';
import { requestRunAgain } from '../common/run-again.js';
import { isActive } from '../common/run-status.js';
import { StatusChip } from '../common/status-chip.js';
import { useFocusWhenLost } from '../common/use-focus-when-lost.js';
import { LogPanel } from './log-panel.js';
import { OutputList } from './output-list.js';
import { lazyDialog } from '../common/lazy-part.js';
import { QueueNotice } from './queue-notice.js';
import { CancelRunDialog } from './cancel-run-dialog.js';
import { RunFacts } from './run-facts.js';
import { RunInputs } from './run-inputs.js';
import { RunProgress } from './run-progress.js';
import { RunResult } from './run-result.js';
import { useCancelRun } from './use-cancel-run.js';
import { useRun } from './use-run.js';

/** The preview of an output file, fetched the first time one is opened. */
const OutputPreviewDialog = lazyDialog(
  'the file preview',
  () => import('./output-preview-dialog.js').then((module) => module.OutputPreviewDialog),
  (props) => props.file !== undefined,
);

/** One run: status, progress, live output, and when it is over, the result and the files. */
export function RunPage({
  runId,
  onBack,
  onOpenScript,
}: {
  runId: string;
  onBack: () => void;
  onOpenScript: (scriptId: string) => void;
}) {
  const run = useRun(runId);
  const cancel = useCancelRun(runId, run.detail?.status);
  const [previewed, setPreviewed] = useState<OutputFile | undefined>();
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const detail = run.detail;
  const heading = useRef<HTMLHeadingElement>(null);
  const statusId = useId();
  // Run (or the History link) that led here is gone: the focus goes to the run's name, which is
  // read with its status; later status changes are read out by the status region.
  useFocusWhenLost(heading, Boolean(detail));

  if (!detail) {
    return run.error ? (
      <Box sx={{ p: 3 }}>
        <ApiErrorAlert error={run.error} onRetry={run.reload} />
      </Box>
    ) : (
      <LoadingState label="Loading the run…" />
    );
  }

  const active = isActive(detail.status);
  /** Opens the script's form filled in with this run's recorded inputs and reason. */
  const runAgain = (dryRun: boolean) => {
    if (!detail.inputs) return;
    requestRunAgain(detail.scriptId, {
      inputs: detail.inputs,
      reason: detail.reason,
      dryRun,
      fromDryRun: detail.dryRun,
      startedAt: detail.startedAt,
    });
    onOpenScript(detail.scriptId);
  };
  return (
    <Box sx={{ p: 3, maxWidth: 1100 }}>
      <Button startIcon={<ArrowBackRounded />} onClick={onBack} sx={{ mb: 1.5, ml: -1 }}>
        History
      </Button>
      <Stack
        direction="row"
        spacing={1.5}
        sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 2 }}
        useFlexGap
      >
        <Typography
          variant="h5"
          component="h1"
          ref={heading}
          tabIndex={-1}
          aria-describedby={statusId}
          data-testid="run-title"
        >
          {detail.title}
        </Typography>
        <Chip label={`Version ${detail.scriptVersion}`} variant="outlined" />
        {detail.dryRun ? <Chip label="Dry run" color="info" variant="outlined" /> : null}
        {/* Read out when the status changes (e.g. from Waiting to Running to Succeeded). */}
        <Box id={statusId} role="status" aria-live="polite" aria-atomic="true">
          <StatusChip status={detail.status} testId="run-status" />
        </Box>
        <Box sx={{ flexGrow: 1 }} />
        {active ? (
          <Button
            variant="outlined"
            color="error"
            startIcon={<StopCircleOutlined />}
            disabled={cancel.requested}
            onClick={() => setConfirmingCancel(true)}
            data-testid="cancel-run"
          >
            {cancel.requested ? 'Cancelling…' : 'Cancel run'}
          </Button>
        ) : (
          <>
            {detail.inputs && detail.dryRun && detail.status === 'succeeded' ? (
              <Button
                variant="contained"
                color="warning"
                onClick={() => runAgain(false)}
                data-testid="run-for-real"
              >
                Run for real…
              </Button>
            ) : null}
            {detail.inputs ? (
              <Button
                variant="outlined"
                onClick={() => runAgain(detail.dryRun)}
                data-testid="run-again"
              >
                Run again with these inputs
              </Button>
            ) : null}
            <Button variant="outlined" onClick={() => onOpenScript(detail.scriptId)}>
              Open script again
            </Button>
          </>
        )}
      </Stack>

      <Stack spacing={2.5}>
        {run.error ? <ApiErrorAlert error={run.error} onRetry={run.reload} /> : null}
        {cancel.error ? <ApiErrorAlert error={cancel.error} /> : null}
        <Paper variant="outlined" sx={{ p: 2 }}>
          <Stack spacing={2}>
            <RunFacts run={detail} />
            {detail.inputs ? <RunInputs inputs={detail.inputs} /> : null}
            {detail.status === 'queued' ? (
              <QueueNotice queuePosition={detail.queuePosition} />
            ) : active ? (
              <RunProgress progress={run.progress} />
            ) : null}
          </Stack>
        </Paper>
        <RunResult run={detail} />
        {!active ? (
          <Box>
            <Typography variant="subtitle1" component="h2" sx={{ mb: 1 }}>
              Files
            </Typography>
            <OutputList outputs={detail.outputs} onOpen={setPreviewed} />
          </Box>
        ) : null}
        <LogPanel
          runId={runId}
          lines={detail.logSeq}
          levels={detail.logLevels}
          active={active}
          waiting={detail.status === 'queued'}
        />
      </Stack>
      <CancelRunDialog
        title={detail.title}
        waiting={detail.status === 'queued'}
        open={confirmingCancel && active}
        onClose={() => setConfirmingCancel(false)}
        onConfirm={() => {
          setConfirmingCancel(false);
          void cancel.cancel();
        }}
      />
      <OutputPreviewDialog
        runId={runId}
        file={previewed}
        outputDir={detail.outputDir}
        onClose={() => setPreviewed(undefined)}
      />
    </Box>
  );
}
