import Box from '@mui/material/Box';
import { useApiQuery } from './api/use-api-query.js';
import { ApiErrorAlert } from './common/api-error-alert.js';
import { LoadingState } from './common/loading-state.js';
import { HistoryPage } from './history/history-page.js';
import { NavRail } from './layout/nav-rail.js';
import { TopBar } from './layout/top-bar.js';
import type { Route } from './routing/route.js';
import { useRoute } from './routing/use-route.js';
import { RunPage } from './runs/run-page.js';
import { ScriptsPage } from './scripts/scripts-page.js';

/** The whole window: top bar, navigation on the left, the current place on the right. */
export function App() {
  const [route, navigate] = useRoute();
  const info = useApiQuery('app.info', {});

  return (
    <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
      <TopBar info={info.value} />
      <Box sx={{ flex: 1, display: 'flex', minHeight: 0 }}>
        <NavRail route={route} onNavigate={navigate} appVersion={info.value?.appVersion} />
        <Box
          component="main"
          sx={{ flex: 1, minWidth: 0, overflowY: route.page === 'scripts' ? 'hidden' : 'auto' }}
        >
          {info.error ? (
            <Box sx={{ p: 3, maxWidth: 760 }}>
              <ApiErrorAlert error={info.error} onRetry={info.reload} />
            </Box>
          ) : !info.value ? (
            <LoadingState label="Connecting to ScriptDesk…" />
          ) : (
            <Page route={route} navigate={navigate} hasCatalogue={info.value.catalogue !== null} />
          )}
        </Box>
      </Box>
    </Box>
  );
}

function Page({
  route,
  navigate,
  hasCatalogue,
}: {
  route: Route;
  navigate: (route: Route) => void;
  hasCatalogue: boolean;
}) {
  const openRun = (runId: string) => navigate({ page: 'run', runId });
  switch (route.page) {
    case 'scripts':
      return (
        <ScriptsPage
          hasCatalogue={hasCatalogue}
          scriptId={route.scriptId}
          onSelect={(scriptId) => navigate({ page: 'scripts', scriptId })}
          onStarted={openRun}
        />
      );
    case 'run':
      return (
        <RunPage
          key={route.runId}
          runId={route.runId}
          onBack={() => navigate({ page: 'history' })}
          onOpenScript={(scriptId) => navigate({ page: 'scripts', scriptId })}
        />
      );
    case 'history':
      return <HistoryPage onOpenRun={openRun} />;
  }
}
