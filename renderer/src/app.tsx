import Box from '@mui/material/Box';
import { useAppInfo } from './api/app-info.js';
import { useDeliveryStatus } from './audit/use-delivery-status.js';
import { CatalogueBanner } from './catalogue/catalogue-banner.js';
import { useCatalogueStatus } from './catalogue/use-catalogue-status.js';
import { DesktopContext } from './common/desktop-context.js';
import { ApiErrorAlert } from './common/api-error-alert.js';
import { lazyPart, PartBoundary } from './common/lazy-part.js';
import { LoadingState } from './common/loading-state.js';
import { NavRail } from './layout/nav-rail.js';
import { SchedulePausedNotice } from './schedules/paused-notice.js';
import { TopBar } from './layout/top-bar.js';
import { PAGE_CODE } from './routing/page-code.js';
import type { Route } from './routing/route.js';
import { useRoute } from './routing/use-route.js';
import { useRunNotices } from './settings/use-run-notices.js';

/**
 * Each place's code is its own chunk, fetched when the place is first shown (the first one by
 * `main.tsx`, while the rest loads); the window's frame is the top bar, navigation and banner.
 */
const PAGES = {
  scripts: lazyPart('the Scripts page', () =>
    PAGE_CODE.scripts().then((module) => module.ScriptsPage),
  ),
  run: lazyPart('the run page', () => PAGE_CODE.run().then((module) => module.RunPage)),
  history: lazyPart('the History page', () =>
    PAGE_CODE.history().then((module) => module.HistoryPage),
  ),
  settings: lazyPart('the Settings page', () =>
    PAGE_CODE.settings().then((module) => module.SettingsPage),
  ),
} satisfies Record<Route['page'], unknown>;

/**
 * Takes over the download `main.tsx` started for the first page; resolves once its code is
 * here, so the window can render it at once instead of suspending for it.
 */
export function preloadPage(route: Route): Promise<void> {
  return PAGES[route.page].preload();
}

const LOADING: Record<Route['page'], string> = {
  scripts: 'Loading scripts…',
  run: 'Loading the run…',
  history: 'Loading history…',
  settings: 'Loading settings…',
};

/** The whole window: top bar, catalogue banner, navigation on the left, the current place. */
export function App() {
  const [route, navigate] = useRoute();
  useRunNotices(route, navigate);
  const info = useAppInfo();
  const catalogue = useCatalogueStatus();
  const delivery = useDeliveryStatus();
  const status = catalogue.status;
  // The sync status is the live source; app.info only covers the moment before it has loaded.
  const hasCatalogue = status
    ? status.installed !== null || status.unusable !== null
    : Boolean(info.value?.catalogue);
  const catalogueVersion = status ? status.installed?.version : info.value?.catalogue?.version;

  return (
    <Box sx={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
      <TopBar info={info.value} catalogue={catalogue} delivery={delivery} />
      <CatalogueBanner catalogue={catalogue} />
      <SchedulePausedNotice onOpenSettings={() => navigate({ page: 'settings' })} />
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
            <DesktopContext value={info.value.desktop}>
              <PartBoundary key={route.page} loading={LOADING[route.page]}>
                <Page
                  route={route}
                  navigate={navigate}
                  hasCatalogue={hasCatalogue}
                  catalogueVersion={catalogueVersion}
                />
              </PartBoundary>
            </DesktopContext>
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
  catalogueVersion,
}: {
  route: Route;
  navigate: (route: Route) => void;
  hasCatalogue: boolean;
  /** The installed catalogue version; the scripts are read again when a sync changes it. */
  catalogueVersion: number | undefined;
}) {
  const openRun = (runId: string) => navigate({ page: 'run', runId });
  switch (route.page) {
    case 'scripts':
      return (
        <PAGES.scripts.Component
          hasCatalogue={hasCatalogue}
          catalogueVersion={catalogueVersion}
          scriptId={route.scriptId}
          link={{ preset: route.preset, problem: route.linkProblem }}
          onSelect={(scriptId) => navigate({ page: 'scripts', scriptId })}
          onStarted={openRun}
        />
      );
    case 'run':
      return (
        <PAGES.run.Component
          key={route.runId}
          runId={route.runId}
          onBack={() => navigate({ page: 'history' })}
          onOpenScript={(scriptId) => navigate({ page: 'scripts', scriptId })}
        />
      );
    case 'history':
      return <PAGES.history.Component onOpenRun={openRun} />;
    case 'settings':
      return <PAGES.settings.Component onOpenRun={openRun} />;
  }
}
