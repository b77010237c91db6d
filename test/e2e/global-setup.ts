import { startPrivateKeyring } from '../../main/dev/private-keyring.js';
import { startDesk } from './desk.js';

/**
 * Sets up what a new user would have: a fresh home, a signing key, the demo catalogue built,
 * signed and synced with the real CLI — then starts `scriptdesk web` and hands its address
 * (with the per-start token) to the tests. Returns the teardown.
 *
 * Tests that change the catalogue (refuse, expire, replace it) start a desk of their own with
 * `startDesk()` instead, so no test depends on what another one did.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  // A private D-Bus session and gnome-keyring: every `scriptdesk` started from here or from the
  // tests (which inherit this environment) uses it, never the developer's own keyring.
  const keyring = await startPrivateKeyring();
  Object.assign(process.env, keyring.env);
  let desk;
  try {
    desk = await startDesk();
  } catch (error) {
    await keyring.stop();
    throw error;
  }
  process.env.SCRIPTDESK_E2E_URL = desk.url;
  process.env.SCRIPTDESK_E2E_WORK = desk.work;
  return async () => {
    try {
      await desk.stop();
    } finally {
      await keyring.stop();
    }
  };
}
