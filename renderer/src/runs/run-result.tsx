import Alert, { type AlertColor } from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { RunDetail, RunStatus } from '../../../main/contract/api.js';

const OUTCOME: Record<
  Exclude<RunStatus, 'queued' | 'running'>,
  { severity: AlertColor; title: string }
> = {
  succeeded: { severity: 'success', title: 'The run succeeded' },
  failed: { severity: 'error', title: 'The run failed' },
  timeout: { severity: 'warning', title: 'The run took too long and was stopped' },
  cancelled: { severity: 'info', title: 'The run was cancelled' },
  interrupted: {
    severity: 'warning',
    title: 'The run was interrupted (ScriptDesk or the computer stopped)',
  },
};

/** The outcome of a finished run: what happened in words, with the script's own message. */
export function RunResult({ run }: { run: RunDetail }) {
  if (run.status === 'queued' || run.status === 'running') return null;
  const outcome = OUTCOME[run.status];
  return (
    <Alert severity={outcome.severity} data-testid="run-result">
      <AlertTitle>
        {outcome.title}
        {run.dryRun ? ' (dry run: nothing was changed)' : ''}
      </AlertTitle>
      {run.message ||
        (run.exitCode === null
          ? 'The script did not report a result.'
          : `The script ended with exit code ${run.exitCode}.`)}
    </Alert>
  );
}
