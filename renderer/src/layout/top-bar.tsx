import AccountCircleOutlined from '@mui/icons-material/AccountCircleOutlined';
import TerminalOutlined from '@mui/icons-material/TerminalOutlined';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Toolbar from '@mui/material/Toolbar';
import Typography from '@mui/material/Typography';
import type { MethodOutput } from '../../../main/contract/api.js';
import { DeliveryBadge } from '../audit/delivery-badge.js';
import type { DeliveryStatusView } from '../audit/use-delivery-status.js';
import { CatalogueBadge } from '../catalogue/catalogue-badge.js';
import type { CatalogueStatusView } from '../catalogue/use-catalogue-status.js';

type AppInfo = MethodOutput<'app.info'>;

/**
 * The bar across the top: app name, the catalogue in use and how fresh it is, whether audit
 * records reach the audit endpoint, who is signed in.
 */
export function TopBar({
  info,
  catalogue,
  delivery,
}: {
  info: AppInfo | undefined;
  catalogue: CatalogueStatusView;
  delivery: DeliveryStatusView;
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
        <DeliveryBadge view={delivery} />
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
