import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Transport } from '../../main/contract/transport.js';
import { TransportProvider } from './api/transport-context.js';
import { App, preloadPage } from './app.js';
import { parseRoute } from './routing/route.js';
import { appTheme } from './theme.js';

/**
 * Renders the window into `container`, talking to main through `transport`, once the first
 * page's code is here (it was fetched alongside this chunk).
 */
export async function showWindow(container: HTMLElement, transport: Transport): Promise<void> {
  await preloadPage(parseRoute(window.location.hash));
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
