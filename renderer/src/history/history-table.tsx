import Chip from '@mui/material/Chip';
import Link from '@mui/material/Link';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import type { RunSummary } from '../../../main/contract/api.js';
import { formatLocalTime, runDuration } from '../common/format.js';
import { isActive } from '../common/run-status.js';
import { StatusChip } from '../common/status-chip.js';

/** Runs as a table, most recent first; a row opens its run. */
export function HistoryTable({
  runs,
  onOpenRun,
}: {
  runs: readonly RunSummary[];
  onOpenRun: (runId: string) => void;
}) {
  return (
    <TableContainer component={Paper} variant="outlined">
      <Table data-testid="history-table" aria-label="Runs">
        <TableHead>
          <TableRow
            sx={{
              '& th': { fontWeight: 600, color: 'text.secondary', bgcolor: 'background.default' },
            }}
          >
            <TableCell>Script</TableCell>
            <TableCell>Version</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Dry run</TableCell>
            <TableCell>Started</TableCell>
            <TableCell align="right">Duration</TableCell>
            <TableCell align="right">Exit code</TableCell>
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
              </TableCell>
              <TableCell>{run.scriptVersion}</TableCell>
              <TableCell>
                <StatusChip status={run.status} />
              </TableCell>
              <TableCell>
                {run.dryRun ? <Chip label="Dry run" color="info" variant="outlined" /> : '—'}
              </TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{formatLocalTime(run.startedAt)}</TableCell>
              <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                {isActive(run.status) ? '—' : runDuration(run.startedAt, run.finishedAt)}
              </TableCell>
              <TableCell align="right">{run.exitCode ?? '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
