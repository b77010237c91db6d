import CheckCircleOutlineRounded from '@mui/icons-material/CheckCircleOutlineRounded';
import KeyRounded from '@mui/icons-material/KeyRounded';
import RadioButtonUncheckedRounded from '@mui/icons-material/RadioButtonUncheckedRounded';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { monospaceFont } from '../theme.js';
import { isSecretSet, type SecretsState } from './use-secrets.js';

/**
 * The secrets a script needs from the keychain: each name, whether it is set, and a button to set
 * or change it. `notice` is read out (e.g. "DEMO_API_TOKEN saved.") after a change.
 */
export function SecretsSection({
  declared,
  secrets,
  notice,
  onEdit,
}: {
  declared: readonly string[];
  secrets: SecretsState;
  notice: string;
  onEdit: (name: string) => void;
}) {
  const { status, error } = secrets;
  const keychain = status?.keychain;
  const unavailable = keychain !== undefined && !keychain.available;
  return (
    <Box component="section" aria-labelledby="secrets-title" data-testid="secrets-section">
      <Typography variant="subtitle2" component="h3" id="secrets-title">
        Secrets
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Kept in this computer’s keychain and given to the script only while it runs.
      </Typography>
      {error ? (
        <Box sx={{ mb: 1 }}>
          <ApiErrorAlert error={error} onRetry={() => void secrets.reload()} />
        </Box>
      ) : null}
      {unavailable ? (
        <Alert severity="warning" sx={{ mb: 1 }} data-testid="secrets-keychain-unavailable">
          {keychain.message ?? 'The keychain of this computer is not available.'}
        </Alert>
      ) : null}
      <Paper variant="outlined" component="ul" sx={{ m: 0, p: 0, listStyle: 'none' }}>
        {declared.map((name, index) => {
          const known = status !== undefined;
          const set = isSecretSet(status, name);
          return (
            <Box
              component="li"
              key={name}
              data-testid={`secret-row-${name}`}
              sx={{
                display: 'flex',
                alignItems: 'center',
                gap: 1.5,
                px: 1.5,
                py: 1,
                borderTop: index === 0 ? 0 : 1,
                borderColor: 'divider',
              }}
            >
              <KeyRounded fontSize="small" color="action" aria-hidden />
              <Box
                component="span"
                id={`secret-name-${name}`}
                sx={{
                  fontFamily: monospaceFont,
                  fontSize: 13,
                  minWidth: 0,
                  overflowWrap: 'anywhere',
                }}
              >
                {name}
              </Box>
              <Chip
                data-testid={`secret-state-${name}`}
                data-set={known ? String(set) : undefined}
                icon={
                  set && !unavailable ? (
                    <CheckCircleOutlineRounded />
                  ) : (
                    <RadioButtonUncheckedRounded />
                  )
                }
                label={!known ? 'Checking…' : unavailable ? 'Unknown' : set ? 'Set' : 'Not set'}
                color={!known || unavailable ? 'default' : set ? 'success' : 'warning'}
                variant="outlined"
              />
              <Box sx={{ flexGrow: 1 }} />
              <Button
                variant="outlined"
                onClick={() => onEdit(name)}
                disabled={!known || unavailable}
                aria-label={`${set ? 'Change' : 'Set'} ${name}`}
                data-testid={`secret-edit-${name}`}
              >
                {set ? 'Change…' : 'Set…'}
              </Button>
            </Box>
          );
        })}
      </Paper>
      <Typography
        variant="body2"
        color="text.secondary"
        role="status"
        sx={{ mt: notice ? 0.75 : 0 }}
        data-testid="secrets-notice"
      >
        {notice}
      </Typography>
    </Box>
  );
}
