import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { RunListItem } from '../../../main/contract/api.js';
import { formatLocalTime, runDuration } from '../common/format.js';
import { isActive } from '../common/run-status.js';
import { StatusChip } from '../common/status-chip.js';

/** Runs as a table, most recent first; a row opens its run. */
export function HistoryTable({
  runs,
  onOpenRun,
}: {
  runs: readonly RunListItem[];
  onOpenRun: (runId: string) => void;
}) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table data-testid="history-table" aria-label="Runs">
        <TableHead>
          <TableRow
            sx={{
              '& th': {
                fontWeight: 600,
                color: 'text.secondary',
                bgcolor: 'background.default',
                whiteSpace: 'nowrap',
              },
            }}
          >
            <TableCell>Script</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Started</TableCell>
            <TableCell align="right">Duration</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Run by</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {runs.map((run) => (
            <TableRow
              key={run.runId}
              hover
              onClick={() => onOpenRun(run.runId)}
              data-testid={`history-row-${run.runId}`}
              sx={{ cursor: 'pointer', '&:last-child td': { borderBottom: 0 } }}
            >
              <TableCell>
                {/* The link makes the row reachable by keyboard; the row click is a larger target for the mouse. */}
                <Link
                  component="button"
                  type="button"
                  underline="hover"
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpenRun(run.runId);
                  }}
                  sx={{ fontWeight: 600, textAlign: 'left', color: 'text.primary' }}
                >
                  {run.title}
                </Link>
                <Typography variant="caption" color="text.secondary" component="div">
                  Version {run.scriptVersion}
                </Typography>
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>
                <StatusChip status={run.status} />
                {run.dryRun ? (
                  <Chip label="Dry run" color="info" variant="outlined" sx={{ ml: 0.75 }} />
                ) : null}
                {run.scheduleId ? (
                  <Chip
                    label="Scheduled"
                    variant="outlined"
                    sx={{ ml: 0.75 }}
                    data-testid="run-scheduled"
                  />
                ) : null}
                {run.exitCode !== null && run.exitCode !== 0 ? (
                  <Typography variant="caption" color="text.secondary" sx={{ ml: 0.75 }}>
                    exit code {run.exitCode}
                  </Typography>
                ) : null}
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatLocalTime(run.startedAt)}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {isActive(run.status) ? '—' : runDuration(run.startedAt, run.finishedAt)}
              </TableCell>
              <TableCell
                // A long reason is cut to one line here; the run's page shows all of it.
                title={run.reason ?? undefined}
                sx={{
                  maxWidth: 260,
                  overflow: 'hidden',
                  textOverflow: 'ellipsis',
                  whiteSpace: 'nowrap',
                }}
              >
                {run.reason || '—'}
              </TableCell>
              <TableCell>{run.user ?? '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
