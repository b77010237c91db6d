import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { RunDetail } from '../../../main/contract/api.js';

/** Progress of an active run: determinate with the script's label when it reports progress, else a moving bar. */
export function RunProgress({ progress }: { progress: RunDetail['progress'] }) {
  if (!progress) {
    return <LinearProgress aria-label="Run in progress" sx={{ borderRadius: 1 }} />;
  }
  const percent = Math.max(0, Math.min(100, progress.percent));
  return (
    <Box>
      <Box sx={{ display: 'flex', justifyContent: 'space-between', mb: 0.5 }}>
        <Typography variant="body2" data-testid="run-progress-label">
          {progress.label || 'Working…'}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          {Math.round(percent)} %
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={progress.label || 'Progress'}
        sx={{ height: 8, borderRadius: 1 }}
      />
    </Box>
  );
}
