import { constants, type BigIntStats, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { sha256Handle } from './hashing.js';

/**
 * `O_NOFOLLOW`: opening a symbolic link fails instead of opening what it points to. Windows has no
 * such flag (0 here); there the callers' directory listings (which see a link as a link) carry it.
 */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** A FIFO put where a file was would block a plain open until someone writes to it; this does not. */
const NO_WAIT = constants.O_NONBLOCK ?? 0;

/** Why a path is not a regular file that can be read. */
export type NotReadable = 'missing' | 'link' | 'not_file' | 'unreadable';

/** A path that is not a plain file: a symbolic link, a folder or device, or missing. */
export class NotARegularFile extends Error {
  constructor(
    readonly file: string,
    readonly why: NotReadable,
    options?: { cause?: unknown },
  ) {
    super(`${file} is ${DESCRIBED[why]}`, options);
    this.name = 'NotARegularFile';
  }
}

const DESCRIBED: Record<NotReadable, string> = {
  missing: 'missing',
  link: 'a symbolic link',
  not_file: 'not a regular file',
  unreadable: 'not readable',
};

/**
 * Opens `file` for reading without following a symbolic link in its last part, and only if it is
 * a regular file (checked on the open handle, so what is checked is what is read). Throws
 * {@link NotARegularFile}.
 */
export async function openRegularFile(file: string): Promise<{ handle: FileHandle; stats: Stats }> {
  let handle: FileHandle;
  try {
    handle = await open(file, constants.O_RDONLY | NO_FOLLOW | NO_WAIT);
  } catch (error) {
    throw new NotARegularFile(file, whyNot(error), { cause: error });
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new NotARegularFile(file, 'not_file');
    return { handle, stats };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * {@link openRegularFile} for callers that treat a missing file, a link or a non-file as an
 * answer rather than an error: those come back as `refused`; any other failure is thrown as the
 * operating system reported it. The caller closes the handle.
 */
export async function openRegularFileOrRefusal(
  file: string,
): Promise<{ handle: FileHandle; stats: Stats } | { refused: Exclude<NotReadable, 'unreadable'> }> {
  try {
    return await openRegularFile(file);
  } catch (error) {
    if (!(error instanceof NotARegularFile)) throw error;
    if (error.why === 'unreadable') throw error.cause;
    return { refused: error.why };
  }
}

/**
 * What identifies one version of a file's content without reading it: its inode, size, and
 * modification and change times. The change time is set by the kernel on every write, rename or
 * chmod and no user can set it back, so while a file's stamp is the same its bytes are too.
 */
export type FileStamp = string;

/** The {@link FileStamp} of `stats` (taken with `bigint: true`, for nanoseconds and large inodes). */
export function stampOf(stats: BigIntStats): FileStamp {
  return `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
}

/**
 * The bytes of a regular file (see {@link openRegularFile}) when it holds exactly `size` bytes,
 * with the stamp of what was read; null when it holds another number of bytes.
 */
export async function readRegularFile(
  file: string,
  size: number,
): Promise<{ bytes: Buffer; stamp: FileStamp } | null> {
  const { handle } = await openRegularFile(file);
  try {
    const stats = await handle.stat({ bigint: true });
    if (stats.size !== BigInt(size)) return null;
    const bytes = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) return null; // it shrank while being read
      filled += bytesRead;
    }
    return { bytes, stamp: stampOf(stats) };
  } finally {
    await handle.close();
  }
}

/** The SHA-256 and length of a regular file (see {@link openRegularFile}). */
export async function hashRegularFile(file: string): Promise<{ sha256: string; size: number }> {
  const { handle } = await openRegularFile(file);
  try {
    const { sha256, size } = await sha256Handle(handle);
    return { sha256, size };
  } finally {
    await handle.close();
  }
}

function whyNot(error: unknown): NotReadable {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return 'missing';
    case 'ELOOP': // Linux and macOS: the last part is a symbolic link
    case 'EMLINK': // FreeBSD says it this way
      return 'link';
    case 'EISDIR':
      return 'not_file';
    default:
      return 'unreadable';
  }
}
