import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';

/** How long a burst of changes (an install renames two folders) is let settle before one call. */
const SETTLE_MS = 150;

/**
 * Calls `onChange` when the installed catalogue's folder changes on disk: an install by
 * `scriptdesk sync` or another window of the app, as well as this process's own. Changes within
 * {@link SETTLE_MS} make one call. `close()` stops watching. Where the platform cannot watch the
 * folder, nothing is called: the installed catalogue is still read again on the next request
 * (CatalogueService compares the install on disk with what it read).
 */
export async function watchInstalls(
  catalogueDir: string,
  onChange: () => void,
  logError: (message: string) => void,
): Promise<{ close(): void }> {
  await mkdir(catalogueDir, { recursive: true });
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher;
  try {
    watcher = watch(catalogueDir, { persistent: false }, () => {
      clearTimeout(timer);
      timer = setTimeout(onChange, SETTLE_MS);
    });
  } catch (error) {
    logError(
      `[scriptdesk] catalogues installed by other programs are noticed only when the window asks again: ${catalogueDir} cannot be watched (${(error as Error).message}).`,
    );
    return { close: () => {} };
  }
  watcher.on('error', (error) =>
    logError(`[scriptdesk] watching ${catalogueDir} stopped: ${error.message}`),
  );
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
