import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import type { EnvironmentState } from '../../../main/contract/api.js';
import { monospaceFont } from '../theme.js';

/**
 * Why a script whose Python environment failed cannot run. pip's reason is written for an
 * administrator, so it is passed on as such rather than shown as the headline.
 */
export function EnvironmentFailedNotice({ environment }: { environment: EnvironmentState }) {
  if (environment.state !== 'failed') return null;
  return (
    <Alert severity="error" data-testid="environment-failed" sx={{ mb: 2.5 }}>
      <AlertTitle>This script can’t run on this computer right now</AlertTitle>
      ScriptDesk could not prepare the Python environment it needs, so Run is turned off.
      <Box
        sx={{
          mt: 1,
          fontSize: 12.5,
          '& code': { fontFamily: monospaceFont, wordBreak: 'break-word' },
        }}
        data-testid="environment-failed-detail"
      >
        Details for your administrator:{' '}
        <code>{environment.message?.trim() || 'no reason was given; see the ScriptDesk log.'}</code>
      </Box>
    </Alert>
  );
}
