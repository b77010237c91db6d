import KeyRounded from '@mui/icons-material/KeyRounded';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { SecretsStatus } from '../../../main/contract/api.js';
import { MAX_SECRET_CHARS } from '../contract-values.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { ApiErrorAlert } from '../common/api-error-alert.js';
import { monospaceFont } from '../theme.js';

/** What the dialog asks for and what its buttons do. */
export interface SecretRequest {
  /** The secret's name (an environment variable name such as API_TOKEN). */
  name: string;
  /** Whether the keychain already holds a value (then the dialog offers Change and Remove). */
  isSet: boolean;
  /** Why the dialog opened, in main's words (e.g. the run was refused because the secret is missing). */
  reason: string | undefined;
  /** The label of the save button, e.g. "Save" or "Save and run". */
  saveLabel: string;
}

/**
 * Asks for the value of one secret in a masked field and hands it to `onSave`. The value lives
 * only in this dialog's state: it is cleared when the dialog closes, is never logged, and never
 * reaches an address or the page's text.
 */
export function SecretDialog({
  request,
  scriptTitle,
  keychain,
  onSave,
  onRemove,
  onClose,
  onClosed,
}: {
  /** Undefined when the dialog is closed. */
  request: SecretRequest | undefined;
  scriptTitle: string;
  keychain: SecretsStatus['keychain'] | undefined;
  onSave: (name: string, value: string) => Promise<ApiError | undefined>;
  onRemove: (name: string) => Promise<ApiError | undefined>;
  onClose: () => void;
  /** After the closing animation, e.g. to put the focus somewhere other than where it was. */
  onClosed?: () => void;
}) {
  // While the dialog fades out it keeps showing what it asked for (the value is already cleared).
  const last = useRef(request);
  if (request) last.current = request;
  const shown = request ?? last.current;
  return (
    <Dialog
      open={Boolean(request)}
      onClose={onClose}
      aria-labelledby="secret-dialog-title"
      aria-describedby="secret-dialog-text"
      disableRestoreFocus={Boolean(onClosed)}
      slotProps={{ transition: { onExited: onClosed } }}
      data-testid="secret-dialog"
    >
      {/* Keyed by name: the next secret asked for starts with an empty field and no old error. */}
      {shown ? (
        <SecretForm
          key={shown.name}
          open={Boolean(request)}
          request={shown}
          scriptTitle={scriptTitle}
          keychain={keychain}
          onSave={onSave}
          onRemove={onRemove}
          onClose={onClose}
        />
      ) : null}
    </Dialog>
  );
}

function SecretForm({
  open,
  request,
  scriptTitle,
  keychain,
  onSave,
  onRemove,
  onClose,
}: {
  open: boolean;
  request: SecretRequest;
  scriptTitle: string;
  keychain: SecretsStatus['keychain'] | undefined;
  onSave: (name: string, value: string) => Promise<ApiError | undefined>;
  onRemove: (name: string) => Promise<ApiError | undefined>;
  onClose: () => void;
}) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState<'saving' | 'removing' | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const unavailable = keychain !== undefined && !keychain.available;
  const { name } = request;

  useEffect(() => {
    if (!open) setValue('');
  }, [open]);

  function close() {
    setValue('');
    onClose();
  }

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The dialog is rendered from inside the run form; its submit must not reach that form.
    event.stopPropagation();
    if (!value || busy || unavailable) return;
    setBusy('saving');
    setError(undefined);
    const problem = await onSave(name, value);
    setBusy(undefined);
    if (problem) {
      setError(problem);
      return;
    }
    setValue('');
  }

  async function remove() {
    setBusy('removing');
    setError(undefined);
    const problem = await onRemove(name);
    setBusy(undefined);
    if (problem) setError(problem);
    else close();
  }

  const fieldId = `secret-value-${name}`;
  return (
    <Box component="form" onSubmit={(event) => void save(event)} noValidate autoComplete="off">
      <DialogTitle id="secret-dialog-title" sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
        <KeyRounded color="primary" aria-hidden />
        {request.isSet ? 'Change' : 'Set'}{' '}
        <Box component="span" sx={{ fontFamily: monospaceFont, fontSize: '0.95em' }}>
          {name}
        </Box>
      </DialogTitle>
      <DialogContent>
        {request.reason ? (
          <Alert severity="info" sx={{ mb: 2 }} data-testid="secret-dialog-reason">
            {request.reason}
          </Alert>
        ) : null}
        <DialogContentText id="secret-dialog-text" sx={{ mb: 2 }}>
          {/* Main's reason already says which script needs it. */}
          {request.reason ? '' : `“${scriptTitle}” needs this secret. `}
          It is kept in this computer’s keychain and given to the script only while it runs;
          ScriptDesk never shows it again.
        </DialogContentText>
        {unavailable ? (
          <Alert severity="warning" sx={{ mb: 2 }} data-testid="secret-keychain-unavailable">
            {keychain.message ?? 'The keychain of this computer is not available.'}
          </Alert>
        ) : null}
        {error ? (
          <Box sx={{ mb: 2 }}>
            <ApiErrorAlert
              error={error}
              title={
                error.code === 'keychain_unavailable'
                  ? 'The keychain did not accept the secret'
                  : undefined
              }
            />
          </Box>
        ) : null}
        <TextField
          id={fieldId}
          label={`Value of ${name}`}
          type="password"
          fullWidth
          autoFocus
          required
          value={value}
          disabled={unavailable || busy !== undefined}
          onChange={(event) => setValue(event.target.value)}
          helperText={request.isSet ? 'The new value replaces the one saved before.' : undefined}
          slotProps={{
            htmlInput: {
              autoComplete: 'off',
              autoCapitalize: 'off',
              autoCorrect: 'off',
              spellCheck: false,
              maxLength: MAX_SECRET_CHARS,
              'data-testid': 'secret-value',
              // Password managers: this is not a login form.
              'data-1p-ignore': true,
              'data-lpignore': 'true',
            },
          }}
        />
      </DialogContent>
      <DialogActions sx={{ px: 3, pb: 2 }}>
        {request.isSet ? (
          <Button
            color="error"
            onClick={() => void remove()}
            disabled={unavailable || busy !== undefined}
            data-testid="secret-remove"
            sx={{ mr: 'auto' }}
          >
            {busy === 'removing' ? 'Removing…' : 'Remove'}
          </Button>
        ) : null}
        <Button onClick={close}>Cancel</Button>
        <Button
          type="submit"
          variant="contained"
          disabled={!value || unavailable || busy !== undefined}
          startIcon={
            busy === 'saving' ? <CircularProgress size={16} color="inherit" aria-hidden /> : null
          }
          data-testid="secret-save"
        >
          {busy === 'saving' ? 'Saving…' : request.saveLabel}
        </Button>
      </DialogActions>
    </Box>
  );
}
