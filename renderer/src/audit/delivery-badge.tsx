import CloudDoneOutlined from '@mui/icons-material/CloudDoneOutlined';
import CloudUploadOutlined from '@mui/icons-material/CloudUploadOutlined';
import ComputerOutlined from '@mui/icons-material/ComputerOutlined';
import Chip from '@mui/material/Chip';
import { useId, useState } from 'react';
import { lazyDialog } from '../common/lazy-part.js';
import { formatDateTime, formatTimeAgo, formatTimeUntil } from '../common/format.js';
import { useNow } from '../runs/use-now.js';
import { summariseDelivery, type DeliverySummary } from './delivery-summary.js';
import type { DeliveryStatus, DeliveryStatusView } from './use-delivery-status.js';

/** The details popover, fetched the first time the badge is clicked. */
const DeliveryDetails = lazyDialog(
  'the audit details',
  () => import('./delivery-details.js').then((module) => module.DeliveryDetails),
  (props) => props.anchor !== null,
);

/** How often "5 min ago" is re-worded (and an hour-old backlog noticed). */
const TICK_MS = 30_000;

const ICONS: Record<DeliverySummary['state'], typeof ComputerOutlined> = {
  local: ComputerOutlined,
  delivered: CloudDoneOutlined,
  waiting: CloudUploadOutlined,
};

const CALM_STYLE = {
  flexShrink: 0,
  color: 'inherit',
  borderColor: 'rgba(255,255,255,0.5)',
  '& .MuiChip-icon': { color: 'inherit' },
  '&&:hover, &&.Mui-focusVisible': { bgcolor: 'rgba(255,255,255,0.12)' },
} as const;

/** Amber, filled: it must stand out in the blue bar on its own, as no banner backs it up. */
const ATTENTION_STYLE = {
  ...CALM_STYLE,
  color: '#3d2600',
  borderColor: '#ffcc80',
  bgcolor: '#ffcc80',
  '&&:hover, &&.Mui-focusVisible': { bgcolor: '#ffdca8' },
} as const;

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "5 min ago (12 Mar 2025, 14:03)": the relative time for people, the date for the record. */
function ago(iso: string, now: number): string {
  return `${formatTimeAgo(iso, now)} (${formatDateTime(iso)})`;
}

/** The facts behind the chip, for whoever wants them (auditors, administrators, the help desk). */
function detailRows(status: DeliveryStatus, now: number): [string, string][] {
  const rows: [string, string][] = [];
  const local = status.endpoint === null;
  rows.push(['Endpoint', status.endpoint ?? 'none set up on this computer']);
  const oldest = status.oldestPending
    ? `, ${status.pending === 1 ? '' : 'the oldest '}written ${ago(status.oldestPending, now)}`
    : '';
  if (local) rows.push(['Kept here', `${plural(status.pending, 'record', 'records')}${oldest}`]);
  else rows.push(['Waiting', status.pending === 0 ? 'none' : `${status.pending}${oldest}`]);
  if (!local || status.lastDeliveryAt)
    rows.push(['Last delivery', status.lastDeliveryAt ? ago(status.lastDeliveryAt, now) : 'never']);
  // A problem that delivery has since got past is no longer news.
  if (status.lastError && status.pending > 0) {
    if (status.lastAttemptAt) rows.push(['Last attempt', ago(status.lastAttemptAt, now)]);
    rows.push(['Last problem', status.lastError]);
  }
  if (status.nextAttemptAt) {
    const next =
      Date.parse(status.nextAttemptAt) > now
        ? formatTimeUntil(status.nextAttemptAt, now)
        : 'any moment';
    rows.push(['Next try', `${next} (${formatDateTime(status.nextAttemptAt)})`]);
  }
  if (status.rejected > 0)
    rows.push([
      'Refused',
      `${plural(status.rejected, 'record', 'records')} refused by the endpoint — flagged there for the auditor`,
    ]);
  return rows;
}

/**
 * Whether the records of runs reach the audit endpoint, in the top bar: "Audit: delivered",
 * "Audit: 12 waiting" or "Audit: local only", and on click the details (endpoint, what is
 * waiting, the last delivery and problem, the next try, records the endpoint refused).
 */
export function DeliveryBadge({ view }: { view: DeliveryStatusView }) {
  const now = useNow(true, TICK_MS);
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const detailsId = useId();
  const { status } = view;
  // Nothing is shown until main has answered: a guess here could mislead an auditor.
  if (!status) return null;
  const summary = summariseDelivery(status, now);
  const Icon = ICONS[summary.state];

  return (
    <>
      <Chip
        icon={<Icon aria-hidden />}
        label={summary.label}
        aria-label={summary.ariaLabel}
        aria-haspopup="dialog"
        aria-expanded={anchor !== null}
        aria-controls={anchor ? detailsId : undefined}
        onClick={(event) => setAnchor(event.currentTarget)}
        variant="outlined"
        data-testid="audit-delivery-badge"
        data-state={summary.state}
        data-attention={summary.attention}
        sx={summary.attention ? ATTENTION_STYLE : CALM_STYLE}
      />
      <DeliveryDetails
        id={detailsId}
        anchor={anchor}
        onClose={() => setAnchor(null)}
        headline={summary.headline}
        rows={anchor ? detailRows(status, now) : []}
      />
    </>
  );
}
