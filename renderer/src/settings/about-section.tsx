import Alert from '@mui/material/Alert';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { About } from '../../../main/contract/about-api.js';
import { useApiQuery } from '../api/use-api-query.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { LoadingState } from '../common/loading-state.js';
import { Section } from './section.js';

const INPUT = {};

/**
 * What this computer gives ScriptDesk, read-only: the Python its scripts' environments are built
 * from (and which setting chose it), and the machine policy IT set, setting by setting, with
 * where each value came from. Nothing here can be changed from the app.
 */
export function AboutThisComputer() {
  const about = useApiQuery('app.about', INPUT);
  return (
    <Section title="About this computer">
      {about.error ? (
        <ApiErrorAlert error={about.error} />
      ) : !about.value ? (
        <LoadingState label="Looking at this computer…" />
      ) : (
        <>
          <Runtime runtime={about.value.runtime} />
          <Updates updates={about.value.updates} />
          <Policy policy={about.value.policy} />
        </>
      )}
    </Section>
  );
}

function Runtime({ runtime }: { runtime: About['runtime'] }) {
  return (
    <>
      <Typography variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>
        Python
      </Typography>
      {runtime.ok ? (
        <Typography variant="body2" component="p" sx={{ mb: 2 }} data-testid="about-python">
          Python {runtime.version} at <code>{runtime.executable}</code>, chosen by {runtime.source}.
        </Typography>
      ) : (
        <Alert severity="warning" sx={{ mb: 2 }} data-testid="about-python">
          No Python can be used, so scripts cannot run: {runtime.problem}
        </Alert>
      )}
    </>
  );
}

/** Refused or unreachable updates are worth the user's eye; every other state is plain text. */
function Updates({ updates }: { updates: About['updates'] }) {
  const severity =
    updates.state === 'refused'
      ? 'error'
      : updates.state === 'unreachable' || updates.state === 'failed'
        ? 'warning'
        : null;
  return (
    <>
      <Typography variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>
        Updates
      </Typography>
      {severity ? (
        <Alert severity={severity} sx={{ mb: 2 }} data-testid="about-updates">
          {updates.message}
        </Alert>
      ) : (
        <Typography variant="body2" component="p" sx={{ mb: 2 }} data-testid="about-updates">
          {updates.message}
        </Typography>
      )}
    </>
  );
}

function Policy({ policy }: { policy: About['policy'] }) {
  return (
    <>
      <Typography variant="subtitle2" component="h3" sx={{ mb: 0.5 }}>
        Machine policy
      </Typography>
      <Typography variant="body2" component="p" color="text.secondary" sx={{ mb: 1 }}>
        Set by your IT department in <code>{policy.file}</code>
        {policy.found ? '' : ', which does not exist here: every setting is its default'}. Only an
        administrator of this computer can change it.
      </Typography>
      <Table size="small" aria-label="Machine policy settings" data-testid="about-policy">
        <TableHead>
          <TableRow>
            <TableCell component="th" scope="col">
              Setting
            </TableCell>
            <TableCell component="th" scope="col">
              Value
            </TableCell>
            <TableCell component="th" scope="col">
              From
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {policy.settings.map((setting) => (
            <TableRow key={setting.field} data-testid={`policy-${setting.field}`}>
              <TableCell component="th" scope="row">
                <code>{setting.field}</code>
                <Typography
                  variant="body2"
                  color="text.secondary"
                  component="span"
                  sx={{ display: 'block' }}
                >
                  {setting.description}
                </Typography>
              </TableCell>
              <TableCell sx={{ minWidth: 110, overflowWrap: 'anywhere' }}>
                {shownValue(setting.field, setting.value)}
              </TableCell>
              <TableCell>{setting.source === 'policy file' ? 'Policy file' : 'Default'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

/** A setting's value as people read it: sizes in MiB or GiB too, nothing set in words. */
function shownValue(field: string, value: string | number | boolean | null): string {
  if (value === null) return 'not set';
  if (typeof value === 'number' && field.endsWith('Bytes')) {
    const gib = value / 1024 ** 3;
    const readable = gib >= 1 ? `${+gib.toFixed(2)} GiB` : `${+(value / 1024 ** 2).toFixed(2)} MiB`;
    return `${readable} (${value.toLocaleString('en')} bytes)`;
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
