import type { ThemeChoice } from '../../../main/contract/api.js';

// No React and no Material UI here: `main.tsx` imports this before either has loaded.

/** Where the window keeps a copy of the theme choice, for painting before main has answered. */
const STORAGE_KEY = 'scriptdesk.theme';
const CHOICES: readonly string[] = ['system', 'light', 'dark'];
/** The page colour of each mode before the theme has loaded (the themes' `background.default`). */
const PAGE_COLOUR = { light: '#f4f6f9', dark: '#0f141a' } as const;
const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * The theme choice this window last saw from main, or null. Main's answer decides; this copy
 * only spares a dark-theme user a white flash while the window opens.
 */
export function mirroredThemeChoice(): ThemeChoice | null {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    return stored !== null && CHOICES.includes(stored) ? (stored as ThemeChoice) : null;
  } catch {
    return null; // storage turned off: no copy, no harm
  }
}

/** Keeps a copy of main's answer for the next time the window opens. */
export function mirrorThemeChoice(choice: ThemeChoice): void {
  try {
    if (window.localStorage.getItem(STORAGE_KEY) !== choice)
      window.localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    // storage turned off or full: the window opens in the system's colours, then main's choice
  }
}

/** Whether the operating system asks for dark colours now. */
export function systemPrefersDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

/** Calls `onChange` whenever the operating system switches between light and dark. */
export function watchSystemColours(onChange: () => void): () => void {
  if (typeof window.matchMedia !== 'function') return () => {};
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** What a choice comes to now: "system" follows the operating system. */
export function modeOf(choice: ThemeChoice, systemDark: boolean): 'light' | 'dark' {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

/**
 * Paints the empty page in the mirrored choice's colours before anything else has loaded (two
 * style properties: no measurable cost to the first screen).
 */
export function paintPageEarly(): void {
  const mode = modeOf(mirroredThemeChoice() ?? 'system', systemPrefersDark());
  const root = document.documentElement.style;
  root.colorScheme = mode;
  root.backgroundColor = PAGE_COLOUR[mode];
}
