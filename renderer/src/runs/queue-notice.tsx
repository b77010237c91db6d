import HourglassEmptyRounded from '@mui/icons-material/HourglassEmptyRounded';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { queuePlace } from '../common/run-status.js';

/** What a queued run is waiting for and how many runs go first (read out when it changes). */
export function QueueNotice({ queuePosition }: { queuePosition: number | null }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 1.25 }}>
      <HourglassEmptyRounded color="action" sx={{ mt: '1px' }} aria-hidden />
      <Box role="status" aria-live="polite" aria-atomic="true">
        <Typography variant="body2" sx={{ fontWeight: 600 }} data-testid="run-queue-position">
          Waiting for a free slot — {queuePlace(queuePosition)}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          Other runs are using every slot. This one starts by itself; you can cancel it while it
          waits.
        </Typography>
      </Box>
    </Box>
  );
}
