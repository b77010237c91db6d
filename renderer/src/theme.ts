import { createTheme } from '@mui/material/styles';

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

/**
 * The app's look: a calm blue, compact controls and the system font. Status colours are darkened
 * where needed so white chip text keeps at least 4.5:1 contrast.
 *
 * Keyboard focus is a 2px ring in the primary blue, 2px off the element, on everything that
 * can take focus: Material UI's own `focusVisible` ring on its buttons, list items, chips, links,
 * checkboxes and switches (inset on list items, which scroll and would clip it; with a light halo
 * in the blue top bar), the same ring on a focused text field, and for plain focusable elements
 * (the log, a file preview, a page heading focused after navigation) through `CssBaseline`.
 */
export const appTheme = createTheme({
  focusVisible: true,
  palette: {
    mode: 'light',
    primary: { main: '#1f5fa6', dark: '#17487e', light: '#4a86c9', contrastText: '#ffffff' },
    secondary: { main: '#55657a' },
    success: { main: '#2e7d32', contrastText: '#ffffff' },
    warning: { main: '#a65300', dark: '#7f4000', contrastText: '#ffffff' },
    error: { main: '#c62828', contrastText: '#ffffff' },
    info: { main: '#0a6aa6', contrastText: '#ffffff' },
    background: { default: '#f4f6f9', paper: '#ffffff' },
    text: { primary: '#1b2430', secondary: '#4d5b6b' },
    divider: '#dde3ea',
  },
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
      styleOverrides: { outlined: { borderColor: '#dde3ea' } },
    },
    MuiAppBar: { defaultProps: { elevation: 0 } },
    MuiDialog: { defaultProps: { maxWidth: 'sm', fullWidth: true } },
    MuiAlert: { styleOverrides: { root: { alignItems: 'flex-start' } } },
  },
});
