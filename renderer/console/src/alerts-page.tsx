import { Alert, Box, Chip, Link, MenuItem, Paper, TextField } from '@mui/material';
import { useState } from 'react';
import { formatTime } from './common';
import { hrefOf } from './routes';
import { TablePage, usePagedLoad, type Column } from './table-page';
import type { AlertDelivery, AlertPage } from './types';

/** Each delivery state in plain words, and the chip colour that marks it. */
const STATES: Record<
  AlertDelivery['state'],
  { label: string; color: 'default' | 'info' | 'success' | 'warning' | 'error' }
> = {
  pending: { label: 'pending', color: 'default' },
  delivering: { label: 'sending now', color: 'info' },
  delivered: { label: 'delivered', color: 'success' },
  'failed-retrying': { label: 'failed, will retry', color: 'warning' },
  'gave-up': { label: 'failed for good', color: 'error' },
};

const KINDS: Record<string, string> = {
  'run-failed': 'Run failed',
  integrity: 'Integrity flag',
  'device-pending': 'Device waiting for approval',
  'device-silent': 'Device silent',
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** What raised the alert, in a sentence, from its facts. */
export function causeOf(alert: AlertDelivery): string {
  const f = alert.facts;
  switch (alert.kind) {
    case 'run-failed':
      return `${text(f.script) ?? 'a script'} ended ${text(f.status) ?? 'failed'}${
        text(f.user) ? ` (run by ${text(f.user)})` : ''
      }`;
    case 'integrity':
      return `${text(f.flag) ?? 'a'} flag at sequence ${String(f.sequence ?? '?')}: ${text(f.message) ?? ''}`;
    case 'device-pending':
      return text(f.replaces)
        ? 'a new key replaces the device’s old one and waits for approval'
        : 'a new device waits for approval';
    case 'device-silent':
      return `not seen for ${String(f.days)} days with ${String(f.backlog)} events held back (last seen ${formatTime(text(f.lastSeen))})`;
    default:
      return alert.kind;
  }
}

/** Links to the run the alert is about, else to the devices page. */
function About({ alert }: { alert: AlertDelivery }) {
  const device = alert.source ?? text(alert.facts.device);
  const runId = text(alert.facts.runId);
  return (
    <>
      {device && runId && (
        <Link href={hrefOf({ name: 'run', device, run: runId })} data-testid="alert-run-link">
          run {runId}
        </Link>
      )}
      {device && runId && ' on '}
      {device && <Link href={hrefOf({ name: 'devices' })}>{device}</Link>}
      {!device && '—'}
    </>
  );
}

const COLUMNS: Column<AlertDelivery>[] = [
  { label: 'Raised', cell: (a) => formatTime(a.createdAt) },
  { label: 'Kind', cell: (a) => KINDS[a.kind] ?? a.kind },
  { label: 'Cause', cell: causeOf, wrap: true },
  { label: 'About', cell: (a) => <About alert={a} /> },
  { label: 'Target', cell: (a) => a.target },
  {
    label: 'Delivery',
    cell: (a) => <Chip size="small" label={STATES[a.state].label} color={STATES[a.state].color} />,
  },
  { label: 'Attempts', cell: (a) => a.attempts },
  { label: 'Last error', cell: (a) => a.lastError ?? '—', wrap: true },
  {
    label: 'Next attempt',
    cell: (a) =>
      a.state === 'pending' || a.state === 'failed-retrying' ? formatTime(a.nextAt) : '—',
  },
  { label: 'Delivered', cell: (a) => (a.state === 'delivered' ? formatTime(a.updatedAt) : '—') },
];

/** How to turn alerts on, when the server runs without an alerts config. */
function AlertsOff() {
  return (
    <Alert severity="info" sx={{ mb: 2 }} data-testid="alerts-off">
      Alerts are off: this server was started without an alerts config. Start it with{' '}
      <code>scriptdesk server --config alerts.json</code> whose <code>alerts</code> section names
      the webhook targets and the rules that send to them (the section “Alerts” of{' '}
      <code>main/server/README.md</code>, example in <code>examples/server/alerts.json</code>).
    </Alert>
  );
}

/** Every alert delivery, newest first, with its state; filtered and paged on the server. */
export function AlertsPage() {
  const [filters, setFilters] = useState<{ state?: string; kind?: string }>({});
  const { page, pager } = usePagedLoad<AlertPage>('alerts', { ...filters, limit: '25' });
  const select = (name: 'state' | 'kind', label: string, options: Record<string, string>) => (
    <TextField
      select
      label={label}
      size="small"
      sx={{ minWidth: 220 }}
      // "Any" shows in the field, so an unfiltered list says so.
      slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
      value={filters[name] ?? ''}
      onChange={(event) => {
        setFilters((previous) => ({ ...previous, [name]: event.target.value || undefined }));
        pager.reset();
      }}
      data-testid={`alert-filter-${name}`}
    >
      <MenuItem value="">Any</MenuItem>
      {Object.entries(options).map(([value, text]) => (
        <MenuItem key={value} value={value}>
          {text}
        </MenuItem>
      ))}
    </TextField>
  );
  const stateLabels = Object.fromEntries(Object.entries(STATES).map(([k, v]) => [k, v.label]));
  return (
    <TablePage
      title="Alerts"
      loaded={page}
      rowsOf={(value) => value.deliveries}
      nextOf={(value) => value.next}
      pager={pager}
      label="Alert deliveries"
      testId="alerts-table"
      empty={
        filters.state || filters.kind
          ? 'No alert matches these filters.'
          : 'No alert has been raised yet.'
      }
      rowKey={(a) => `${a.alertId}/${a.target}`}
      rowProps={(a) => ({ 'data-testid': `alert-${a.kind}-${a.target}`, 'data-state': a.state })}
      columns={COLUMNS}
      above={
        <>
          {page.value?.enabled === false && <AlertsOff />}
          <Paper aria-label="Filters" component="section" sx={{ p: 2, mb: 2 }}>
            <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
              {select('state', 'Delivery state', stateLabels)}
              {select('kind', 'Kind', KINDS)}
            </Box>
          </Paper>
        </>
      }
    />
  );
}
