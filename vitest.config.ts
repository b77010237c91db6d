import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A private D-Bus session with an unlocked gnome-keyring for the keychain tests, and a
    // throwaway PostgreSQL cluster for the audit server's PostgreSQL store (see the files).
    globalSetup: ['test/support/keyring-global-setup.ts', 'test/support/postgres-global-setup.ts'],
    setupFiles: ['test/support/keyring-env.ts'],
  },
});
