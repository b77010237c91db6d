import { describe } from 'vitest';
import { HOST_OS } from '../../main/platform/os.js';
import { checkPathShape } from '../../main/platform/path-rules.js';

/**
 * What some tests need that only this project's Linux machines have. On another OS (the Windows
 * and macOS runners of `.github/workflows/test.yml`) those tests are skipped, and their title
 * says why, instead of failing for a missing tool. On Linux nothing is skipped: a missing tool
 * fails the run, naming the package (CI must not skip these quietly).
 */
export interface Need {
  met: boolean;
  /** Why a test is skipped where the need is not met. */
  reason: string;
}

const LINUX = HOST_OS === 'linux';

/** /proc: process identity by start time, the run marker, subreaper and socket-buffer checks. */
export const PROC: Need = {
  met: LINUX,
  reason:
    'reads /proc, which only Linux has (macOS and Windows stop a tree their own way, see main/platform/process-tree.ts)',
};

/** The private gnome-keyring under D-Bus the tests start; elsewhere the OS keychain is used as is. */
export const PRIVATE_KEYRING: Need = {
  met: LINUX,
  reason: 'drives a private gnome-keyring under D-Bus (Linux); this OS has its own keychain',
};

/** A throwaway PostgreSQL cluster from Debian's `postgresql` package. */
export const POSTGRES_CLUSTER: Need = {
  met: LINUX,
  reason: 'starts a PostgreSQL cluster from Debian’s postgresql package (Linux CI only)',
};

/** `describe`, or `describe.skip` with the reason in the title where `need` is not met. */
export function describeWhere(need: Need, title: string, body: () => void): void {
  if (need.met) describe(title, body);
  else describe.skip(`${title} (skipped on ${HOST_OS}: ${need.reason})`, body);
}

/** What this OS's rules say of a relative file-input path (the words differ on Windows). */
export const RELATIVE_PATH_PROBLEM = (() => {
  const shape = checkPathShape(HOST_OS, 'relative.csv', { allowNetworkPaths: false });
  if (shape.ok) throw new Error('a relative path passed the path rules');
  return shape.problem;
})();
