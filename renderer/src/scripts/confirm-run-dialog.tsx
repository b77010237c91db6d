import WarningAmberOutlined from '@mui/icons-material/WarningAmberOutlined';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import type { ScriptSummary } from '../../../main/contract/api.js';

/** Asks before a destructive script runs for real: names the script and says that it changes files. */
export function ConfirmRunDialog({
  script,
  open,
  onConfirm,
  onCancel,
}: {
  script: ScriptSummary;
  open: boolean;
  onConfirm: () => void;
  onCancel: () => void;
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
              ? ' Dry run is off, so this run makes real changes.'
              : ' It has no dry run, so this run makes real changes.'}
          </Box>
          <Box component="p" sx={{ mb: 0 }}>
            ScriptDesk cannot undo them. The run is recorded in the audit log under your name.
          </Box>
        </DialogContentText>
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
