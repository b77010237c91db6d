import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiFailure } from '../contract/errors.js';

/** Most entries one folder listing returns (a folder with more says so). */
export const MAX_ENTRIES = 2000;

export interface BrowseRequest {
  /** The folder to list (absolute); the root when not given. */
  folder?: string;
  /** What the field takes: files (folders are shown to walk through) or folders only. */
  kind: 'file' | 'directory';
  /** For files: the extensions the field accepts (".csv"); any when empty. */
  accept?: readonly string[];
}

export interface FolderListing {
  /** The folder listed, as the user knows it (links resolved). */
  folder: string;
  /** Its parent, or null at the root: the browser goes no higher. */
  parent: string | null;
  root: string;
  entries: { name: string; kind: 'file' | 'directory'; size: number | null }[];
  /** True when the folder holds more than {@link MAX_ENTRIES} entries that could be shown. */
  truncated: boolean;
}

/** True when `inner` is `outer` or inside it (both real, absolute paths). */
export function isWithin(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * One folder under `root` as a file chooser shows it: its folders, then (for a file field) the
 * files the field accepts, by name; hidden entries (dot files) left out. A folder outside the root
 * — named directly, through `..` or through a link — is refused, so the browser can show nothing
 * the user's home does not hold. Links are followed only to places inside the root.
 */
export async function listFolder(rootPath: string, request: BrowseRequest): Promise<FolderListing> {
  const root = await realpath(rootPath);
  const asked = request.folder ?? root;
  if (!path.isAbsolute(asked))
    throw new ApiFailure(
      'bad_request',
      `"${asked.slice(0, 200)}" is not a full path; give a folder like ${root}.`,
    );
  let folder: string;
  try {
    folder = await realpath(asked);
  } catch {
    throw new ApiFailure(
      'not_found',
      `The folder ${asked.slice(0, 200)} does not exist (any more); pick another.`,
    );
  }
  if (!isWithin(root, folder))
    throw new ApiFailure(
      'forbidden',
      `The file browser shows only folders in your home (${root}); ${asked.slice(0, 200)} is outside it.`,
    );
  if (!(await stat(folder)).isDirectory())
    throw new ApiFailure('bad_request', `${asked.slice(0, 200)} is a file, not a folder.`);

  const accept = (request.accept ?? []).map((extension) => extension.toLowerCase());
  const entries: FolderListing['entries'] = [];
  let truncated = false;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(folder, entry.name);
    let kind: 'file' | 'directory' | null = entry.isDirectory()
      ? 'directory'
      : entry.isFile()
        ? 'file'
        : null;
    let size: number | null = null;
    if (entry.isSymbolicLink() || kind === 'file') {
      // A link is shown as what it points to, and only when that is inside the root.
      const target = await realpath(full).catch(() => null);
      if (target === null || !isWithin(root, target)) continue;
      const info = await stat(target).catch(() => null);
      kind = info?.isDirectory() ? 'directory' : info?.isFile() ? 'file' : null;
      size = info?.isFile() ? info.size : null;
    }
    if (kind === null) continue;
    if (kind === 'file') {
      if (request.kind === 'directory') continue;
      const name = entry.name.toLowerCase();
      if (accept.length && !accept.some((extension) => name.endsWith(extension))) continue;
    }
    if (entries.length === MAX_ENTRIES) {
      truncated = true;
      break;
    }
    entries.push({ name: entry.name, kind, size });
  }
  entries.sort((a, b) =>
    a.kind === b.kind ? collator.compare(a.name, b.name) : a.kind === 'directory' ? -1 : 1,
  );
  return {
    folder,
    parent: folder === root ? null : path.dirname(folder),
    root,
    entries,
    truncated,
  };
}
