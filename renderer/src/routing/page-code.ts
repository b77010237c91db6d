import type { Route } from './route.js';

/**
 * Fetches the code of each place of the window (its own chunk). The browser fetches a chunk
 * once, however often it is asked; `main.tsx` asks for the first place's before React has loaded.
 */
export const PAGE_CODE = {
  scripts: () => import('../scripts/scripts-page.js'),
  run: () => import('../runs/run-page.js'),
  history: () => import('../history/history-page.js'),
  settings: () => import('../settings/settings-page.js'),
} satisfies Record<Route['page'], () => Promise<unknown>>;
