import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Hang guards, not expectations: no test waits for a time, but on a busy shared machine some
    // (several CLI processes in a row, 10,000 signed events) took 35-65 s, and a test must never
    // fail only because the machine was busy.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // A private D-Bus session with an unlocked gnome-keyring for the keychain tests, and a
    // throwaway PostgreSQL cluster for the audit server's PostgreSQL store (see the files).
    globalSetup: ['test/support/keyring-global-setup.ts', 'test/support/postgres-global-setup.ts'],
    setupFiles: ['test/support/keyring-env.ts'],
  },
});
