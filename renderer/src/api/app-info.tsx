import { createContext, useContext, type ReactNode } from 'react';
import type { MethodOutput } from '../../../main/contract/api.js';
import { useApiQuery, type QueryState } from './use-api-query.js';

const AppInfoContext = createContext<QueryState<MethodOutput<'app.info'>> | null>(null);

/**
 * Asks main once for `app.info` (who is signed in, the catalogue, the user's preferences) and
 * shares the answer with the whole window: the frame, the theme and Settings read the same one.
 */
export function AppInfoProvider({ children }: { children: ReactNode }) {
  const info = useApiQuery('app.info', {});
  return <AppInfoContext.Provider value={info}>{children}</AppInfoContext.Provider>;
}

/** The `app.info` answer given by {@link AppInfoProvider}. */
export function useAppInfo(): QueryState<MethodOutput<'app.info'>> {
  const info = useContext(AppInfoContext);
  if (!info) throw new Error('useAppInfo() is used outside <AppInfoProvider>.');
  return info;
}
