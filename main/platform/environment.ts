import { pathsOf, variableOf, type OsName } from './os.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables a script inherits from the user's environment: who the user is, locale and time
 * zone, and on Windows what the OS and its programs need to start at all (`SYSTEMROOT` for
 * Winsock and crypto, `PATHEXT` for `shutil.which`, `COMSPEC` for `subprocess(shell=True)`, the
 * profile folders). Nothing else of the app's environment reaches a script; the runner adds its
 * temporary folder ({@link temporaryFolderVariables}), the `SCRIPTDESK_*` variables and the
 * script's declared secrets.
 */
export function inheritedVariableNames(os: OsName): readonly string[] {
  return os === 'win32'
    ? [
        'SYSTEMROOT',
        'WINDIR',
        'SYSTEMDRIVE',
        'COMSPEC',
        'PATHEXT',
        'USERPROFILE',
        'USERNAME',
        'USERDOMAIN',
        'HOMEDRIVE',
        'HOMEPATH',
        'APPDATA',
        'LOCALAPPDATA',
        'PROGRAMDATA',
        'NUMBER_OF_PROCESSORS',
        'PROCESSOR_ARCHITECTURE',
        'TZ',
      ]
    : ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ'];
}

/**
 * The variables that name a process's temporary folder: `TMPDIR` on POSIX; on Windows `TEMP` and
 * `TMP` as well, which Windows programs read (Python reads `TMPDIR` first on every OS).
 */
export function temporaryFolderVariables(os: OsName): readonly string[] {
  return os === 'win32' ? ['TMPDIR', 'TEMP', 'TMP'] : ['TMPDIR'];
}

/**
 * The fixed PATH a script or a Python tool gets: the system's own program folders, never the
 * user's PATH, which may list folders the user (or anything running as them) can write to. On
 * Windows those are under `%SYSTEMROOT%`.
 */
export function fixedPath(os: OsName, env: Env): string {
  switch (os) {
    case 'win32': {
      const root = variableOf(os, env, 'SYSTEMROOT') ?? 'C:\\Windows';
      const p = pathsOf(os);
      return [p.join(root, 'System32'), root, p.join(root, 'System32', 'Wbem')].join(';');
    }
    case 'darwin':
      return '/usr/bin:/bin:/usr/sbin:/sbin';
    case 'linux':
      return '/usr/local/bin:/usr/bin:/bin';
  }
}

/** The inherited variables of `env` that are set, and the fixed PATH: what a script starts with. */
export function scriptEnvironment(os: OsName, env: Env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of inheritedVariableNames(os)) {
    const value = variableOf(os, env, name);
    if (value) out[name] = value;
  }
  out.PATH = fixedPath(os, env);
  return out;
}

/**
 * What a Python tool (venv creation, pip) runs with: the fixed PATH, UTF-8 for its messages
 * (`LANG` on POSIX, `PYTHONUTF8` on Windows, whose console code page is not UTF-8), and on
 * Windows `SYSTEMROOT`, without which Python cannot load its crypto or sockets.
 */
export function toolEnvironment(os: OsName, env: Env): Record<string, string> {
  if (os !== 'win32') return { PATH: fixedPath(os, env), LANG: 'C.UTF-8' };
  const root = variableOf(os, env, 'SYSTEMROOT');
  return { PATH: fixedPath(os, env), PYTHONUTF8: '1', ...(root ? { SYSTEMROOT: root } : {}) };
}
