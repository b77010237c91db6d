import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import type { Preferences } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiEvents, useTransport } from '../api/transport-context.js';
import { useAppInfo } from '../api/app-info.js';
import { mirrorThemeChoice } from './theme-mirror.js';

/** The user's preferences as this window knows them, and how to change them. */
export interface PreferencesView {
  /** Main's latest answer or `prefs.changed` event; undefined until the first arrives. */
  value: Preferences | undefined;
  /** Why they could not be read (the window then uses the defaults). */
  error: ApiError | undefined;
  /** Asks main to change some preferences; resolves with main's refusal, or null once stored. */
  change: (change: Partial<Preferences>) => Promise<ApiError | null>;
}

const PreferencesContext = createContext<PreferencesView | null>(null);

/**
 * Takes the user's preferences from `app.info` (one of the window's first answers), follows
 * `prefs.changed` from every window on this ScriptDesk, and mirrors the theme choice locally for
 * the next start.
 */
export function PreferencesProvider({ children }: { children: ReactNode }) {
  const transport = useTransport();
  // `app.info` carries them: one of the window's first answers.
  const info = useAppInfo();
  const answered = info.value?.preferences;
  const [latest, setLatest] = useState<Preferences | undefined>(undefined);
  useEffect(() => {
    if (answered) setLatest(answered);
  }, [answered]);
  // Changed in another window while this one was not listening: read them again.
  useApiEvents((event) => {
    if (event.name === 'prefs.changed') setLatest(event.payload);
  }, info.reload);
  // Another ScriptDesk process on this home (the desktop window beside a web host) changes
  // them without an event reaching this one: read them when the user comes back to this window.
  useEffect(() => {
    const reread = () =>
      void transport.call('prefs.get', {}).then((result) => {
        if (!result.ok) return;
        // Unchanged (the usual case): keep the same object, so nothing renders again.
        setLatest((current) =>
          JSON.stringify(current) === JSON.stringify(result.value) ? current : result.value,
        );
      });
    window.addEventListener('focus', reread);
    return () => window.removeEventListener('focus', reread);
  }, [transport]);
  const value = latest ?? answered;
  useEffect(() => {
    if (value) mirrorThemeChoice(value.theme);
  }, [value]);

  // The change shows at once (a radio follows the key or click that moved it); main's answer
  // then confirms it, or its refusal puts back what main holds.
  const change = useCallback(
    async (change: Partial<Preferences>) => {
      setLatest((current) => (current ? { ...current, ...change } : current));
      const result = await transport.call('prefs.set', change);
      if (!result.ok) {
        info.reload();
        return result.error;
      }
      setLatest(result.value);
      return null;
    },
    [transport, info.reload],
  );
  const view = useMemo(() => ({ value, error: info.error, change }), [value, info.error, change]);
  return <PreferencesContext.Provider value={view}>{children}</PreferencesContext.Provider>;
}

/** The preferences given by {@link PreferencesProvider}. */
export function usePreferences(): PreferencesView {
  const view = useContext(PreferencesContext);
  if (!view) throw new Error('usePreferences() is used outside <PreferencesProvider>.');
  return view;
}
