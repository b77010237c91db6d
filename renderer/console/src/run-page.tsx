import {
  Alert,
  Box,
  Card,
  CardContent,
  Chip,
  Link,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { getJson } from './api';
import { formatTime, Page, useLoad } from './common';
import { hrefOf } from './routes';
import type { RunDetail, RunEvent } from './types';

const EVENT_NAMES: Record<string, string> = {
  'dev.scriptdesk.run.requested': 'Requested',
  'dev.scriptdesk.run.started': 'Started',
  'dev.scriptdesk.run.finished': 'Finished',
  'dev.scriptdesk.run.interrupted': 'Interrupted',
};

const LINKS = {
  linked: 'names the event before it',
  broken: 'does not name the event before it',
  gap: 'the event before it is missing',
};

/** One event's verification, in words and a coloured chip. */
function Verification({ check }: { check: RunEvent['check'] }) {
  return (
    <Box>
      <Chip
        size="small"
        color={check.verified ? 'success' : 'error'}
        label={check.verified ? 'Verified' : 'Not verified'}
        sx={{ mb: 1 }}
      />
      <Typography variant="body2">
        Signature {check.signatureValid ? 'valid' : 'INVALID'}; key{' '}
        {check.keyStatus ?? 'unknown to this server'}; {LINKS[check.link]}.
      </Typography>
      {check.flags.map((flag) => (
        <Alert
          key={flag.id}
          severity="warning"
          sx={{ mt: 1 }}
          data-testid={`event-flag-${flag.kind}`}
        >
          Flag “{flag.kind}”: {flag.message}
        </Alert>
      ))}
    </Box>
  );
}

/** Inputs as recorded: a sensitive value shows as the "[redacted]" the device wrote. */
function Inputs({ inputs }: { inputs: Record<string, unknown> }) {
  const entries = Object.entries(inputs);
  if (entries.length === 0) return <Typography variant="body2">No inputs.</Typography>;
  return (
    <Table size="small" aria-label="Inputs as recorded">
      <TableBody>
        {entries.map(([name, value]) => (
          <TableRow key={name} data-testid={`input-${name}`}>
            <TableCell component="th" scope="row">
              {name}
            </TableCell>
            <TableCell>
              {value === '[redacted]' ? (
                <Chip size="small" label="redacted on the device" />
              ) : (
                <code>{JSON.stringify(value)}</code>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Outputs({ outputs }: { outputs: { name: string; size?: number; sha256?: string }[] }) {
  if (outputs.length === 0) return <Typography variant="body2">No output files.</Typography>;
  return (
    <Table size="small" aria-label="Output files">
      <TableHead>
        <TableRow>
          <TableCell>File</TableCell>
          <TableCell>Bytes</TableCell>
          <TableCell>SHA-256</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {outputs.map((output) => (
          <TableRow key={output.name}>
            <TableCell>{output.name}</TableCell>
            <TableCell>{output.size ?? '—'}</TableCell>
            <TableCell sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
              {output.sha256 ?? 'not a regular file'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** A run: who ran what, why, with which inputs and outputs, and each event checked again. */
export function RunPage({ device, run }: { device: string; run: string }) {
  const detail = useLoad(() => getJson<RunDetail>('run', { device, run }), `${device}/${run}`);
  const value = detail.value;
  const summary = value?.run;
  return (
    <Page
      title={summary ? `${summary.scriptId ?? 'Run'} ${summary.scriptVersion ?? ''}` : 'Run'}
      loaded={detail}
    >
      <Link href={hrefOf({ name: 'runs' })}>Back to runs</Link>
      {summary && value && (
        <>
          <Box
            component="dl"
            sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: 1, my: 2 }}
          >
            {(
              [
                ['Device', summary.source],
                ['Run id', summary.runId],
                ['User', `${summary.user ?? '—'} on ${summary.host ?? '—'}`],
                [
                  'Status',
                  `${summary.status ?? 'no end recorded'}${summary.exitCode === null ? '' : ` (exit code ${summary.exitCode})`}`,
                ],
                ['Reason', summary.reason ?? '—'],
                ['Catalogue version', summary.catalogueVersion ?? '—'],
                ['Started', formatTime(summary.startedAt)],
                ['Finished', formatTime(summary.finishedAt)],
              ] as const
            ).map(([term, description]) => (
              <Box key={term} sx={{ display: 'contents' }}>
                <Typography component="dt" sx={{ fontWeight: 700 }}>
                  {term}
                </Typography>
                <Typography component="dd" sx={{ m: 0 }}>
                  {description}
                </Typography>
              </Box>
            ))}
          </Box>
          <Typography variant="h5" component="h2" sx={{ mb: 1 }}>
            Events
          </Typography>
          {value.events.map((entry) => (
            <Card
              key={`${entry.sequence}-${entry.event?.id ?? 'unreadable'}`}
              variant="outlined"
              sx={{ mb: 2 }}
              data-testid={`event-${entry.sequence}`}
              data-verified={entry.check.verified}
            >
              <CardContent>
                <Typography variant="h6" component="h3">
                  {EVENT_NAMES[entry.event?.type ?? ''] ?? entry.event?.type ?? 'Unreadable event'}{' '}
                  · sequence {entry.sequence}
                </Typography>
                <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
                  {formatTime(entry.event?.time)} · event {entry.event?.id ?? '—'}
                </Typography>
                <Verification check={entry.check} />
                {entry.event?.type === 'dev.scriptdesk.run.started' && (
                  <Box sx={{ mt: 2 }}>
                    <Typography variant="subtitle1" component="h4">
                      Inputs as recorded
                    </Typography>
                    <Inputs inputs={(entry.event.data.inputs as Record<string, unknown>) ?? {}} />
                  </Box>
                )}
                {entry.event?.type === 'dev.scriptdesk.run.finished' && (
                  <Box sx={{ mt: 2 }}>
                    <Typography variant="subtitle1" component="h4">
                      Outputs
                    </Typography>
                    <Outputs outputs={(entry.event.data.outputs as { name: string }[]) ?? []} />
                  </Box>
                )}
              </CardContent>
            </Card>
          ))}
        </>
      )}
    </Page>
  );
}
