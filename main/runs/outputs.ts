import type { Dirent } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import type { OutputEntry, SkippedOutput } from '../contract/api.js';
import { openRegularFileOrRefusal } from '../shared/regular-file.js';
import { sha256Handle } from '../shared/hashing.js';

/** Most output entries listed for one run. */
export const MAX_OUTPUT_FILES = 1000;

/** The name a skipped entry gets when the outputs folder itself is not a real folder. */
export const OUTPUTS_FOLDER_ENTRY = '.';

/** Longest link target quoted in a note (a target is whatever text the script chose). */
const MAX_TARGET_CHARS = 200;

/**
 * Lists what a run left in its outputs folder (recursively), for the run record and its audit
 * event: each regular file with its size and SHA-256, read through a handle opened without
 * following links; each symbolic link or other non-file as a skipped entry with a note, never
 * followed or read. An outputs folder that was itself replaced by a link is one skipped entry
 * named {@link OUTPUTS_FOLDER_ENTRY}, and nothing behind it is listed.
 */
export async function listOutputs(outputDir: string): Promise<OutputEntry[]> {
  const entries: OutputEntry[] = [];
  const folder = await lstat(outputDir).catch(() => null);
  if (folder === null) return entries;
  if (!folder.isDirectory())
    return [await skipped(outputDir, OUTPUTS_FOLDER_ENTRY, folder.isSymbolicLink())];
  const walk = async (relative: string): Promise<void> => {
    const dir = path.join(outputDir, ...relative.split('/').filter(Boolean));
    // readdir follows links: a folder swapped for one since it was listed is not entered.
    if (relative && !(await lstat(dir).catch(() => null))?.isDirectory()) return;
    const children: Dirent[] = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const child of children.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entries.length >= MAX_OUTPUT_FILES) return;
      const name = relative ? `${relative}/${child.name}` : child.name;
      const file = path.join(dir, child.name);
      if (child.isDirectory()) await walk(name);
      else if (child.isFile()) {
        const entry = await hashed(file, name);
        if (entry) entries.push(entry);
      } else entries.push(await skipped(file, name, child.isSymbolicLink()));
    }
  };
  await walk('');
  return entries;
}

/** A regular file's record; a skipped entry when it became something else since it was listed. */
async function hashed(file: string, name: string): Promise<OutputEntry | null> {
  const opened = await openRegularFileOrRefusal(file);
  if ('refused' in opened)
    return opened.refused === 'missing' ? null : skipped(file, name, opened.refused === 'link');
  try {
    const { sha256, size } = await sha256Handle(opened.handle);
    return { name, size, sha256 };
  } finally {
    await opened.handle.close();
  }
}

async function skipped(file: string, name: string, isLink: boolean): Promise<SkippedOutput> {
  const folder = name === OUTPUTS_FOLDER_ENTRY;
  if (!isLink)
    return {
      name,
      kind: 'other',
      note: folder
        ? 'The outputs folder is not a folder; nothing was listed.'
        : 'It is not a regular file (a FIFO, socket or device); it was not read.',
    };
  const target = await readlink(file).catch(() => null);
  const to =
    target === null
      ? ''
      : ` to "${target.length > MAX_TARGET_CHARS ? `${target.slice(0, MAX_TARGET_CHARS)}…` : target}"`;
  return {
    name,
    kind: 'symlink',
    note: `${folder ? 'The outputs folder' : 'It'} is a symbolic link${to}; ScriptDesk does not follow links, so nothing behind it was read or hashed.`,
  };
}
