import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';

/** A schedule ScriptDesk paused, and why. */
export interface PausedSchedule {
  title: string;
  reason: string;
}

/** The notice of a paused schedule (see `SchedulePausedNotice`), with Dismiss and Schedules. */
export function PausedSnackbar({
  paused,
  onDismiss,
  onOpenSettings,
}: {
  paused: PausedSchedule | null;
  onDismiss: () => void;
  onOpenSettings: () => void;
}) {
  return (
    <Snackbar open={paused !== null} anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}>
      <Alert
        severity="warning"
        variant="filled"
        data-testid="schedule-paused-notice"
        action={
          <>
            <Button color="inherit" size="small" onClick={onDismiss}>
              Dismiss
            </Button>
            <Button
              color="inherit"
              size="small"
              onClick={() => {
                onDismiss();
                onOpenSettings();
              }}
            >
              Schedules
            </Button>
          </>
        }
        sx={{ maxWidth: 520 }}
      >
        A schedule of {paused?.title} was paused: {paused?.reason}
      </Alert>
    </Snackbar>
  );
}
