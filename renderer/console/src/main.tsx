import { CssBaseline, ThemeProvider } from '@mui/material';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { themeFor } from '../../src/theme';
import { App } from './app';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ThemeProvider theme={themeFor('light')}>
      <CssBaseline />
      <App />
    </ThemeProvider>
  </StrictMode>,
);
