import { useEffect, useRef, useState } from 'react';
import { useApiEvents } from '../api/transport-context.js';
import type { Route } from '../routing/route.js';
import { showBrowserNotification } from './browser-notifications.js';

const APP_TITLE = 'ScriptDesk';

/**
 * Tells the user about long runs that ended (main's `run.notice`, sent only when they want it):
 * unless they are looking at that very run, the window title counts the runs not seen yet
 * ("(1) ScriptDesk") and, in the web host, the browser shows a notification (Electron's shell
 * shows its own from main). The count clears when the window gets the focus or shows the run.
 */
export function useRunNotices(route: Route, navigate: (route: Route) => void): void {
  const [unseen, setUnseen] = useState<readonly string[]>([]);
  const current = useRef({ route, navigate });
  useEffect(() => {
    current.current = { route, navigate };
  });

  useApiEvents((event) => {
    if (event.name !== 'run.notice') return;
    const notice = event.payload;
    const shown = current.current.route;
    const looking =
      document.visibilityState === 'visible' &&
      document.hasFocus() &&
      shown.page === 'run' &&
      shown.runId === notice.runId;
    if (looking) return;
    setUnseen((runs) => (runs.includes(notice.runId) ? runs : [...runs, notice.runId]));
    showBrowserNotification(notice, (runId) => current.current.navigate({ page: 'run', runId }));
  });

  const shownRun = route.page === 'run' ? route.runId : null;
  useEffect(() => {
    if (shownRun) setUnseen((runs) => runs.filter((runId) => runId !== shownRun));
  }, [shownRun]);
  useEffect(() => {
    const seen = () => setUnseen([]);
    window.addEventListener('focus', seen);
    return () => window.removeEventListener('focus', seen);
  }, []);
  useEffect(() => {
    document.title = unseen.length > 0 ? `(${unseen.length}) ${APP_TITLE}` : APP_TITLE;
  }, [unseen.length]);
}
