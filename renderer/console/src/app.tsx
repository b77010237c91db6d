import { AppBar, Box, Button, Chip, Link, Toolbar, Typography } from '@mui/material';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { ApiError, getJson, postJson } from './api';
import { AdminLogPage } from './admin-log-page';
import { AlertsPage } from './alerts-page';
import { useLoad } from './common';
import { DevicesPage } from './devices-page';
import { IntegrityPage } from './integrity-page';
import { hrefOf, usePlace, type Place } from './routes';
import { RunPage } from './run-page';
import { RunsPage } from './runs-page';
import { SignIn } from './sign-in';
import type { AlertSummary, SessionInfo } from './types';

// The charting library is the console's largest part: fetched only when Insights is opened.
const InsightsPage = lazy(() =>
  import('./insights-page').then((module) => ({ default: module.InsightsPage })),
);

const NAV: { place: Place; label: string }[] = [
  { place: { name: 'runs' }, label: 'Runs' },
  { place: { name: 'integrity' }, label: 'Integrity' },
  { place: { name: 'devices' }, label: 'Devices' },
  { place: { name: 'insights' }, label: 'Insights' },
  { place: { name: 'alerts' }, label: 'Alerts' },
  { place: { name: 'admin-log' }, label: 'Admin log' },
];

/** The console: sign-in until there is a session, then the top bar and the place addressed. */
export function App() {
  const session = useLoad(() => getJson<SessionInfo>('session'), 'session');
  const place = usePlace();
  const signedIn = session.value?.role;
  // Looked at again on every new place, so a webhook that starts failing is noticed.
  const alerts = useLoad(
    () => (signedIn ? getJson<AlertSummary>('alerts/summary') : Promise.resolve(undefined)),
    `${signedIn ?? ''}/${place.name}`,
  );
  const failing = alerts.value?.failing ?? 0;
  const main = useRef<HTMLElement>(null);
  // A new place: its heading takes the focus, so keyboard and screen-reader users start there.
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('#page-title')?.focus();
  }, [place]);

  const signedOut = session.error instanceof ApiError && session.error.status === 401;
  if (session.loading && !session.value) return null;
  if (!session.value || signedOut) return <SignIn onSignedIn={session.reload} />;
  const role = session.value.role;
  const signOut = async () => {
    await postJson('session/end', {}).catch(() => undefined);
    session.reload();
  };

  return (
    <>
      <AppBar position="static" component="header">
        <Toolbar sx={{ gap: 2, flexWrap: 'wrap' }}>
          <Typography component="p" variant="h6" sx={{ mr: 2 }}>
            ScriptDesk audit
          </Typography>
          <Box component="nav" aria-label="Console" sx={{ display: 'flex', gap: 1, flexGrow: 1 }}>
            {NAV.map((item) => {
              const current = item.place.name === place.name;
              return (
                <Link
                  key={item.label}
                  href={hrefOf(item.place)}
                  color="inherit"
                  underline={current ? 'always' : 'hover'}
                  aria-current={current ? 'page' : undefined}
                  data-testid={`nav-${item.place.name}`}
                  sx={{ px: 1, py: 0.5, fontWeight: current ? 700 : 400 }}
                >
                  {item.label}
                  {item.place.name === 'alerts' && failing > 0 && (
                    <Chip
                      size="small"
                      color="error"
                      label={`${failing} failing`}
                      data-testid="alerts-failing"
                      sx={{ ml: 1, cursor: 'inherit' }}
                    />
                  )}
                </Link>
              );
            })}
          </Box>
          <Chip
            label={role === 'admin' ? 'Admin' : 'Auditor (read-only)'}
            data-testid="signed-in-role"
            sx={{ bgcolor: 'background.paper', color: 'text.primary' }}
          />
          <Button color="inherit" variant="outlined" onClick={signOut} data-testid="sign-out">
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      <Box component="main" ref={main} sx={{ p: 3, maxWidth: 1400, mx: 'auto' }}>
        {place.name === 'runs' && <RunsPage />}
        {place.name === 'run' && <RunPage device={place.device} run={place.run} />}
        {place.name === 'integrity' && <IntegrityPage />}
        {place.name === 'devices' && <DevicesPage role={role} />}
        {place.name === 'insights' && (
          <Suspense fallback={<p role="status">Loading the charts…</p>}>
            <InsightsPage />
          </Suspense>
        )}
        {place.name === 'alerts' && <AlertsPage />}
        {place.name === 'admin-log' && <AdminLogPage />}
      </Box>
    </>
  );
}
