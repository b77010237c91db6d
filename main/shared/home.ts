import os from 'node:os';
import path from 'node:path';

/**
 * The data folder: `$SCRIPTDESK_HOME` when set, else the OS app-data folder. Every command and
 * the app honour it, so tests and scripts can isolate state.
 */
export function defaultHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.SCRIPTDESK_HOME;
  if (override) return path.resolve(override);
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'ScriptDesk');
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', 'ScriptDesk');
    default:
      return path.join(
        env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'),
        'scriptdesk',
      );
  }
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
