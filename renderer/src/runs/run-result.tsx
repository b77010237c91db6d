import Alert, { type AlertColor } from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import type { RunDetail, RunStatus } from '../../../main/contract/api.js';

type FinishedStatus = Exclude<RunStatus, 'queued' | 'running'>;

/** How each way a run can end is told: a severity, a title, and a line of what to do (if any). */
const OUTCOME: Record<FinishedStatus, { severity: AlertColor; title: string; advice?: string }> = {
  succeeded: { severity: 'success', title: 'The run succeeded' },
  expected: {
    severity: 'info',
    title: 'The run ended with an expected outcome',
    advice: 'This is not an error: the script’s authors foresaw this case.',
  },
  retriable: {
    severity: 'warning',
    title: 'A temporary problem stopped the run',
    advice: 'Try again later; if it keeps happening, tell your administrator.',
  },
  failed: { severity: 'error', title: 'The run failed' },
  timeout: { severity: 'warning', title: 'The run took too long and was stopped' },
  cancelled: { severity: 'info', title: 'The run was cancelled' },
  output_limit: {
    severity: 'warning',
    title: 'The script wrote more output than allowed and was stopped',
    advice: 'What it wrote until then is in the run folder. Its results may be incomplete.',
  },
  interrupted: {
    severity: 'warning',
    title: 'The run was interrupted: ScriptDesk stopped while it was running',
    advice: 'Its results may be incomplete. Run the script again if you still need them.',
  },
};

/** The outcome of a finished run: what happened in words, with the script's own message. */
export function RunResult({ run }: { run: RunDetail }) {
  if (run.status === 'queued' || run.status === 'running') return null;
  const outcome = OUTCOME[run.status];
  return (
    <Alert severity={outcome.severity} data-testid="run-result" data-status={run.status}>
      <AlertTitle>
        {outcome.title}
        {run.dryRun ? ' (dry run: nothing was changed)' : ''}
      </AlertTitle>
      {run.message ||
        (run.exitCode === null
          ? 'The script did not report a result.'
          : `The script ended with exit code ${run.exitCode}.`)}
      {outcome.advice ? <Box sx={{ mt: 0.5 }}>{outcome.advice}</Box> : null}
    </Alert>
  );
}
