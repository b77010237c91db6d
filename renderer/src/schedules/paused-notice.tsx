import { useState } from 'react';
import { useApiEvents } from '../api/transport-context.js';
import { lazyDialog } from '../common/lazy-part.js';
import type { PausedSchedule } from './paused-snackbar.js';

// The Snackbar's code is fetched the first time a schedule is paused, not with the first screen.
const PausedSnackbar = lazyDialog(
  'the schedule notice',
  () => import('./paused-snackbar.js').then((module) => module.PausedSnackbar),
  (props) => props.paused !== null,
);

/**
 * Tells the user, wherever they are in the window, that ScriptDesk paused one of their schedules
 * and why (its preset no longer fits a new catalogue version, scheduling was forbidden…), with a
 * way to the Schedules list in Settings. It stays until dismissed.
 */
export function SchedulePausedNotice({ onOpenSettings }: { onOpenSettings: () => void }) {
  const [paused, setPaused] = useState<PausedSchedule | null>(null);
  useApiEvents((event) => {
    if (event.name === 'schedules.changed' && event.payload.paused) setPaused(event.payload.paused);
  });
  return (
    <PausedSnackbar
      paused={paused}
      onDismiss={() => setPaused(null)}
      onOpenSettings={onOpenSettings}
    />
  );
}
