import type { TestProject } from 'vitest/node';
import { startPrivateKeyring } from '../../main/dev/private-keyring.js';
import { PRIVATE_KEYRING } from './os-needs.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The private keyring's environment (its D-Bus session address), for every test process. */
    privateKeyringEnv: Record<string, string>;
  }
}

/**
 * Vitest global setup: one private gnome-keyring for the whole run, so the keychain code is tested
 * for real on any machine (CI has no desktop session) and never touches the developer's keyring.
 *
 * How its address reaches everything: it is set in this (the main) process's environment, which
 * the fork workers started after this setup inherit today (checked with vitest 4.1 and
 * `pool: 'forks'`), and so does everything they spawn (the CLI, `scriptdesk web`). That inheritance
 * is not a documented promise, so the address is also `provide`d and `keyring-env.ts` (a setup
 * file, run in every worker before its tests) copies the `inject`ed value into `process.env`.
 *
 * Every test process shares this one keyring: a test that sets a secret should use a name no
 * other test file uses.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!PRIVATE_KEYRING.met) {
    // macOS and Windows: the tests use the signed-in user's own keychain.
    project.provide('privateKeyringEnv', {});
    return async () => {};
  }
  const keyring = await startPrivateKeyring();
  Object.assign(process.env, keyring.env);
  project.provide('privateKeyringEnv', keyring.env);
  return () => keyring.stop();
}
