import Chip, { type ChipProps } from '@mui/material/Chip';
import type { RunStatus } from '../../../main/contract/api.js';

const LOOK: Record<
  RunStatus,
  { label: string; color: ChipProps['color']; variant: ChipProps['variant'] }
> = {
  queued: { label: 'Queued', color: 'default', variant: 'outlined' },
  running: { label: 'Running', color: 'info', variant: 'filled' },
  succeeded: { label: 'Succeeded', color: 'success', variant: 'filled' },
  failed: { label: 'Failed', color: 'error', variant: 'filled' },
  timeout: { label: 'Timed out', color: 'warning', variant: 'filled' },
  cancelled: { label: 'Cancelled', color: 'default', variant: 'filled' },
  interrupted: { label: 'Interrupted', color: 'warning', variant: 'outlined' },
};

/** A run's status as a coloured chip with a word (colour is never the only signal). */
export function StatusChip({ status, testId }: { status: RunStatus; testId?: string }) {
  const look = LOOK[status];
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
