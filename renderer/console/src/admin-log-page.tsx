import {
  Button,
  Paper,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
} from '@mui/material';
import { useState } from 'react';
import { getJson } from './api';
import { formatTime, Page, useLoad } from './common';
import type { AdminLogEntry } from './types';

/** Every approve and revoke, from the console or the admin API, newest first. */
export function AdminLogPage() {
  const [cursors, setCursors] = useState<string[]>([]);
  const after = cursors[cursors.length - 1];
  const log = useLoad(
    () => getJson<{ entries: AdminLogEntry[]; next: string | null }>('admin-log', { after }),
    after ?? '',
  );
  return (
    <Page title="Admin log" loaded={log}>
      {log.value && (
        <>
          <TableContainer component={Paper}>
            <Table size="small" aria-label="Admin log" data-testid="admin-log-table">
              <TableHead>
                <TableRow>
                  <TableCell>When</TableCell>
                  <TableCell>Who</TableCell>
                  <TableCell>Action</TableCell>
                  <TableCell>Device</TableCell>
                  <TableCell>Outcome</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {log.value.entries.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={5}>No device has been approved or revoked yet.</TableCell>
                  </TableRow>
                )}
                {log.value.entries.map((entry) => (
                  <TableRow key={entry.id} data-testid={`admin-log-${entry.id}`}>
                    <TableCell>{formatTime(entry.at)}</TableCell>
                    <TableCell>{entry.actor}</TableCell>
                    <TableCell>{entry.action}</TableCell>
                    <TableCell>{entry.source}</TableCell>
                    <TableCell sx={{ wordBreak: 'break-all' }}>{entry.outcome}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          <Button
            sx={{ mt: 2 }}
            disabled={!log.value.next}
            onClick={() => setCursors((c) => [...c, log.value!.next!])}
          >
            Older
          </Button>
        </>
      )}
    </Page>
  );
}
