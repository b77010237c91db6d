import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './bench/chromium.js';

/**
 * End-to-end tests: the real renderer build in Debian's Chromium, talking to the real main side
 * through `scriptdesk web` (the loopback host) on a temporary home with the demo catalogue.
 */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e-artifacts',
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 60_000,
  // Auto-waiting assertions wait for the state they name; on a busy machine that can take longer
  // than Playwright's default 5 s, and the limit must only ever catch a state that never comes.
  expect: { timeout: 20_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
  },
});
