import { createTheme, type PaletteOptions, type Theme } from '@mui/material/styles';

const systemFont = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  'sans-serif',
].join(',');

/** Monospace stack for logs, hashes and file previews. */
export const monospaceFont = [
  'ui-monospace',
  '"SF Mono"',
  '"Cascadia Mono"',
  'Menlo',
  'Consolas',
  '"Liberation Mono"',
  'monospace',
].join(',');

/** Light or dark: what a theme choice ("system", "light", "dark") comes to in a window. */
export type ThemeMode = 'light' | 'dark';

/**
 * The light palette: a calm blue. Status colours are darkened where needed so white chip text
 * keeps at least 4.5:1 contrast (test/unit/theme-contrast.test.ts computes every pair).
 */
export const LIGHT_PALETTE = {
  mode: 'light',
  primary: { main: '#1f5fa6', dark: '#17487e', light: '#4a86c9', contrastText: '#ffffff' },
  secondary: { main: '#55657a', contrastText: '#ffffff' },
  success: { main: '#2e7d32', contrastText: '#ffffff' },
  warning: { main: '#a65300', dark: '#7f4000', contrastText: '#ffffff' },
  error: { main: '#c62828', contrastText: '#ffffff' },
  info: { main: '#0a6aa6', contrastText: '#ffffff' },
  background: { default: '#f4f6f9', paper: '#ffffff' },
  text: { primary: '#1b2430', secondary: '#4d5b6b' },
  divider: '#dde3ea',
} as const satisfies PaletteOptions;

/**
 * The dark palette: the same blue family on blue-grey surfaces. Status colours are light here,
 * so filled chips and buttons carry dark text (their `contrastText`), and outlined ones and links
 * read on the dark surfaces; every pair is at least 4.5:1 like the light palette's.
 */
export const DARK_PALETTE = {
  mode: 'dark',
  primary: { main: '#8cbcf2', dark: '#5f9ad9', light: '#b5d4f7', contrastText: '#0b1b2e' },
  secondary: { main: '#a9b6c6', contrastText: '#0f141a' },
  success: { main: '#74c67a', contrastText: '#0b1f0d' },
  warning: { main: '#f2a950', dark: '#d48a2e', contrastText: '#2a1600' },
  error: { main: '#f4948b', contrastText: '#2b0705' },
  info: { main: '#74c0ec', contrastText: '#05202f' },
  background: { default: '#0f141a', paper: '#171e27' },
  text: { primary: '#e6edf3', secondary: '#a9b4c0' },
  divider: '#2e3a48',
} as const satisfies PaletteOptions;

/**
 * The blue bar across the top in each mode, with white text. In dark mode it is a deep blue,
 * not the light primary, so the badges drawn for white-on-blue stay right.
 */
export const TOP_BAR = {
  light: { background: LIGHT_PALETTE.primary.main, text: '#ffffff' },
  dark: { background: '#1b3b60', text: '#ffffff' },
} as const;

/**
 * The log panel: light text on near-black in both modes (logs read best that way); in dark mode
 * it gets a border so it does not melt into the page.
 */
export const LOG_COLOURS = {
  background: '#111827',
  text: '#e5e7eb',
  stderr: '#fca5a5',
  muted: '#9ca3af',
} as const;

/**
 * The app's look in `mode`: compact controls and the system font.
 *
 * Keyboard focus is a 2px ring in the primary blue, 2px off the element, on everything that
 * can take focus: Material UI's own `focusVisible` ring on its buttons, list items, chips, links,
 * checkboxes and switches (inset on list items, which scroll and would clip it; with a halo of
 * the page colour in the blue top bar), the same ring on a focused text field, and for plain
 * focusable elements (the log, a file preview, a page heading focused after navigation) through
 * `CssBaseline`. In dark mode the ring is the light primary, which stands out on the dark
 * surfaces and on the deep blue bar.
 */
function buildTheme(mode: ThemeMode): Theme {
  const palette = mode === 'dark' ? DARK_PALETTE : LIGHT_PALETTE;
  const bar = TOP_BAR[mode];
  return createTheme({
    focusVisible: true,
    palette,
    shape: { borderRadius: 8 },
    spacing: 8,
    typography: {
      fontFamily: systemFont,
      fontSize: 14,
      h5: { fontWeight: 600, fontSize: '1.35rem' },
      h6: { fontWeight: 600, fontSize: '1.05rem' },
      subtitle1: { fontWeight: 600 },
      subtitle2: { fontWeight: 600 },
      button: { textTransform: 'none', fontWeight: 600 },
    },
    components: {
      MuiCssBaseline: {
        // `:where` adds no specificity: any component that draws its own focus keeps it.
        styleOverrides: (theme) => ({ ':where(:focus-visible)': theme.focusVisible || {} }),
      },
      MuiInputBase: {
        // A text field is focused by mouse too, and shows it the same way: the ring around its box.
        styleOverrides: {
          root: ({ theme }) => ({ '&.Mui-focused': theme.focusVisible || {} }),
        },
      },
      MuiButton: { defaultProps: { size: 'small', disableElevation: true } },
      MuiIconButton: { defaultProps: { size: 'small' } },
      MuiTextField: { defaultProps: { size: 'small' } },
      MuiFormControl: { defaultProps: { size: 'small' } },
      MuiSelect: { defaultProps: { size: 'small' } },
      MuiSwitch: { defaultProps: { size: 'small' } },
      MuiCheckbox: { defaultProps: { size: 'small' } },
      MuiRadio: { defaultProps: { size: 'small' } },
      MuiChip: { defaultProps: { size: 'small' }, styleOverrides: { root: { fontWeight: 600 } } },
      MuiTable: { defaultProps: { size: 'small' } },
      MuiList: { defaultProps: { dense: true } },
      MuiTooltip: { defaultProps: { arrow: true } },
      MuiPaper: {
        defaultProps: { elevation: 0 },
        // No lighter "elevation overlay" on dark paper: surfaces keep the palette's colour.
        styleOverrides: {
          root: { backgroundImage: 'none' },
          outlined: { borderColor: palette.divider },
        },
      },
      MuiAppBar: {
        // Without `enableColorOnDark`, a dark theme paints the bar as plain paper.
        defaultProps: { elevation: 0, enableColorOnDark: true },
        styleOverrides: {
          root: { '--AppBar-background': bar.background, '--AppBar-color': bar.text },
        },
      },
      MuiDialog: { defaultProps: { maxWidth: 'sm', fullWidth: true } },
      MuiAlert: { styleOverrides: { root: { alignItems: 'flex-start' } } },
    },
  });
}

const built: Partial<Record<ThemeMode, Theme>> = {};

/** The theme for `mode`, built on first use (a window that never turns dark never builds it). */
export function themeFor(mode: ThemeMode): Theme {
  return (built[mode] ??= buildTheme(mode));
}
