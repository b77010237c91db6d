import { lstatSync, readdirSync, type BigIntStats } from 'node:fs';
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/files.js';
import { hashRegularFile, NotARegularFile } from '../shared/regular-file.js';
import { venvInterpreter } from './venv-build.js';
import { LAST_USED } from './venv-garbage.js';

/*
 * What a venv held when it was built, kept outside it (ScriptDesk's `venv-manifests/`): every
 * folder, file and link by relative path, with the file's size and SHA-256, a link's target, and
 * for each the inode, modification and change times. The change time (ctime) is set by the
 * kernel on every write, rename or chmod and cannot be set back by a user, so an entry whose
 * lstat still shows the recorded inode and times has not been touched: checking a venv before a
 * run is one lstat per entry, and only what changed is hashed again (or, for a folder, listed).
 */

const Stamp = {
  path: z.string().min(1),
  ino: z.string(),
  mtimeNs: z.string(),
  ctimeNs: z.string(),
};
const EntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    ...Stamp,
    size: z.number().int().nonnegative(),
    sha256: z.string(),
  }),
  z.object({ kind: z.literal('dir'), ...Stamp }),
  z.object({ kind: z.literal('link'), ...Stamp, target: z.string() }),
]);
type Entry = z.infer<typeof EntrySchema>;

const ManifestSchema = z.object({
  format: z.literal(1),
  /** Where the venv's interpreter link resolves: the runtime it was built with (null: not a link). */
  interpreter: z.string().nullable(),
  entries: z.array(EntrySchema),
});
/** A venv as built; see the top of this file. */
export type VenvManifest = z.infer<typeof ManifestSchema>;

/** How a venv differs from its manifest: the first difference found, by path inside the venv. */
export interface VenvDifference {
  /** Relative to the venv, with `/`; "" for the venv folder itself. */
  path: string;
  change: 'changed' | 'added' | 'removed' | 'link' | 'kind' | 'interpreter' | 'no_manifest';
}

/**
 * Records `venvDir` as it is now. Its interpreter must resolve to `runtime` (a venv's
 * `bin/python` is a link to the base interpreter: the link's target is recorded like any link's,
 * and where it resolves must be the runtime ScriptDesk chose). Only ScriptDesk's `.last-used`
 * marker at the top is left out: it is touched on every use.
 */
export async function recordVenvManifest(venvDir: string, runtime: string): Promise<VenvManifest> {
  // On Windows the venv's python.exe is a small launcher, a file: hashed like any other.
  const isLink = (await lstat(venvInterpreter(venvDir))).isSymbolicLink();
  const interpreter = isLink ? await realpath(venvInterpreter(venvDir)) : null;
  if (interpreter !== null && interpreter !== runtime)
    throw new Error(`the venv's interpreter resolves to ${interpreter}, not to ${runtime}`);
  const entries: Entry[] = [];
  const walk = async (relative: string): Promise<void> => {
    const names = (await readdir(path.join(venvDir, relative))).sort();
    for (const name of names) {
      if (!relative && name === LAST_USED) continue;
      const child = relative ? `${relative}/${name}` : name;
      const absolute = path.join(venvDir, child);
      const stats = await lstat(absolute, { bigint: true });
      const stamp = stampOf(child, stats);
      if (stats.isDirectory()) {
        entries.push({ kind: 'dir', ...stamp });
        await walk(child);
      } else if (stats.isSymbolicLink())
        entries.push({ kind: 'link', ...stamp, target: await readlink(absolute) });
      else if (stats.isFile())
        entries.push({ kind: 'file', ...stamp, ...(await hashRegularFile(absolute)) });
      else throw new Error(`${absolute} is neither a file, a folder nor a link`);
    }
  };
  await walk('');
  return { format: 1, interpreter, entries };
}

/**
 * Compares `venvDir` with its manifest without following any link: one lstat per entry; a file
 * whose stat moved is hashed again (opened without following a link), a folder whose stat moved
 * is listed again. A link where a file was, an added or removed file of any kind (a `.pth`, a
 * module, a `.pyc` Python would load) or other bytes: a difference. Null when it is as built.
 */
export async function compareVenv(
  venvDir: string,
  manifest: VenvManifest,
  runtime: string,
): Promise<VenvDifference | null> {
  if (manifest.interpreter !== null && manifest.interpreter !== runtime)
    return { path: 'bin/python', change: 'interpreter' };
  let children = CHILDREN.get(manifest);
  if (!children) CHILDREN.set(manifest, (children = childrenOf(manifest)));
  // The venv folder's own kind is judged first.
  const root = lstatSync(venvDir, { throwIfNoEntry: false });
  if (!root) return { path: '', change: 'removed' };
  if (!root.isDirectory()) return { path: '', change: root.isSymbolicLink() ? 'link' : 'kind' };
  let names: string[];
  try {
    names = readdirSync(venvDir);
  } catch {
    return { path: '', change: 'removed' };
  }
  const listed = listingDifference('', names, children);
  if (listed) return listed;
  const moved = await movedEntries(venvDir, manifest.entries);
  if (!Array.isArray(moved)) return moved;
  const found = await Promise.all(
    moved.map(({ entry, size }) => compareMoved(venvDir, entry, size, children)),
  );
  return found.find((difference) => difference !== null) ?? null;
}

/** Entries lstat'ed in one go before the main thread is given back (see {@link movedEntries}). */
const STAT_SLICE = 512;

/**
 * The entries whose lstat no longer shows the recorded stamps, or the first one whose kind
 * changed or which is gone. The lstats are synchronous: a few microseconds each, against a
 * thread-pool round trip apiece for the same call made asynchronously, which for a small venv
 * cost more than the checks. A large venv yields to the event loop every {@link STAT_SLICE}.
 */
async function movedEntries(
  venvDir: string,
  entries: readonly Entry[],
): Promise<{ entry: Entry; size: bigint }[] | VenvDifference> {
  const moved: { entry: Entry; size: bigint }[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (i > 0 && i % STAT_SLICE === 0) await nextTurn();
    const entry = entries[i]!;
    const absolute = path.join(venvDir, ...entry.path.split('/'));
    let stats: BigIntStats | undefined;
    try {
      stats = lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    } catch {
      stats = undefined;
    }
    if (!stats) return { path: entry.path, change: 'removed' };
    const kind = kindOf(stats);
    if (kind !== entry.kind) return { path: entry.path, change: kind === 'link' ? 'link' : 'kind' };
    if (!untouched(entry, stats)) moved.push({ entry, size: stats.size });
  }
  return moved;
}

function kindOf(stats: BigIntStats): 'link' | 'dir' | 'file' | 'other' {
  return stats.isSymbolicLink()
    ? 'link'
    : stats.isDirectory()
      ? 'dir'
      : stats.isFile()
        ? 'file'
        : 'other';
}

/** Reads a manifest file; null when there is none or it is not one (the venv is then rebuilt). */
export async function readVenvManifest(file: string): Promise<VenvManifest | null> {
  try {
    return ManifestSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}

/** Writes a manifest file so it is either absent or complete. */
export async function writeVenvManifest(file: string, manifest: VenvManifest): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(manifest));
}

function stampOf(relative: string, stats: BigIntStats) {
  return {
    path: relative,
    ino: String(stats.ino),
    mtimeNs: String(stats.mtimeNs),
    ctimeNs: String(stats.ctimeNs),
  };
}

function untouched(entry: Entry, stats: BigIntStats): boolean {
  return (
    String(stats.ino) === entry.ino &&
    String(stats.mtimeNs) === entry.mtimeNs &&
    String(stats.ctimeNs) === entry.ctimeNs
  );
}

/**
 * Compares an entry of the right kind whose stamps moved (found by {@link movedEntries}, whose
 * lstat gave `size`): a folder is listed again, a link read again, a file of the recorded size
 * hashed again (opened without following a link).
 */
async function compareMoved(
  venvDir: string,
  entry: Entry,
  size: bigint,
  children: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<VenvDifference | null> {
  const absolute = path.join(venvDir, ...entry.path.split('/'));
  switch (entry.kind) {
    case 'dir':
      return compareListing(venvDir, entry.path, children);
    case 'link':
      return (await readlink(absolute)) === entry.target
        ? null
        : { path: entry.path, change: 'changed' };
    case 'file': {
      if (size !== BigInt(entry.size)) return { path: entry.path, change: 'changed' };
      const now = await hashRegularFile(absolute).catch((error: unknown) => {
        if (error instanceof NotARegularFile) return null;
        throw error;
      });
      return now?.sha256 === entry.sha256 && now.size === entry.size
        ? null
        : { path: entry.path, change: 'changed' };
    }
  }
}

/** Lists a folder again and compares its names with the manifest's. */
async function compareListing(
  venvDir: string,
  relative: string,
  children: ReadonlyMap<string, ReadonlySet<string>>,
): Promise<VenvDifference | null> {
  const names = await readdir(path.join(venvDir, ...relative.split('/'))).catch(() => null);
  if (!names) return { path: relative, change: 'removed' };
  return listingDifference(relative, names, children);
}

/** How the names listed in a folder differ from the manifest's, or null when they do not. */
function listingDifference(
  relative: string,
  names: readonly string[],
  children: ReadonlyMap<string, ReadonlySet<string>>,
): VenvDifference | null {
  const expected = children.get(relative) ?? new Set<string>();
  const at = (name: string) => (relative ? `${relative}/${name}` : name);
  const added = names.find((name) => !expected.has(name) && (relative || name !== LAST_USED));
  if (added !== undefined) return { path: at(added), change: 'added' };
  const present = new Set(names);
  const removed = [...expected].find((name) => !present.has(name));
  return removed === undefined ? null : { path: at(removed), change: 'removed' };
}

/** {@link childrenOf} each manifest, worked out once (a manifest read is kept while its file is unchanged). */
const CHILDREN = new WeakMap<VenvManifest, Map<string, Set<string>>>();

/** The names each folder of the manifest holds ("" for the venv's own folder). */
function childrenOf(manifest: VenvManifest): Map<string, Set<string>> {
  const children = new Map<string, Set<string>>();
  for (const entry of manifest.entries) {
    const slash = entry.path.lastIndexOf('/');
    const parent = slash === -1 ? '' : entry.path.slice(0, slash);
    const names = children.get(parent) ?? new Set<string>();
    children.set(parent, names.add(entry.path.slice(slash + 1)));
  }
  return children;
}
