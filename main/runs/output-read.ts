import type { FileHandle } from 'node:fs/promises';
import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { isOutputFile, type OutputEntry, type OutputFile } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import { openRegularFileOrRefusal } from '../shared/regular-file.js';
import { sha256Handle } from '../shared/hashing.js';

/** What is done with an output, for the messages that refuse it: "it is not shown". */
export type OutputUse = 'shown' | 'saved' | 'opened';

/** A recorded output file opened for reading (the caller closes `handle`). */
export interface OpenedOutput {
  entry: OutputFile;
  /** Its absolute path inside the run's outputs folder. */
  file: string;
  handle: FileHandle;
  stats: Stats;
}

/**
 * Opens a run's output file only the way its record allows: every folder on the way a real
 * folder (not a link), the file itself opened without following a link and a regular file of the
 * recorded size. Its content is not read here: callers hash what they read (see
 * {@link readRecordedOutput}). Anything else is an `output_changed` failure naming what happened.
 */
export async function openRecordedOutput(
  outputDir: string,
  entry: OutputEntry,
  use: OutputUse = 'shown',
): Promise<OpenedOutput> {
  const { name } = entry;
  if (!isOutputFile(entry))
    throw new ApiFailure('unsupported', `${name} cannot be ${use}. ${entry.note}`);
  const parts = name.split('/');
  // Recorded names come from readdir; this only guards against a record that was edited.
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    throw new ApiFailure('not_found', `The run has no output file named "${name.slice(0, 80)}".`);
  for (let depth = 0; depth < parts.length; depth++) {
    const folder = path.join(outputDir, ...parts.slice(0, depth));
    const stats = await lstat(folder).catch(() => null);
    if (stats === null) throw changed(missing(name, use));
    if (!stats.isDirectory()) {
      const label = ['outputs', ...parts.slice(0, depth)].join('/');
      throw changed(
        `${name} is not ${use}: its folder ${label} was replaced by ${stats.isSymbolicLink() ? 'a link' : 'something that is not a folder'} after the run ended.`,
      );
    }
  }
  const file = path.join(outputDir, ...parts);
  const opened = await openRegularFileOrRefusal(file);
  if ('refused' in opened)
    throw changed(
      opened.refused === 'missing'
        ? missing(name, use)
        : opened.refused === 'link'
          ? `${name} was replaced by a symbolic link after the run ended; ScriptDesk does not follow links, so it is not ${use}.`
          : `${name} was replaced by something that is not a regular file after the run ended; it is not ${use}.`,
    );
  // A different size is a change without reading a byte; the same size still needs the hash.
  if (opened.stats.size !== entry.size) {
    await opened.handle.close();
    throw changed(contentChanged(name, use));
  }
  return { entry, file, ...opened };
}

/**
 * Reads the beginning of a run's output file for a preview, only while it is still exactly what
 * the run's record says (see {@link openRecordedOutput}), and its whole content of the recorded
 * size and SHA-256. Nothing of a changed, replaced, linked, moved or deleted file is returned.
 * `base64` sends the bytes themselves (for images); the caller caps the size first.
 */
export async function readRecordedOutput(
  outputDir: string,
  entry: OutputEntry,
  previewBytes: number,
  encoding: 'utf8' | 'base64' = 'utf8',
): Promise<{ text: string; truncated: boolean }> {
  const opened = await openRecordedOutput(outputDir, entry);
  try {
    const read = await sha256Handle(opened.handle, previewBytes);
    assertUnchanged(opened.entry, read);
    return { text: read.head.toString(encoding), truncated: read.size > previewBytes };
  } finally {
    await opened.handle.close();
  }
}

/** Throws `output_changed` unless what was read has the recorded size and SHA-256. */
export function assertUnchanged(
  entry: OutputFile,
  read: { size: number; sha256: string },
  use: OutputUse = 'shown',
): void {
  if (read.size !== entry.size || read.sha256 !== entry.sha256)
    throw changed(contentChanged(entry.name, use));
}

function changed(message: string): ApiFailure {
  return new ApiFailure('output_changed', message);
}

function contentChanged(name: string, use: OutputUse): string {
  return `${name} was changed after the run ended (its content no longer matches what was recorded); it is not ${use}.`;
}

function missing(name: string, use: OutputUse): string {
  return `${name} is no longer in the run's outputs folder (it was moved or deleted after the run ended); it is not ${use}.`;
}
