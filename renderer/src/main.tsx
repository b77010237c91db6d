import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { TransportProvider } from './api/transport-context.js';
import { App, preloadPage } from './app.js';
import { parseRoute } from './routing/route.js';
import { appTheme } from './theme.js';
import { createTransport } from './transport/index.js';

// The place the window opens on is fetched while the first API calls are made.
preloadPage(parseRoute(window.location.hash));
// Created before the first render: the HTTP transport takes the access token out of the address.
const transport = createTransport();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');

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
