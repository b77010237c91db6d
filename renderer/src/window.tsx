import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Transport } from '../../main/contract/transport.js';
import { AppInfoProvider } from './api/app-info.js';
import { TransportProvider } from './api/transport-context.js';
import { App, preloadPage } from './app.js';
import { parseRoute } from './routing/route.js';
import { PreferencesProvider } from './settings/preferences.js';
import { Themed } from './settings/themed.js';

/**
 * Renders the window into `container`, talking to main through `transport`, once the first
 * page's code is here (it was fetched alongside this chunk).
 */
export async function showWindow(container: HTMLElement, transport: Transport): Promise<void> {
  await preloadPage(parseRoute(window.location.hash));
  createRoot(container).render(
    <StrictMode>
      <TransportProvider transport={transport}>
        <AppInfoProvider>
          <PreferencesProvider>
            <Themed>
              <App />
            </Themed>
          </PreferencesProvider>
        </AppInfoProvider>
      </TransportProvider>
    </StrictMode>,
  );
}
