import AccountCircleOutlined from '@mui/icons-material/AccountCircleOutlined';
import TerminalOutlined from '@mui/icons-material/TerminalOutlined';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import type { MethodOutput } from '../../../main/contract/api.js';
import { CatalogueBadge } from '../catalogue/catalogue-badge.js';
import type { CatalogueStatusView } from '../catalogue/use-catalogue-status.js';

type AppInfo = MethodOutput<'app.info'>;

/** The bar across the top: app name, the catalogue in use and how fresh it is, who is signed in. */
export function TopBar({
  info,
  catalogue,
}: {
  info: AppInfo | undefined;
  catalogue: CatalogueStatusView;
}) {
  return (
    <AppBar position="static" color="primary">
      <Toolbar variant="dense" sx={{ gap: 2 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexShrink: 0 }}>
          <TerminalOutlined aria-hidden />
          <Typography variant="h6" component="div" sx={{ letterSpacing: 0.2 }}>
            ScriptDesk
          </Typography>
        </Box>
        {info ? <CatalogueBadge fallback={info.catalogue} view={catalogue} /> : null}
        <Box sx={{ flexGrow: 1 }} />
        {info ? (
          <Box
            sx={{ display: 'flex', alignItems: 'center', gap: 0.75, flexShrink: 0 }}
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
