import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Snackbar from '@mui/material/Snackbar';
import { useState } from 'react';
import { useApiEvents } from '../api/transport-context.js';

/**
 * Tells the user, wherever they are in the window, that ScriptDesk paused one of their schedules
 * and why (its preset no longer fits a new catalogue version, scheduling was forbidden…), with a
 * way to the Schedules list in Settings. It stays until dismissed.
 */
export function SchedulePausedNotice({ onOpenSettings }: { onOpenSettings: () => void }) {
  const [paused, setPaused] = useState<{ title: string; reason: string } | null>(null);
  useApiEvents((event) => {
    if (event.name === 'schedules.changed' && event.payload.paused) setPaused(event.payload.paused);
  });
  return (
    <Snackbar open={paused !== null} anchorOrigin={{ vertical: 'bottom', horizontal: 'right' }}>
      <Alert
        severity="warning"
        variant="filled"
        data-testid="schedule-paused-notice"
        action={
          <>
            <Button color="inherit" size="small" onClick={() => setPaused(null)}>
              Dismiss
            </Button>
            <Button
              color="inherit"
              size="small"
              onClick={() => {
                setPaused(null);
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
