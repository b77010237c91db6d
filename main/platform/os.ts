import path from 'node:path';

/**
 * The three operating systems ScriptDesk decides for. Every other POSIX system (FreeBSD, …) gets
 * the Linux rules, which assume nothing beyond POSIX except where a function says so.
 */
export type OsName = 'linux' | 'darwin' | 'win32';

export const ALL_OSES: readonly OsName[] = ['linux', 'darwin', 'win32'];

/** The OS rules for a Node platform name. */
export function osOf(platform: string): OsName {
  return platform === 'win32' || platform === 'darwin' ? platform : 'linux';
}

/**
 * The OS this process runs on: the one place in main/ that reads `process.platform` (the lint
 * rule `no-restricted-properties` refuses it anywhere else). Everything else takes an {@link OsName}, so every OS's rules run in tests here.
 */
export const HOST_OS: OsName = osOf(process.platform);

/** The path functions of an OS (`path.win32` or `path.posix`), whatever OS runs this. */
export function pathsOf(os: OsName): path.PlatformPath {
  return os === 'win32' ? path.win32 : path.posix;
}

/**
 * A variable of `env` as the OS finds it: Windows names are case-insensitive (`Path`, `PATH`),
 * elsewhere exact. `process.env` does this itself on Windows; a plain object does not.
 */
export function variableOf(
  os: OsName,
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): string | undefined {
  if (os !== 'win32') return env[name] || undefined;
  const upper = name.toUpperCase();
  for (const [key, value] of Object.entries(env))
    if (key.toUpperCase() === upper && value) return value;
  return undefined;
}
