import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { isOutputFile, type OutputEntry } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import { openRegularFileOrRefusal } from '../shared/regular-file.js';
import { sha256Handle } from '../shared/hashing.js';

/**
 * Reads the beginning of a run's output file for a preview, only while it is still exactly what
 * the run's record says: every folder on the way a real folder (not a link), the file itself
 * opened without following a link and a regular file, and its whole content of the recorded size
 * and SHA-256. Anything else (changed, replaced, linked, moved or deleted after the run ended) is
 * an `output_changed` failure naming what happened; nothing of such a file is ever returned.
 */
export async function readRecordedOutput(
  outputDir: string,
  entry: OutputEntry,
  previewBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  const { name } = entry;
  if (!isOutputFile(entry))
    throw new ApiFailure('unsupported', `${name} cannot be shown. ${entry.note}`);
  const parts = name.split('/');
  // Recorded names come from readdir; this only guards against a record that was edited.
  if (parts.some((part) => part === '' || part === '.' || part === '..'))
    throw new ApiFailure('not_found', `The run has no output file named "${name.slice(0, 80)}".`);
  for (let depth = 0; depth < parts.length; depth++) {
    const folder = path.join(outputDir, ...parts.slice(0, depth));
    const stats = await lstat(folder).catch(() => null);
    if (stats === null) throw changed(missing(name));
    if (!stats.isDirectory()) {
      const label = ['outputs', ...parts.slice(0, depth)].join('/');
      throw changed(
        `${name} is not shown: its folder ${label} was replaced by ${stats.isSymbolicLink() ? 'a link' : 'something that is not a folder'} after the run ended.`,
      );
    }
  }
  const opened = await openRegularFileOrRefusal(path.join(outputDir, ...parts));
  if ('refused' in opened)
    throw changed(
      opened.refused === 'missing'
        ? missing(name)
        : opened.refused === 'link'
          ? `${name} was replaced by a symbolic link after the run ended; ScriptDesk does not follow links, so it is not shown.`
          : `${name} was replaced by something that is not a regular file after the run ended; it is not shown.`,
    );
  try {
    // A different size is a change without reading a byte; the same size still needs the hash.
    if (opened.stats.size !== entry.size) throw changed(contentChanged(name));
    const read = await sha256Handle(opened.handle, previewBytes);
    if (read.size !== entry.size || read.sha256 !== entry.sha256)
      throw changed(contentChanged(name));
    return { text: read.head.toString('utf8'), truncated: read.size > previewBytes };
  } finally {
    await opened.handle.close();
  }
}

function changed(message: string): ApiFailure {
  return new ApiFailure('output_changed', message);
}

function contentChanged(name: string): string {
  return `${name} was changed after the run ended (its content no longer matches what was recorded); it is not shown.`;
}

function missing(name: string): string {
  return `${name} is no longer in the run's outputs folder (it was moved or deleted after the run ended); it is not shown.`;
}
