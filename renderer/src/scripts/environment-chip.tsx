import ErrorOutlineRounded from '@mui/icons-material/ErrorOutlineRounded';
import Chip from '@mui/material/Chip';
import CircularProgress from '@mui/material/CircularProgress';
import type { EnvironmentState } from '../../../main/contract/api.js';

/**
 * A script's Python environment in the list: "Preparing…" while it is built, "Unavailable" when
 * it could not be; nothing when it is ready or not built yet (the first run builds it).
 */
export function EnvironmentChip({
  environment,
  testId,
}: {
  environment: EnvironmentState;
  testId?: string;
}) {
  switch (environment.state) {
    case 'building':
      return (
        <Chip
          icon={<CircularProgress size={12} color="inherit" aria-hidden />}
          label="Preparing…"
          color="info"
          variant="outlined"
          data-testid={testId}
          data-state="building"
          sx={{ '& .MuiChip-icon': { ml: '6px' } }}
        />
      );
    case 'failed':
      return (
        <Chip
          icon={<ErrorOutlineRounded />}
          label="Unavailable"
          color="error"
          variant="outlined"
          data-testid={testId}
          data-state="failed"
        />
      );
    case 'pending':
    case 'ready':
      return null;
  }
}
