import { Box, Button, Chip, Link, MenuItem, Paper, TextField } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { apiUrl } from './api';
import { formatTime } from './common';
import { hrefOf } from './routes';
import { TablePage, usePagedLoad, type Column } from './table-page';
import type { RunPage, RunSummary } from './types';

const TEXT_FILTERS = [
  ['script', 'Script'],
  ['version', 'Version'],
  ['user', 'User'],
  ['device', 'Device'],
  ['reason', 'Reason contains'],
  ['field', 'Input field'],
  ['value', 'Input value'],
] as const;
const STATUSES = ['', 'succeeded', 'failed', 'expected', 'timeout', 'cancelled', 'interrupted'];

type Filters = Record<string, string>;

const COLUMNS: Column<RunSummary>[] = [
  {
    label: 'Time',
    cell: (run) => (
      <Link href={hrefOf({ name: 'run', device: run.source, run: run.runId })}>
        {formatTime(run.time)}
      </Link>
    ),
  },
  {
    label: 'Script',
    cell: (run) => `${run.scriptId ?? '—'}${run.scriptVersion ? ` ${run.scriptVersion}` : ''}`,
  },
  { label: 'User', cell: (run) => run.user ?? '—' },
  { label: 'Device', cell: (run) => run.source },
  {
    label: 'Status',
    cell: (run) => <Chip size="small" label={run.status ?? 'no end recorded'} variant="outlined" />,
  },
  { label: 'Exit code', cell: (run) => run.exitCode ?? '—' },
  { label: 'Reason', cell: (run) => run.reason ?? '' },
];

/** Dates typed as YYYY-MM-DD become the start of that UTC day (until: of the next day). */
function toQuery(filters: Filters): Record<string, string | undefined> {
  const day = (value: string | undefined, plus: number) =>
    value
      ? new Date(Date.parse(`${value}T00:00:00Z`) + plus * 86_400_000).toISOString()
      : undefined;
  return { ...filters, since: day(filters.since, 0), until: day(filters.until, 1) };
}

/** Every run from every device, filtered on the server and paged by its cursor. */
export function RunsPage() {
  const [draft, setDraft] = useState<Filters>({});
  const [applied, setApplied] = useState<Filters>({});
  const query = toQuery(applied);
  const { page, pager } = usePagedLoad<RunPage>('runs', { ...query, limit: '25' });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setApplied(Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== '')));
    pager.reset();
  };
  const field = (name: string) => ({
    value: draft[name] ?? '',
    onChange: (event: { target: { value: string } }) =>
      setDraft((previous) => ({ ...previous, [name]: event.target.value })),
  });

  return (
    <TablePage
      title="Runs"
      loaded={page}
      rowsOf={(value) => value.runs}
      nextOf={(value) => value.next}
      pager={pager}
      label="Runs"
      testId="runs-table"
      empty="No run matches these filters."
      rowKey={(run) => `${run.source}/${run.runId}`}
      rowProps={(run) => ({ 'data-testid': `run-row-${run.runId}` })}
      columns={COLUMNS}
      actions={
        <Box sx={{ display: 'flex', gap: 1 }}>
          <Button
            variant="outlined"
            href={apiUrl('export', { ...query, format: 'csv' })}
            data-testid="export-csv"
          >
            Export CSV
          </Button>
          <Button
            variant="outlined"
            href={apiUrl('export', { ...query, format: 'jsonl' })}
            data-testid="export-jsonl"
          >
            Export JSON Lines
          </Button>
        </Box>
      }
      above={
        <Paper component="form" onSubmit={apply} aria-label="Filters" sx={{ p: 2, mb: 2 }}>
          <Box
            sx={{
              display: 'grid',
              gap: 2,
              gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))',
            }}
          >
            {TEXT_FILTERS.map(([name, label]) => (
              <TextField
                key={name}
                label={label}
                size="small"
                {...field(name)}
                slotProps={{ htmlInput: { 'data-testid': `filter-${name}` } }}
              />
            ))}
            <TextField
              select
              label="Status"
              size="small"
              {...field('status')}
              data-testid="filter-status"
            >
              {STATUSES.map((status) => (
                <MenuItem key={status} value={status}>
                  {status || 'Any'}
                </MenuItem>
              ))}
            </TextField>
            <TextField
              label="From (UTC day)"
              type="date"
              size="small"
              {...field('since')}
              slotProps={{ inputLabel: { shrink: true } }}
            />
            <TextField
              label="To (UTC day)"
              type="date"
              size="small"
              {...field('until')}
              slotProps={{ inputLabel: { shrink: true } }}
            />
          </Box>
          <Box sx={{ display: 'flex', gap: 1, mt: 2 }}>
            <Button type="submit" variant="contained" data-testid="apply-filters">
              Apply filters
            </Button>
            <Button
              onClick={() => {
                setDraft({});
                setApplied({});
                pager.reset();
              }}
            >
              Clear
            </Button>
          </Box>
        </Paper>
      }
    />
  );
}
