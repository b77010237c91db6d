import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so readers see either the old or the complete new content, never a part:
 * write a temporary sibling, flush it to disk, rename over the target.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = 0o644,
): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** True when something exists at `file` (any kind, links not followed). */
export async function pathExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Flags that open a file for reading without following a symbolic link in its last component
 * (the open fails with ELOOP instead) and without blocking on a FIFO. Windows has neither flag
 * (0 there); the regular-file check in {@link openRegularFile} still applies.
 */
const READ_NO_FOLLOW =
  constants.O_RDONLY |
  ((constants as Partial<typeof constants>).O_NOFOLLOW ?? 0) |
  ((constants as Partial<typeof constants>).O_NONBLOCK ?? 0);

/** Why {@link openRegularFile} did not open a file. */
export type OpenRefusal = 'missing' | 'link' | 'not_a_file';

/**
 * Opens `file` for reading only if it is a regular file itself: a symbolic link is refused, not
 * followed, and a FIFO, socket, device or folder is refused after an `fstat` of the opened handle
 * (which describes what was opened, so a swap after the check changes nothing). The caller
 * closes the handle.
 */
export async function openRegularFile(
  file: string,
): Promise<{ handle: FileHandle; stats: Stats } | { refused: OpenRefusal }> {
  let handle: FileHandle;
  try {
    handle = await open(file, READ_NO_FOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { refused: 'missing' };
    // Linux and macOS answer ELOOP for O_NOFOLLOW on a link; FreeBSD answers EMLINK.
    if (code === 'ELOOP' || code === 'EMLINK') return { refused: 'link' };
    throw error;
  }
  const stats = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (stats.isFile()) return { handle, stats };
  await handle.close();
  return { refused: 'not_a_file' };
}
