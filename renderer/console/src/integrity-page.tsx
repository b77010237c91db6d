import {
  Alert,
  Box,
  Card,
  CardContent,
  Chip,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { getJson } from './api';
import { formatTime, Page, useLoad } from './common';
import type { IntegrityReport } from './types';

/** What the endpoint flagged, device by device, with what each flag means and what to do. */
export function IntegrityPage() {
  const report = useLoad(() => getJson<IntegrityReport>('integrity'), 'integrity');
  const value = report.value;
  return (
    <Page title="Integrity" loaded={report}>
      {value && value.devices.length === 0 && (
        <Alert severity="success">
          No device has a flag: every chain arrived whole and signed.
        </Alert>
      )}
      {value?.devices.map((device) => (
        <Card
          key={device.source}
          variant="outlined"
          sx={{ mb: 3 }}
          data-testid={`integrity-${device.source}`}
        >
          <CardContent>
            <Typography variant="h5" component="h2" gutterBottom>
              {device.source}
            </Typography>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', mb: 2 }}>
              {Object.entries(device.counts).map(([kind, count]) => (
                <Chip key={kind} color="warning" label={`${kind}: ${count}`} />
              ))}
            </Box>
            {Object.keys(device.counts).map((kind) => (
              <Alert key={kind} severity="warning" sx={{ mb: 1 }}>
                <strong>{kind}</strong> — {value.meanings[kind]?.meaning} <em>What to do:</em>{' '}
                {value.meanings[kind]?.action}
              </Alert>
            ))}
            <Table size="small" aria-label={`Flags of ${device.source}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Sequence</TableCell>
                  <TableCell>Kind</TableCell>
                  <TableCell>What was seen</TableCell>
                  <TableCell>Received</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {device.flags.map((flag) => (
                  <TableRow
                    key={flag.id}
                    data-testid={`flag-${device.source}-${flag.sequence ?? 'none'}-${flag.kind}`}
                    data-kind={flag.kind}
                  >
                    <TableCell>{flag.sequence ?? '—'}</TableCell>
                    <TableCell>
                      <Chip size="small" color="warning" label={flag.kind} />
                    </TableCell>
                    <TableCell>{flag.message}</TableCell>
                    <TableCell>{formatTime(flag.receivedAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>
      ))}
    </Page>
  );
}
