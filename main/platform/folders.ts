import { pathsOf, variableOf, type OsName } from './os.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a user's ScriptDesk keeps its state, its caches and its logs. */
export interface AppFolders {
  /** The database, journal, device key reference, content store, venvs and run folders. */
  data: string;
  /** What can be rebuilt (the compiled bootstrap, downloads). */
  cache: string;
  /** Diagnostic logs of the app itself (never a run's log: those live in the run's folder). */
  logs: string;
}

/**
 * The OS's own places for an app's folders:
 * - Linux: the XDG base directories (`$XDG_DATA_HOME`, `$XDG_CACHE_HOME`, `$XDG_STATE_HOME`), with
 *   their documented defaults under the home folder;
 * - macOS: `~/Library/Application Support`, `~/Library/Caches`, `~/Library/Logs`;
 * - Windows: `%LOCALAPPDATA%`, not the roaming `%APPDATA%`: venvs and run folders are large and
 *   tied to this machine, and a roaming profile would copy them to the server at every sign-out.
 */
export function appFolders(os: OsName, env: Env, homedir: string): AppFolders {
  const p = pathsOf(os);
  switch (os) {
    case 'win32': {
      const local = variableOf(os, env, 'LOCALAPPDATA') ?? p.join(homedir, 'AppData', 'Local');
      const data = p.join(local, 'ScriptDesk');
      return { data, cache: p.join(data, 'Cache'), logs: p.join(data, 'Logs') };
    }
    case 'darwin': {
      const library = p.join(homedir, 'Library');
      return {
        data: p.join(library, 'Application Support', 'ScriptDesk'),
        cache: p.join(library, 'Caches', 'ScriptDesk'),
        logs: p.join(library, 'Logs', 'ScriptDesk'),
      };
    }
    case 'linux': {
      const base = (name: string, fallback: string[]) => {
        const value = env[name];
        // The XDG spec: a relative value is invalid and must be ignored.
        return value && p.isAbsolute(value) ? value : p.join(homedir, ...fallback);
      };
      return {
        data: p.join(base('XDG_DATA_HOME', ['.local', 'share']), 'scriptdesk'),
        cache: p.join(base('XDG_CACHE_HOME', ['.cache']), 'scriptdesk'),
        logs: p.join(base('XDG_STATE_HOME', ['.local', 'state']), 'scriptdesk', 'logs'),
      };
    }
  }
}

/**
 * The machine policy's place, writable only by administrators: `/etc/scriptdesk/policy.json`,
 * `/Library/Application Support/ScriptDesk/policy.json`, `%ProgramData%\ScriptDesk\policy.json`.
 */
export function machinePolicyFile(os: OsName, env: Env): string {
  switch (os) {
    case 'win32':
      return pathsOf(os).join(
        variableOf(os, env, 'ProgramData') ?? 'C:\\ProgramData',
        'ScriptDesk',
        'policy.json',
      );
    case 'darwin':
      return '/Library/Application Support/ScriptDesk/policy.json';
    case 'linux':
      return '/etc/scriptdesk/policy.json';
  }
}

/**
 * The name ScriptDesk's secrets are filed under in the OS keychain: the service of a macOS
 * Keychain item, the target prefix of a Windows Credential Manager entry, the `service`
 * attribute of a Secret Service item. The same on every OS, so a secret set with the CLI is the
 * one the app reads.
 */
export const KEYCHAIN_SERVICE = 'ScriptDesk';

/** What the user can do about an unreachable keychain, in their OS's words. */
export function keychainAdvice(os: OsName): string {
  switch (os) {
    case 'darwin':
      return 'Log in to macOS as yourself and make sure your login keychain is unlocked (Keychain Access), then try again.';
    case 'win32':
      return 'Make sure you are logged in to Windows as yourself, so that Credential Manager is available, then try again.';
    case 'linux':
      return 'On Linux, a desktop session with gnome-keyring or another Secret Service provider must be running and unlocked; start or unlock it, then try again.';
  }
}
