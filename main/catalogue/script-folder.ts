import { lstatSync, readdirSync, type BigIntStats, type Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../shared/hashing.js';
import {
  NotARegularFile,
  readRegularFile,
  stampOf,
  type FileStamp,
  type NotReadable,
} from '../shared/regular-file.js';
import type { PublishedScript } from './document.js';

/** How one place in a materialised script folder differs from the signed catalogue. */
export type FolderProblemKind = NotReadable | 'changed' | 'extra';

/**
 * Files already read and found right, by absolute path: the stamp they had and their bytes. A file
 * whose lstat shows the same stamp is not read again (see {@link FileStamp}: its bytes cannot
 * have changed), so checking a script that ran before costs a few lstats.
 */
export type VerifiedFiles = Map<string, { stamp: FileStamp; sha256: string; bytes: Buffer }>;

/** A script folder that is not exactly what the signed catalogue lists. */
export class ScriptFolderProblem extends Error {
  constructor(
    /** The absolute path of what is wrong (the folder itself, or a file or folder in it). */
    readonly file: string,
    /** The same path inside the script's folder, with `/`; "" for the folder itself. */
    readonly relative: string,
    readonly kind: FolderProblemKind,
  ) {
    super(`${relative || 'the script folder'} ${PROBLEMS[kind]}`);
    this.name = 'ScriptFolderProblem';
  }
}

const PROBLEMS: Record<FolderProblemKind, string> = {
  missing: 'is missing',
  link: 'is a symbolic link',
  not_file: 'is not what the catalogue lists (a file where a folder should be, or the reverse)',
  unreadable: 'cannot be read',
  changed: 'differs from the approved catalogue',
  extra: 'is not in the approved catalogue',
};

/**
 * Checks a script's folder under `scriptsDir` against the signed catalogue and returns the entry
 * point's bytes as read and verified: the bytes the runner hands Python, so what was checked is
 * what runs. The folder must hold exactly the listed files and the folders they need, nothing
 * else; `scriptsDir`, the script's folder and every folder inside it must be real folders, each
 * file a regular file (opened without following a symbolic link, checked on the open handle) with
 * its signed size and SHA-256. Throws {@link ScriptFolderProblem} for the first difference found.
 */
export async function verifyScriptFolder(
  scriptsDir: string,
  folder: string,
  script: PublishedScript,
  known: VerifiedFiles = new Map(),
): Promise<Buffer> {
  const root = path.join(scriptsDir, folder);
  const unchanged = unchangedEntryPoint(scriptsDir, root, script, known);
  if (unchanged) return unchanged;
  // All at once: the folders' own kinds are judged first, so whatever was read through a folder
  // that turns out to be a link is never used (and the entry point's bytes are hash-checked).
  const [scriptsKind, rootKind, tree, files] = await Promise.allSettled([
    folderKind(scriptsDir),
    folderKind(root),
    checkTree(root, script),
    Promise.all(script.files.map((file) => verifiedBytes(root, file, known))),
  ]);
  for (const [dir, kind] of [
    [scriptsDir, scriptsKind],
    [root, rootKind],
  ] as const) {
    if (kind.status === 'rejected') throw kind.reason;
    if (kind.value) throw new ScriptFolderProblem(dir, '', kind.value);
  }
  if (tree.status === 'rejected') throw tree.reason;
  if (files.status === 'rejected') throw files.reason;
  return files.value[script.files.findIndex((f) => f.path === script.manifest.entrypoint)]!;
}

/**
 * The common case, checked synchronously: every file was read and found right before and its lstat
 * still shows the same stamp, and every folder is a real folder listing exactly the catalogue's
 * names and kinds. A few system calls of microseconds each, where the same checks through the
 * thread pool cost a round trip apiece. Null as soon as anything differs or was never read: the
 * full check then runs and says what is wrong.
 */
function unchangedEntryPoint(
  scriptsDir: string,
  root: string,
  script: PublishedScript,
  known: VerifiedFiles,
): Buffer | null {
  try {
    if (!lstatSync(scriptsDir).isDirectory() || !lstatSync(root).isDirectory()) return null;
    let entry: Buffer | null = null;
    for (const file of script.files) {
      const absolute = path.join(root, ...file.path.split('/'));
      const bytes = stillKnown(file, absolute, known);
      if (!bytes) return null;
      if (file.path === script.manifest.entrypoint) entry = bytes;
    }
    for (const [dir, children] of expectedTree(script)) {
      const entries = readdirSync(path.join(root, ...dir.split('/')), { withFileTypes: true });
      if (listingProblem(root, dir, entries, children)) return null;
    }
    return entry;
  } catch {
    return null;
  }
}

/** Why `dir` is not a real folder, or null when it is one. */
async function folderKind(dir: string): Promise<FolderProblemKind | null> {
  try {
    const stats = await lstat(dir);
    return stats.isSymbolicLink() ? 'link' : stats.isDirectory() ? null : 'not_file';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

/**
 * Lists every folder the catalogue's paths need (never following a link: a listing reports a link
 * as one) and compares the names and kinds with the catalogue's: an extra `.py` beside the entry
 * point is code the catalogue did not approve, so anything extra is refused.
 */
async function checkTree(root: string, script: PublishedScript): Promise<void> {
  const problems = await Promise.all(
    [...expectedTree(script)].map(async ([dir, children]) => {
      const entries = await readdir(path.join(root, ...dir.split('/')), {
        withFileTypes: true,
      }).catch(() => null); // a sub-folder that is missing or a link: reported by its parent
      return entries && listingProblem(root, dir, entries, children);
    }),
  );
  const first = problems.find((problem) => problem !== null);
  if (first) throw first;
}

/** How the listing of `dir` (inside the script's folder) differs from the catalogue's, if it does. */
function listingProblem(
  root: string,
  dir: string,
  entries: readonly Dirent[],
  children: ReadonlyMap<string, 'file' | 'dir'>,
): ScriptFolderProblem | null {
  const at = (name: string) => {
    const relative = dir ? `${dir}/${name}` : name;
    return [path.join(root, ...relative.split('/')), relative] as const;
  };
  const seen = new Set<string>();
  for (const entry of entries) {
    const kind = children.get(entry.name);
    seen.add(entry.name);
    const problem = !kind
      ? 'extra'
      : entry.isSymbolicLink()
        ? 'link'
        : (kind === 'dir' ? entry.isDirectory() : entry.isFile())
          ? null
          : 'not_file';
    if (problem) return new ScriptFolderProblem(...at(entry.name), problem);
  }
  const missing = [...children.keys()].find((name) => !seen.has(name));
  return missing === undefined ? null : new ScriptFolderProblem(...at(missing), 'missing');
}

/**
 * The bytes of `file` as read and found right before (`known`), while it is still that file: known
 * under its signed hash, and its lstat a regular file with the same stamp. Null otherwise.
 */
function stillKnown(
  file: PublishedScript['files'][number],
  absolute: string,
  known: VerifiedFiles,
): Buffer | null {
  const before = known.get(absolute);
  if (before?.sha256 !== file.sha256) return null;
  let stats: BigIntStats | undefined;
  try {
    stats = lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
  } catch {
    return null;
  }
  return stats?.isFile() && stampOf(stats) === before.stamp ? before.bytes : null;
}

type Tree = ReadonlyMap<string, ReadonlyMap<string, 'file' | 'dir'>>;
const TREES = new WeakMap<PublishedScript, Tree>();

/** Each folder the catalogue's paths need ("" for the script's folder), with its children's kinds. */
function expectedTree(script: PublishedScript): Tree {
  let tree = TREES.get(script);
  if (tree) return tree;
  const expected = new Map<string, Map<string, 'file' | 'dir'>>([['', new Map()]]);
  for (const file of script.files) {
    const parts = file.path.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      const children = expected.get(dir) ?? new Map<string, 'file' | 'dir'>();
      expected.set(dir, children);
      children.set(parts[i]!, i === parts.length - 1 ? 'file' : 'dir');
    }
  }
  TREES.set(script, (tree = expected));
  return tree;
}

/** A listed file's bytes, when they are a regular file's with the signed size and hash. */
async function verifiedBytes(
  root: string,
  file: PublishedScript['files'][number],
  known: VerifiedFiles,
): Promise<Buffer> {
  const absolute = path.join(root, ...file.path.split('/'));
  const unchanged = stillKnown(file, absolute, known);
  if (unchanged) return unchanged;
  let read: Awaited<ReturnType<typeof readRegularFile>>;
  try {
    read = await readRegularFile(absolute, file.size);
  } catch (error) {
    if (error instanceof NotARegularFile)
      throw new ScriptFolderProblem(absolute, file.path, error.why);
    throw error;
  }
  if (!read || sha256Hex(read.bytes) !== file.sha256)
    throw new ScriptFolderProblem(absolute, file.path, 'changed');
  known.set(absolute, { stamp: read.stamp, sha256: file.sha256, bytes: read.bytes });
  return read.bytes;
}
