import Alert from '@mui/material/Alert';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormHelperText from '@mui/material/FormHelperText';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import type { ScriptSummary } from '../../../main/contract/api.js';

/** The dry-run switch and the reason field, shown between the script's fields and the Run button. */
export function RunOptions({
  script,
  dryRun,
  onDryRunChange,
  reason,
  onReasonChange,
  reasonError,
  form,
}: {
  script: ScriptSummary;
  dryRun: boolean;
  onDryRunChange: (dryRun: boolean) => void;
  reason: string;
  onReasonChange: (reason: string) => void;
  reasonError: string | undefined;
  /** The id of the form Enter in the reason field submits (the options sit outside it). */
  form?: string;
}) {
  const changesFiles = script.destructive && !(script.supportsDryRun && dryRun);
  if (!script.supportsDryRun && !script.requireReason && !changesFiles) return null;
  return (
    <Stack spacing={1.5}>
      {script.supportsDryRun ? (
        <div>
          <FormControlLabel
            control={
              <Switch
                checked={dryRun}
                onChange={(event) => onDryRunChange(event.target.checked)}
                data-testid="dry-run-switch"
              />
            }
            label="Dry run (change nothing)"
            aria-describedby="dry-run-help"
          />
          <FormHelperText id="dry-run-help" sx={{ mt: 0, ml: 0 }}>
            {dryRun
              ? 'The script reports what it would do, without changing anything.'
              : 'The script makes its changes for real.'}
          </FormHelperText>
        </div>
      ) : null}
      {changesFiles ? (
        <Alert severity="warning" variant="outlined">
          This script changes files. You will be asked to confirm before it runs.
        </Alert>
      ) : null}
      {script.requireReason ? (
        <TextField
          id="run-reason"
          label="Reason or ticket"
          required
          fullWidth
          value={reason}
          onChange={(event) => onReasonChange(event.target.value)}
          error={Boolean(reasonError)}
          helperText={
            reasonError ??
            'Why you run this script, or the ticket it belongs to. Recorded in the audit log.'
          }
          slotProps={{ htmlInput: { maxLength: 2000, 'data-testid': 'run-reason', form } }}
        />
      ) : null}
    </Stack>
  );
}
