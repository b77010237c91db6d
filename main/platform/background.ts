import type { OsName } from './os.js';

/**
 * What each OS expects of an app that keeps running without a window: whether it stays alive by
 * convention, and how its tray (menu-bar) icon is drawn.
 */

/**
 * True where an app with no window open keeps running by the OS's own convention: on macOS it
 * stays in the Dock until the user quits it. Elsewhere closing the last window quits, unless the
 * app stays in the tray on purpose.
 */
export function keepsRunningWithoutWindows(os: OsName): boolean {
  return os === 'darwin';
}

/**
 * The tray icon's file name (in the package's `tray` resources): an `.ico` on Windows (its
 * notification area picks the size it needs); on macOS a black-and-clear "Template" image the
 * menu bar recolours for light and dark (Electron finds `@2x` beside it); a PNG on Linux.
 */
export function trayIconFile(os: OsName): string {
  switch (os) {
    case 'win32':
      return 'tray.ico';
    case 'darwin':
      return 'trayTemplate.png';
    case 'linux':
      return 'tray.png';
  }
}
