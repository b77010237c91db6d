import os from 'node:os';
import path from 'node:path';
import { appFolders } from '../platform/folders.js';
import { HOST_OS } from '../platform/os.js';

/**
 * The data folder: `$SCRIPTDESK_HOME` when set, else the OS's folder for an app's data (see
 * `platform/folders.ts`). Every command and the app honour it, so tests and scripts can isolate
 * state.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.SCRIPTDESK_HOME;
  if (override) return path.resolve(override);
  return appFolders(HOST_OS, env, os.homedir()).data;
}

/** Where each kind of state lives inside a home folder. One place, so nothing guesses a path. */
export function homePaths(home: string) {
  return {
    home,
    database: path.join(home, 'scriptdesk.sqlite'),
    device: path.join(home, 'device.json'),
    trustedKeys: path.join(home, 'trusted-keys'),
    store: path.join(home, 'store'),
    catalogue: path.join(home, 'catalogue'),
    scripts: path.join(home, 'scripts'),
    venvs: path.join(home, 'venvs'),
    /** What each venv held when it was built, kept outside the venvs (see python/venv-manifest.ts). */
    venvManifests: path.join(home, 'venv-manifests'),
    runs: path.join(home, 'runs'),
  };
}
export type HomePaths = ReturnType<typeof homePaths>;
