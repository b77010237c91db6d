import {
  Box,
  MenuItem,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { BarChart } from '@mui/x-charts/BarChart';
import { useState, type ReactNode } from 'react';
import { getJson } from './api';
import { formatMs, formatTime, Page, useLoad } from './common';
import type { Insights } from './types';

/** A titled table of figures. */
function Figures({
  title,
  testId,
  head,
  rows,
  note,
}: {
  title: string;
  testId: string;
  head: string[];
  rows: { key: string; cells: ReactNode[] }[];
  /** A line under the table saying how to read it; the table is described by it. */
  note?: string;
}) {
  const noteId = `${testId}-note`;
  return (
    <Box component="section" sx={{ mb: 3 }}>
      <Typography variant="h5" component="h2" sx={{ mb: 1 }}>
        {title}
      </Typography>
      <TableContainer component={Paper}>
        <Table
          size="small"
          aria-label={title}
          aria-describedby={note ? noteId : undefined}
          data-testid={testId}
        >
          <TableHead>
            <TableRow>
              {head.map((name) => (
                <TableCell key={name}>{name}</TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={head.length}>No runs in this period.</TableCell>
              </TableRow>
            )}
            {rows.map((row) => (
              <TableRow key={row.key} data-testid={`${testId}-${row.key}`}>
                {row.cells.map((cell, index) => (
                  <TableCell key={index}>{cell}</TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      {note && (
        <Typography
          id={noteId}
          data-testid={noteId}
          variant="body2"
          color="text.secondary"
          sx={{ mt: 1 }}
        >
          {note}
        </Typography>
      )}
    </Box>
  );
}

/** A duration read from the histogram, marked approximate. */
function approximateMs(ms: number | null): string {
  return ms === null ? formatMs(ms) : `≈ ${formatMs(ms)}`;
}

const PERIODS = [
  ['30', 'Last 30 days'],
  ['90', 'Last 90 days'],
  ['365', 'Last 365 days'],
  ['all', 'All time'],
] as const;

const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);

/** A period's runs in figures: success, speed, failures, who runs what, where. */
export function InsightsPage() {
  const [days, setDays] = useState('30');
  const loaded = useLoad(() => {
    const now = Date.now();
    const since = new Date(days === 'all' ? 0 : now - Number(days) * 86_400_000).toISOString();
    return getJson<Insights>('insights', { since, until: new Date(now + 1000).toISOString() });
  }, days);
  const value = loaded.value;
  return (
    <Page
      title="Insights"
      loaded={loaded}
      actions={
        <TextField
          select
          size="small"
          label="Period"
          value={days}
          onChange={(event) => setDays(event.target.value)}
          data-testid="insights-period"
          sx={{ minWidth: 180 }}
        >
          {PERIODS.map(([value, label]) => (
            <MenuItem key={value} value={value}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      }
    >
      {value && (
        <>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            Runs from {formatTime(value.since)} to {formatTime(value.until)}.
          </Typography>
          <Box component="section" sx={{ mb: 3 }}>
            <Typography variant="h5" component="h2">
              Runs per day
            </Typography>
            <Paper sx={{ p: 1 }} data-testid="runs-per-day-chart">
              <BarChart
                height={260}
                xAxis={[{ scaleType: 'band', data: value.perDay.map((d) => d.day) }]}
                series={[
                  {
                    data: value.perDay.map((d) => d.runs - d.failed),
                    label: 'Not failed',
                    stack: 'runs',
                  },
                  { data: value.perDay.map((d) => d.failed), label: 'Failed', stack: 'runs' },
                ]}
              />
            </Paper>
          </Box>
          <Figures
            title="Scripts"
            testId="insights-script"
            head={['Script', 'Runs', 'Succeeded', 'Failed', 'Success rate', 'Median ≈', 'p95 ≈']}
            note="≈ Median and p95 durations are read from a histogram of run durations: each is within 2.5 % of the exact figure. Counts are exact."
            rows={value.scripts.map((s) => ({
              key: s.scriptId ?? 'unknown',
              cells: [
                s.scriptId ?? '—',
                s.runs,
                s.succeeded,
                s.failed,
                percent(s.successRate),
                approximateMs(s.medianMs),
                approximateMs(s.p95Ms),
              ],
            }))}
          />
          <Figures
            title="Failures by status and exit code"
            testId="insights-failure"
            head={['Status', 'Exit code', 'Runs']}
            rows={value.failures.map((f) => ({
              key: `${f.status}-${f.exitCode ?? 'none'}`,
              cells: [f.status, f.exitCode ?? '—', f.runs],
            }))}
          />
          <Figures
            title="Users"
            testId="insights-user"
            head={['User', 'Runs', 'Failed', 'Last run']}
            rows={value.users.map((u) => ({
              key: u.user ?? 'unknown',
              cells: [u.user ?? '—', u.runs, u.failed, formatTime(u.lastRun)],
            }))}
          />
          <Figures
            title="Devices"
            testId="insights-device"
            head={['Device', 'Runs', 'Failed', 'Last run']}
            rows={value.devices.map((d) => ({
              key: d.source,
              cells: [d.source, d.runs, d.failed, formatTime(d.lastRun)],
            }))}
          />
          <Figures
            title="Catalogue versions by device"
            testId="insights-adoption"
            head={['Device', 'Catalogue version', 'Runs', 'Last run']}
            rows={value.adoption.map((a) => ({
              key: `${a.source}-${a.catalogueVersion ?? 'none'}`,
              cells: [a.source, a.catalogueVersion ?? '—', a.runs, formatTime(a.lastRun)],
            }))}
          />
        </>
      )}
    </Page>
  );
}
