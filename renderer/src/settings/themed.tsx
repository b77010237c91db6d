import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { themeFor } from '../theme.js';
import { usePreferences } from './preferences.js';
import {
  mirroredThemeChoice,
  modeOf,
  systemPrefersDark,
  watchSystemColours,
} from './theme-mirror.js';

/**
 * The window in the user's colours: main's choice once known (until then the copy this window
 * kept); "system" follows the operating system live.
 */
export function Themed({ children }: { children: ReactNode }) {
  const preferences = usePreferences();
  const systemDark = useSyncExternalStore(watchSystemColours, systemPrefersDark);
  const choice = preferences.value?.theme ?? mirroredThemeChoice() ?? 'system';
  const mode = modeOf(choice, systemDark);
  const theme = themeFor(mode);
  useEffect(() => {
    // The page behind the window (painted early by main.tsx) follows, and tests can read the mode.
    const root = document.documentElement;
    root.dataset.themeMode = mode;
    root.style.colorScheme = mode;
    root.style.backgroundColor = theme.palette.background.default;
  }, [mode, theme]);
  return (
    <ThemeProvider theme={theme}>
      <CssBaseline enableColorScheme />
      {children}
    </ThemeProvider>
  );
}
