import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useNow } from '../runs/use-now.js';
import { catalogueNotice } from './catalogue-notice.js';
import type { CatalogueStatusView } from './use-catalogue-status.js';

/** How often relative times in the banner ("last tried 5 min ago") are re-worded. */
const TICK_MS = 30_000;

const edgeToEdge = { borderRadius: 0, borderBottom: 1, borderColor: 'divider', py: 0.5 } as const;

/**
 * The strip under the top bar that speaks up only when the catalogue needs attention: expired,
 * refused, offline, unusable or about to expire. It says what happened, what still works and
 * what to do, with main's exact words underneath for whoever is asked for help.
 */
export function CatalogueBanner({ catalogue }: { catalogue: CatalogueStatusView }) {
  const now = useNow(true, TICK_MS);
  const { status, syncing, syncError, sync, dismissSyncError } = catalogue;
  const notice = status ? catalogueNotice(status, now) : null;

  return (
    <>
      {notice ? (
        <Alert
          severity={notice.severity}
          role={notice.severity === 'info' ? 'status' : 'alert'}
          data-testid="catalogue-banner"
          data-severity={notice.severity}
          data-kind={notice.kind}
          sx={edgeToEdge}
          action={
            notice.offerSync ? (
              <Button
                color="inherit"
                variant="outlined"
                onClick={sync}
                disabled={syncing}
                // The same width for both labels, so the banner does not shift while syncing.
                sx={{ whiteSpace: 'nowrap', alignSelf: 'center', minWidth: 96 }}
                data-testid="catalogue-banner-sync"
              >
                {syncing ? 'Syncing…' : 'Sync now'}
              </Button>
            ) : undefined
          }
        >
          <Box sx={{ maxWidth: 1000 }}>
            <Typography variant="body2" component="p" data-testid="catalogue-banner-message">
              {notice.message}
            </Typography>
            {notice.detail ? (
              <Typography
                variant="caption"
                component="p"
                sx={{ mt: 0.25, overflowWrap: 'anywhere' }}
                data-testid="catalogue-banner-detail"
              >
                {notice.detail}
              </Typography>
            ) : null}
          </Box>
        </Alert>
      ) : null}
      {syncError ? (
        <Alert
          severity="warning"
          role="alert"
          onClose={dismissSyncError}
          data-testid="catalogue-sync-error"
          sx={edgeToEdge}
        >
          <Typography variant="body2" component="p">
            ScriptDesk could not check for a newer catalogue: {syncError.message}
          </Typography>
        </Alert>
      ) : null}
    </>
  );
}
