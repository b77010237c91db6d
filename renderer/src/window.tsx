import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Transport } from '../../main/contract/transport.js';
import { TransportProvider } from './api/transport-context.js';
import { App } from './app.js';
import { appTheme } from './theme.js';

/** Renders the window into `container`, talking to main through `transport`. */
export function showWindow(container: HTMLElement, transport: Transport): void {
  createRoot(container).render(
    <StrictMode>
      <ThemeProvider theme={appTheme}>
        <CssBaseline />
        <TransportProvider transport={transport}>
          <App />
        </TransportProvider>
      </ThemeProvider>
    </StrictMode>,
  );
}
