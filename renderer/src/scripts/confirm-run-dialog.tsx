import WarningAmberOutlined from '@mui/icons-material/WarningAmberOutlined';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Link from '@mui/material/Link';
import Typography from '@mui/material/Typography';
import { Fragment } from 'react';
import { REDACTED, redactSensitive } from '../../../forms/redaction.js';
import type { ScriptSummary } from '../../../main/contract/api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { formatLocalTime, formatTypedText } from '../common/format.js';
import { STATUS_LOOK } from '../common/status-chip.js';
import { formatRoute } from '../routing/route.js';
import { monospaceFont } from '../theme.js';

/** Most inputs the dialog restates; a longer form says how many more. */
const SHOWN_INPUTS = 8;

/** A value as the user typed it, in one line; a sensitive one as what it is. */
function shown(value: unknown): string {
  if (value === REDACTED) return 'hidden (sensitive)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string') return formatTypedText(value);
  return JSON.stringify(value);
}

/** The inputs a real run will use, by their labels, so the user checks what is about to change. */
function InputsRestated({
  schema,
  inputs,
}: {
  schema: Record<string, unknown>;
  inputs: Record<string, unknown>;
}) {
  const properties = (schema.properties ?? {}) as Record<string, { title?: unknown }>;
  const visible = redactSensitive(schema, inputs) as Record<string, unknown>;
  const entries = Object.entries(visible).filter(
    ([, value]) => value !== undefined && value !== '',
  );
  return (
    <Box
      component="dl"
      data-testid="confirm-run-inputs"
      sx={{
        display: 'grid',
        gridTemplateColumns: 'max-content 1fr',
        columnGap: 2,
        rowGap: 0.5,
        my: 1.5,
      }}
    >
      {entries.slice(0, SHOWN_INPUTS).map(([key, value]) => (
        <Fragment key={key}>
          <Typography component="dt" variant="body2" color="text.secondary">
            {typeof properties[key]?.title === 'string' ? properties[key].title : key}
          </Typography>
          <Typography
            component="dd"
            variant="body2"
            sx={{ m: 0, fontFamily: monospaceFont, fontSize: 12.5, wordBreak: 'break-all' }}
          >
            {shown(value)}
          </Typography>
        </Fragment>
      ))}
      {entries.length > SHOWN_INPUTS ? (
        <Typography variant="caption" color="text.secondary" sx={{ gridColumn: '1 / -1' }}>
          and {entries.length - SHOWN_INPUTS} more
        </Typography>
      ) : null}
    </Box>
  );
}

/** Whether a dry run with exactly these inputs was made, and how it went. */
function DryRunEvidence({
  scriptId,
  inputs,
  onDryRunInstead,
}: {
  scriptId: string;
  inputs: Record<string, unknown>;
  onDryRunInstead: () => void;
}) {
  const query = useApiQuery('run.matchingDryRun', { scriptId, inputs });
  if (query.loading || query.error) return null;
  const run = query.value?.run;
  if (!run)
    return (
      <Alert
        severity="info"
        data-testid="confirm-dry-run"
        action={<Button onClick={onDryRunInstead}>Dry run instead</Button>}
      >
        No dry run with these exact inputs yet: a dry run shows what would change, without changing
        it.
      </Alert>
    );
  const good = run.status === 'succeeded' || run.status === 'expected';
  return (
    <Alert severity={good ? 'success' : 'warning'} data-testid="confirm-dry-run">
      {good
        ? `A dry run with these inputs succeeded on ${formatLocalTime(run.startedAt)}`
        : `The last dry run with these inputs ended “${STATUS_LOOK[run.status].label}” on ${formatLocalTime(run.startedAt)}`}{' '}
      (version {run.scriptVersion}).{' '}
      <Link href={formatRoute({ page: 'run', runId: run.runId })}>See the dry run</Link>
    </Alert>
  );
}

/**
 * Asks before a destructive script runs for real: names the script, restates the inputs it will
 * act on, and says whether a dry run with the same inputs succeeded (offering one when none did).
 */
export function ConfirmRunDialog({
  script,
  schema,
  inputs,
  open,
  onConfirm,
  onCancel,
  onDryRunInstead,
}: {
  script: ScriptSummary;
  schema: Record<string, unknown>;
  /** The inputs of the run waiting for the answer. */
  inputs: Record<string, unknown> | undefined;
  open: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Closes the dialog with the form switched to a dry run. */
  onDryRunInstead: () => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onCancel}
      aria-labelledby="confirm-run-title"
      aria-describedby="confirm-run-text"
    >
      <DialogTitle id="confirm-run-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <WarningAmberOutlined color="warning" aria-hidden />
        Run “{script.title}” for real?
      </DialogTitle>
      <DialogContent>
        <DialogContentText id="confirm-run-text" component="div">
          <Box component="p" sx={{ mt: 0 }}>
            <strong>{script.title}</strong> (version {script.version}) changes files.
            {script.supportsDryRun
              ? ' Dry run is off, so this run makes real changes with:'
              : ' It has no dry run, so this run makes real changes with:'}
          </Box>
        </DialogContentText>
        {inputs ? <InputsRestated schema={schema} inputs={inputs} /> : null}
        {inputs && script.supportsDryRun && open ? (
          <DryRunEvidence scriptId={script.id} inputs={inputs} onDryRunInstead={onDryRunInstead} />
        ) : null}
        <Typography variant="body2" color="text.secondary" sx={{ mt: 1.5 }}>
          ScriptDesk cannot undo the changes. The run is recorded in the audit log under your name.
        </Typography>
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        <Button onClick={onCancel} autoFocus>
          Cancel
        </Button>
        <Button onClick={onConfirm} variant="contained" color="warning" data-testid="confirm-run">
          Run and change files
        </Button>
      </DialogActions>
    </Dialog>
  );
}
