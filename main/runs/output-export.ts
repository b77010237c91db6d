import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { OutputEntry } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import { assertUnchanged, openRecordedOutput } from './output-read.js';

/** Bytes read at a time while copying or hashing. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Copies a run's recorded output to `destination` (an absolute path the user chose in main's
 * save dialog), only if it still matches its record: the bytes written are the bytes hashed, in
 * one pass, and the copy is kept only when their SHA-256 and size are the recorded ones. It is
 * written to a temporary file beside the destination and renamed over it, so the destination is
 * either the old file or the whole verified copy; a link at the destination is replaced, never
 * written through. On any failure nothing is left behind.
 */
export async function copyRecordedOutput(
  outputDir: string,
  entry: OutputEntry,
  destination: string,
): Promise<{ path: string; size: number }> {
  if (!path.isAbsolute(destination))
    throw new ApiFailure('bad_request', `The place to save ${entry.name} must be a full path.`);
  const target = path.resolve(destination);
  const existing = await lstat(target).catch(() => null);
  if (existing?.isDirectory())
    throw new ApiFailure(
      'unsupported',
      `${entry.name} was not saved: ${target} is a folder. Choose a file name inside it instead.`,
    );
  const folder = path.dirname(target);
  const folderStats = await lstat(folder).catch(() => null);
  if (!folderStats?.isDirectory() && !folderStats?.isSymbolicLink())
    throw new ApiFailure(
      'unsupported',
      `${entry.name} was not saved: the folder ${folder} does not exist. Choose a folder that exists.`,
    );
  const opened = await openRecordedOutput(outputDir, entry, 'saved');
  const partial = path.join(
    folder,
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}.scriptdesk-partial`,
  );
  let written: FileHandle | undefined;
  try {
    written = await open(
      partial,
      // O_EXCL refuses anything already there, a link included: the file is always a new one.
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
      0o644,
    ).catch((error: unknown) => {
      throw cannotWrite(entry.name, target, error);
    });
    const out = written;
    const read = await readWhileHashing(opened.handle, async (chunk) => {
      await out.write(chunk).catch((error: unknown) => {
        throw cannotWrite(entry.name, target, error);
      });
    });
    assertUnchanged(opened.entry, read, 'saved');
    await out.sync();
    await out.close();
    written = undefined;
    await rename(partial, target).catch((error: unknown) => {
      throw cannotWrite(entry.name, target, error);
    });
    return { path: target, size: read.size };
  } catch (error) {
    await written?.close().catch(() => undefined);
    await unlink(partial).catch(() => undefined);
    throw error;
  } finally {
    await opened.handle.close();
  }
}

/**
 * One part of a run's recorded output, for a download assembled in the window: bytes `offset` up
 * to `offset + partBytes`, taken from the same pass that hashes the whole file, and sent only when
 * the whole file still has its recorded size and SHA-256. `next` is the offset of the next part,
 * null after the last. Outputs over `maxBytes` are refused, naming the folder they are in.
 */
export async function readRecordedOutputPart(
  outputDir: string,
  entry: OutputEntry,
  offset: number,
  partBytes: number,
  maxBytes: number,
): Promise<{ bytes: Buffer; size: number; next: number | null }> {
  if ('size' in entry && entry.size > maxBytes)
    throw new ApiFailure(
      'unsupported',
      `${entry.name} is ${sizeInWords(entry.size)}, more than can be downloaded in the browser (${sizeInWords(maxBytes)}). It is in the run's outputs folder: ${outputDir}`,
    );
  const opened = await openRecordedOutput(outputDir, entry, 'saved');
  try {
    const size = opened.entry.size;
    if (offset > size)
      throw new ApiFailure(
        'bad_request',
        `${entry.name} has ${size} bytes; offset ${offset} is past its end.`,
      );
    const end = Math.min(size, offset + partBytes);
    const bytes = Buffer.alloc(end - offset);
    const read = await readWhileHashing(opened.handle, async (chunk, position) => {
      const from = Math.max(position, offset);
      const to = Math.min(position + chunk.length, end);
      if (from < to) chunk.copy(bytes, from - offset, from - position, to - position);
    });
    assertUnchanged(opened.entry, read, 'saved');
    return { bytes, size, next: end < size ? end : null };
  } finally {
    await opened.handle.close();
  }
}

/** Reads an open file from start to end through SHA-256, handing each chunk on as it goes. */
async function readWhileHashing(
  handle: FileHandle,
  onChunk: (chunk: Buffer, position: number) => Promise<void>,
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    hash.update(chunk);
    await onChunk(chunk, size);
    size += bytesRead;
  }
  return { sha256: hash.digest('hex'), size };
}

function cannotWrite(name: string, target: string, error: unknown): ApiFailure {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'you may not write there'
      : code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'EROFS'
          ? 'that disk is read-only'
          : code === 'EISDIR'
            ? 'it is a folder'
            : `the system said ${code ?? (error as Error).message}`;
  return new ApiFailure(
    'unsupported',
    `${name} was not saved to ${target}: ${why}. Choose another place.`,
  );
}

/** A size for people: 812 bytes, 24 KB, 65 MB (rounded up, so a limit never reads as met). */
export function sizeInWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${Math.ceil(bytes / (1024 * 1024))} MB`;
}
