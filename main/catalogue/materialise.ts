import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../shared/hashing.js';
import { NotARegularFile, readRegularFile } from '../shared/regular-file.js';
import type { ContentStore } from './content-store.js';
import type { CatalogueDocument } from './document.js';
import { scriptFolderName } from './installed.js';
import { CatalogueRejected } from './verify.js';

type Script = CatalogueDocument['scripts'][number];

/** Fetches one blob again into the store (the sync's source), after a bad copy was discarded. */
export type Refetch = (sha256: string, size: number, scriptId: string) => Promise<void>;

/**
 * Materialises the folder of every script of `document` that has none under `scriptsDir`. A name
 * that is not a real folder (a link, a file) is removed first, so a sync repairs a folder a
 * refused run set aside or someone replaced. Each file is copied from the store only after its
 * bytes are checked against the signed hash; a store blob that fails is discarded and fetched
 * again with `refetch`, so a changed store never reaches a script folder.
 */
export async function materialiseMissing(
  scriptsDir: string,
  store: ContentStore,
  document: CatalogueDocument,
  refetch: Refetch,
): Promise<void> {
  const entries = await readdir(scriptsDir, { withFileTypes: true }).catch(() => []);
  const folders = new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
  const others = new Set(entries.filter((e) => !e.isDirectory()).map((e) => e.name));
  for (const script of document.scripts) {
    const name = scriptFolderName(script);
    if (folders.has(name)) continue;
    if (others.has(name)) await rm(path.join(scriptsDir, name), { force: true });
    await materialiseScript(scriptsDir, store, script, refetch);
  }
}

async function materialiseScript(
  scriptsDir: string,
  store: ContentStore,
  script: Script,
  refetch: Refetch,
): Promise<void> {
  const target = path.join(scriptsDir, scriptFolderName(script));
  const staging = `${target}.staging-${randomBytes(4).toString('hex')}`;
  try {
    for (const file of script.files) {
      const destination = path.join(staging, ...file.path.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      const bytes = await verifiedBlob(store, file, script.manifest.id, refetch);
      await writeFile(destination, bytes, { flag: 'wx', mode: 0o444 });
    }
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return; // another process materialised it
    throw error;
  }
}

/** A store blob's bytes once they match the signed size and hash, fetched again once if not. */
async function verifiedBlob(
  store: ContentStore,
  file: Script['files'][number],
  scriptId: string,
  refetch: Refetch,
): Promise<Buffer> {
  const read = async () => {
    try {
      const read = await readRegularFile(store.pathOf(file.sha256), file.size);
      return read && sha256Hex(read.bytes) === file.sha256 ? read.bytes : null;
    } catch (error) {
      if (error instanceof NotARegularFile) return null;
      throw error;
    }
  };
  const first = await read();
  if (first) return first;
  await store.discard(file.sha256);
  await refetch(file.sha256, file.size, scriptId);
  const again = await read();
  if (again) return again;
  throw new CatalogueRejected(
    'bad_blob',
    `the local copy of ${scriptId}/${file.path} does not match the catalogue even after fetching it again`,
  );
}
