import SyncRounded from '@mui/icons-material/SyncRounded';
import Box from '@mui/material/Box';
import CircularProgress from '@mui/material/CircularProgress';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import type { CatalogueSyncStatus, MethodOutput } from '../../../main/contract/api.js';
import { FactList } from '../common/fact-list.js';
import { formatDateTime, formatTimeAgo } from '../common/format.js';
import { useNow } from '../runs/use-now.js';
import { describeSource } from './catalogue-notice.js';
import type { CatalogueStatusView } from './use-catalogue-status.js';

/** What `app.info` knows about the installed catalogue (used until the sync status has loaded). */
type InstalledCatalogue = MethodOutput<'app.info'>['catalogue'];

/** How often "Synced 5 min ago" is re-worded. */
const TICK_MS = 30_000;

/** The second line of the badge: how the catalogue is kept up to date. */
function syncLine(status: CatalogueSyncStatus | undefined, syncing: boolean, now: number): string {
  if (syncing) return 'Syncing…';
  if (!status) return '';
  if (status.lastSuccessAt) return `Synced ${formatTimeAgo(status.lastSuccessAt, now)}`;
  return 'Never synced';
}

function lastChecked(status: CatalogueSyncStatus, now: number): string {
  if (!status.lastAttemptAt) return 'never';
  const when = `${formatTimeAgo(status.lastAttemptAt, now)} (${formatDateTime(status.lastAttemptAt)})`;
  const error = status.lastError;
  if (!error || error.at !== status.lastAttemptAt) return `${when}, up to date`;
  return error.reason === 'unreachable'
    ? `${when}, the server could not be reached`
    : `${when}, the catalogue offered was refused`;
}

/** The facts behind the badge, one per line. */
function Details({
  installed,
  status,
  now,
}: {
  installed: InstalledCatalogue;
  status: CatalogueSyncStatus | undefined;
  now: number;
}) {
  const rows: [string, string][] = [];
  if (installed) {
    rows.push(['Catalogue', `${installed.name}, version ${installed.version}`]);
    rows.push(['Issued', formatDateTime(installed.issuedAt)]);
    rows.push([status?.expired ? 'Expired' : 'Expires', formatDateTime(installed.expires)]);
  } else {
    rows.push(['Catalogue', 'none installed yet']);
  }
  if (status) {
    rows.push([
      'Source',
      status.source ? describeSource(status.source) : 'not set up on this computer',
    ]);
    rows.push(['Last checked', lastChecked(status, now)]);
  }
  return <FactList rows={rows} labelSx={{ pr: 1 }} sx={{ gap: 0.25 }} />;
}

/**
 * The catalogue in use, in the top bar: its name and version, how recently it was synced (with
 * the details in a tooltip), and a button to check for a newer one now.
 */
export function CatalogueBadge({
  fallback,
  view,
}: {
  /** From `app.info`: shown until the sync status has arrived (or if it cannot be read). */
  fallback: InstalledCatalogue;
  view: CatalogueStatusView;
}) {
  const now = useNow(true, TICK_MS);
  const { status, syncing, sync } = view;
  const installed = status ? status.installed : fallback;
  const attention = status ? status.expired || status.unusable !== null : false;
  // Only the name gives way in a narrow window; the version and "expired" always stay readable.
  const name = installed
    ? installed.name
    : status?.unusable
      ? 'Catalogue cannot be used'
      : 'No catalogue';
  const suffix = installed
    ? ` · version ${installed.version}${status?.expired ? ' · expired' : ''}`
    : '';
  const second = syncLine(status, syncing, now);

  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0 }}>
      <Tooltip
        title={<Details installed={installed} status={status} now={now} />}
        slotProps={{
          tooltip: { sx: { maxWidth: 420, fontSize: 12.5, p: 1.25 } },
          // Kept inside the top bar's landmark, where a screen-reader user finds it.
          popper: { disablePortal: true },
        }}
      >
        <Box
          tabIndex={0}
          data-testid="catalogue-badge"
          sx={{
            minWidth: 0,
            px: 1.25,
            py: 0.25,
            borderRadius: 1,
            border: 1,
            borderColor: attention ? '#ffcc80' : 'rgba(255,255,255,0.5)',
            bgcolor: attention ? 'rgba(255,204,128,0.15)' : 'transparent',
            lineHeight: 1.25,
            cursor: 'default',
          }}
        >
          <Typography
            variant="body2"
            component="div"
            sx={{ fontWeight: 600, display: 'flex', whiteSpace: 'nowrap', maxWidth: 480 }}
          >
            <Box
              component="span"
              sx={{ overflow: 'hidden', textOverflow: 'ellipsis', minWidth: 0 }}
            >
              {name}
            </Box>
            {suffix ? (
              // `pre` keeps the leading space, which a flex item would otherwise drop.
              <Box component="span" sx={{ whiteSpace: 'pre', flexShrink: 0 }}>
                {suffix}
              </Box>
            ) : null}
          </Typography>
          {/* Always present (blank until the status arrives), so the bar does not shift. */}
          <Typography
            variant="caption"
            component="div"
            noWrap
            sx={{ opacity: 0.9, lineHeight: 1.3 }}
            data-testid="catalogue-sync-state"
          >
            {second || '\u00a0'}
          </Typography>
        </Box>
      </Tooltip>
      {status?.source ? (
        <Tooltip
          title="Check for a newer catalogue"
          slotProps={{ popper: { disablePortal: true } }}
        >
          {/* A span, so the tooltip still works while the button is disabled. */}
          <span>
            <IconButton
              color="inherit"
              aria-label="Sync now"
              onClick={sync}
              disabled={syncing}
              data-testid="catalogue-sync-button"
              sx={{ '&.Mui-disabled': { color: 'rgba(255,255,255,0.75)' } }}
            >
              {syncing ? (
                <CircularProgress size={18} color="inherit" aria-hidden />
              ) : (
                <SyncRounded fontSize="small" />
              )}
            </IconButton>
          </span>
        </Tooltip>
      ) : null}
    </Box>
  );
}
