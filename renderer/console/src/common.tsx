import { Alert, Box, CircularProgress, Typography } from '@mui/material';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiError } from './api';

/** What a page loads: the value, the error, and a way to load it again. */
export interface Loaded<T> {
  value: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` now and whenever `key` changes; the last answer wins. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: Error; loading: boolean }>({
    loading: true,
  });
  const [round, setRound] = useState(0);
  // `key` names everything `load` reads: a new key, a new load.
  const stableLoad = useCallback(load, [key]);
  useEffect(() => {
    let current = true;
    setState((previous) => ({ ...previous, loading: true }));
    stableLoad().then(
      (value) => current && setState({ value, loading: false }),
      (error: Error) => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
  }, [stableLoad, round]);
  return {
    value: state.value,
    error: state.error,
    loading: state.loading,
    reload: () => setRound((n) => n + 1),
  };
}

/** An error as a person reads it: the server's sentence, never a stack. */
export function ErrorAlert({ error }: { error: Error }) {
  return (
    <Alert severity="error" sx={{ my: 2 }} data-testid="console-error">
      {error instanceof ApiError ? error.message : 'The console could not reach its server.'}
    </Alert>
  );
}

/** The page's heading (its one h1) and what it shows while loading or after an error. */
export function Page({
  title,
  loaded,
  actions,
  children,
}: {
  title: string;
  loaded?: Pick<Loaded<unknown>, 'error' | 'loading' | 'value'>;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <Box component="section" aria-labelledby="page-title">
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 2, flexWrap: 'wrap' }}>
        <Typography variant="h4" component="h1" id="page-title" tabIndex={-1} sx={{ flexGrow: 1 }}>
          {title}
        </Typography>
        {actions}
      </Box>
      {loaded?.error && <ErrorAlert error={loaded.error} />}
      {loaded?.loading && loaded.value === undefined && (
        <Box role="status" sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <CircularProgress size={20} aria-hidden /> Loading…
        </Box>
      )}
      {children}
    </Box>
  );
}

/** A time as the page shows it: the UTC date and time to the second. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

/** Milliseconds as seconds with one decimal, or a dash. */
export function formatMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`;
}
