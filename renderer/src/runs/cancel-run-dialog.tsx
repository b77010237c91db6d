import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';

/**
 * Asks before a run is stopped: a running script is stopped at once and what it has already
 * done stays done; a waiting run is only taken out of the queue. Keeping it is the default.
 */
export function CancelRunDialog({
  title,
  waiting,
  open,
  onConfirm,
  onClose,
}: {
  title: string;
  /** Whether the run is still waiting for a free slot (nothing has started). */
  waiting: boolean;
  open: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      aria-labelledby="cancel-run-title"
      aria-describedby="cancel-run-text"
    >
      <DialogTitle id="cancel-run-title">
        {waiting ? `Take “${title}” out of the queue?` : `Stop “${title}” now?`}
      </DialogTitle>
      <DialogContent>
        <DialogContentText id="cancel-run-text">
          {waiting
            ? 'It has not started, so nothing has been changed. The run is recorded as cancelled.'
            : 'The script is stopped at once, whatever it is doing. Files it has already written or changed stay as they are; the run is recorded as cancelled.'}
        </DialogContentText>
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        <Button onClick={onClose} autoFocus>
          {waiting ? 'Keep waiting' : 'Keep running'}
        </Button>
        <Button
          onClick={onConfirm}
          variant="contained"
          color="error"
          data-testid="confirm-cancel-run"
        >
          {waiting ? 'Cancel the run' : 'Stop the run'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
