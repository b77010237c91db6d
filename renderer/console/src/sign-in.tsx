import { Alert, Box, Button, Paper, TextField, Typography } from '@mui/material';
import { useState, type FormEvent } from 'react';
import { ApiError, postJson } from './api';

/**
 * Sign-in with the admin or auditor token. The token goes to the server once; the session that
 * comes back lives in an HttpOnly cookie the page cannot read, and the field is cleared.
 */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await postJson('session', { token });
      setToken('');
      onSignedIn();
    } catch (caught) {
      setError(
        caught instanceof ApiError ? caught.message : 'The console could not reach its server.',
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box component="main" sx={{ display: 'grid', placeItems: 'center', minHeight: '100vh', p: 2 }}>
      <Paper component="form" onSubmit={submit} sx={{ p: 4, width: 420, maxWidth: '100%' }}>
        <Typography variant="h5" component="h1" gutterBottom>
          ScriptDesk audit console
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Sign in with the server’s admin token, or with the auditor token to read the record
          without changing anything.
        </Typography>
        <TextField
          label="Token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          fullWidth
          required
          autoFocus
          slotProps={{ htmlInput: { 'data-testid': 'sign-in-token' } }}
        />
        {error && (
          <Alert severity="error" sx={{ mt: 2 }} data-testid="sign-in-error">
            {error}
          </Alert>
        )}
        <Button
          type="submit"
          variant="contained"
          sx={{ mt: 2 }}
          disabled={busy || token === ''}
          data-testid="sign-in-submit"
        >
          Sign in
        </Button>
      </Paper>
    </Box>
  );
}
