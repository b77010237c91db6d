import Chip, { type ChipProps } from '@mui/material/Chip';
import type { RunStatus } from '../../../main/contract/api.js';

/** The word and colour of every run status (the word alone must say it: colour is a second signal). */
export const STATUS_LOOK: Record<
  RunStatus,
  { label: string; color: ChipProps['color']; variant: ChipProps['variant'] }
> = {
  queued: { label: 'Waiting', color: 'default', variant: 'outlined' },
  running: { label: 'Running', color: 'info', variant: 'filled' },
  succeeded: { label: 'Succeeded', color: 'success', variant: 'filled' },
  // A foreseen outcome ("no data for that month"): calm, not an error.
  expected: { label: 'Expected outcome', color: 'info', variant: 'outlined' },
  retriable: { label: 'Try again later', color: 'warning', variant: 'outlined' },
  failed: { label: 'Failed', color: 'error', variant: 'filled' },
  timeout: { label: 'Timed out', color: 'warning', variant: 'filled' },
  cancelled: { label: 'Cancelled', color: 'default', variant: 'filled' },
  output_limit: { label: 'Too much output', color: 'warning', variant: 'filled' },
  interrupted: { label: 'Interrupted', color: 'warning', variant: 'outlined' },
};

/** A run's status as a coloured chip with a word (colour is never the only signal). */
export function StatusChip({ status, testId }: { status: RunStatus; testId?: string }) {
  const look = STATUS_LOOK[status];
  return (
    <Chip
      label={look.label}
      color={look.color}
      variant={look.variant}
      data-testid={testId}
      data-status={status}
    />
  );
}
