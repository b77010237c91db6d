import AccountCircleOutlined from '@mui/icons-material/AccountCircleOutlined';
import TerminalOutlined from '@mui/icons-material/TerminalOutlined';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { MethodOutput } from '../../../main/contract/api.js';
import { formatLocalTime } from '../common/format.js';

type AppInfo = MethodOutput<'app.info'>;

function CatalogueBadge({ catalogue }: { catalogue: AppInfo['catalogue'] }) {
  if (!catalogue) {
    return (
      <Chip
        label="No catalogue"
        variant="outlined"
        sx={{ color: 'inherit', borderColor: 'rgba(255,255,255,0.5)' }}
      />
    );
  }
  const expired = Date.parse(catalogue.expires) < Date.now();
  return (
    <Tooltip
      title={`Issued ${formatLocalTime(catalogue.issuedAt)} · ${expired ? 'expired' : 'valid until'} ${formatLocalTime(catalogue.expires)}`}
    >
      <Chip
        data-testid="catalogue-badge"
        label={`${catalogue.name} · version ${catalogue.version}${expired ? ' · expired' : ''}`}
        variant="outlined"
        sx={{
          color: 'inherit',
          borderColor: expired ? '#ffcc80' : 'rgba(255,255,255,0.5)',
          bgcolor: expired ? 'rgba(255,204,128,0.15)' : 'transparent',
        }}
      />
    </Tooltip>
  );
}

/** The bar across the top: app name, which catalogue is in use, and who is signed in. */
export function TopBar({ info }: { info: AppInfo | undefined }) {
  return (
    <AppBar position="static" color="primary">
      <Toolbar variant="dense" sx={{ gap: 2 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <TerminalOutlined aria-hidden />
          <Typography variant="h6" component="div" sx={{ letterSpacing: 0.2 }}>
            ScriptDesk
          </Typography>
        </Box>
        {info ? <CatalogueBadge catalogue={info.catalogue} /> : null}
        <Box sx={{ flexGrow: 1 }} />
        {info ? (
          <Box
            sx={{ display: 'flex', alignItems: 'center', gap: 0.75 }}
            data-testid="signed-in-user"
          >
            <AccountCircleOutlined fontSize="small" aria-hidden />
            <Typography variant="body2">
              <Box component="span" sx={{ opacity: 0.85 }}>
                Signed in as{' '}
              </Box>
              <strong>{info.user}</strong>
              <Box component="span" sx={{ opacity: 0.85 }}>
                {' '}
                on {info.host}
              </Box>
            </Typography>
          </Box>
        ) : null}
      </Toolbar>
    </AppBar>
  );
}
