import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../app/files.js';
import type { HomePaths } from '../app/home.js';
import { ContentStore } from './content-store.js';
import { isSafeRelativePath, MAX_DOCUMENT_BYTES, type CatalogueDocument } from './document.js';
import { loadInstalledCatalogue, scriptFolderName } from './installed.js';
import type { PublicKeyInfo } from './keys.js';
import { CatalogueRejected, verifyCatalogue } from './verify.js';

/** Where a catalogue is synced from. Only plain reads: any folder, file share or static host will do. */
export interface CatalogueSourceReader {
  readonly location: string;
  readDocument(maxBytes: number): Promise<Buffer>;
  readSignatures(): Promise<string>;
  readBlob(sha256: string, size: number): Promise<Buffer>;
}

/** Reads a published catalogue from a folder. */
export function folderSource(dir: string): CatalogueSourceReader {
  const readCapped = async (file: string, max: number): Promise<Buffer> => {
    let info;
    try {
      info = await stat(file);
    } catch {
      throw new CatalogueRejected('unreachable', `${file} cannot be read; check the --from folder`);
    }
    if (info.size > max)
      throw new CatalogueRejected(
        'too_large',
        `${file} is ${info.size} bytes, over the limit of ${max}`,
      );
    return readFile(file);
  };
  return {
    location: dir,
    readDocument: (max) => readCapped(path.join(dir, 'catalogue.json'), max),
    readSignatures: async () =>
      (await readCapped(path.join(dir, 'catalogue.sig'), 64 * 1024)).toString('utf8'),
    readBlob: (sha256, size) => readCapped(path.join(dir, 'blobs', 'sha256', sha256), size),
  };
}

/** What a sync did. */
export type SyncOutcome =
  | { kind: 'unchanged'; document: CatalogueDocument }
  | {
      kind: 'updated';
      document: CatalogueDocument;
      previousVersion: number | null;
      blobsFetched: number;
      keyId: string;
    };

/**
 * Syncs the catalogue from `source` into the home folder: verify the signature over the exact
 * bytes, refuse rollback and same-version-other-bytes, fetch only unknown blobs (each checked
 * against its signed size and hash), materialise script folders, then swap the new catalogue in.
 * On any failure the previous catalogue stays in use and a {@link CatalogueRejected} is thrown.
 */
export async function syncCatalogue(
  paths: HomePaths,
  source: CatalogueSourceReader,
  trusted: readonly PublicKeyInfo[],
  now: Date = new Date(),
): Promise<SyncOutcome> {
  if (trusted.length === 0)
    throw new CatalogueRejected(
      'unknown_key',
      "this device trusts no catalogue key yet; pass --pubkey with the publisher's .pub file",
    );
  const bytes = await source.readDocument(MAX_DOCUMENT_BYTES);
  const signatures = await source.readSignatures();
  const { document, keyId } = verifyCatalogue(bytes, signatures, trusted, now);

  // An installed catalogue that no longer verifies (expired, key removed) cannot block a good new one.
  const installed = await loadInstalledCatalogue(
    paths.catalogue,
    paths.scripts,
    trusted,
    now,
  ).catch(() => null);
  if (installed) {
    if (document.version < installed.document.version) {
      throw new CatalogueRejected(
        'rollback',
        `offered catalogue version ${document.version} is older than the installed version ${installed.document.version}`,
      );
    }
    if (document.version === installed.document.version) {
      if (Buffer.compare(installed.bytes, bytes) === 0) return { kind: 'unchanged', document };
      throw new CatalogueRejected(
        'same_version_other_bytes',
        `catalogue version ${document.version} differs from the installed copy of the same version; the publisher must raise the version`,
      );
    }
  }
  for (const script of document.scripts) {
    for (const file of script.files) {
      if (!isSafeRelativePath(file.path)) {
        throw new CatalogueRejected(
          'unsafe_path',
          `script ${script.manifest.id} lists file "${file.path.slice(0, 80)}", which is not a safe relative path`,
        );
      }
    }
  }

  const store = new ContentStore(paths.store);
  let blobsFetched = 0;
  for (const script of document.scripts) {
    for (const blob of [...script.files, ...script.wheels]) {
      if (await store.has(blob.sha256)) continue;
      const data = await source.readBlob(blob.sha256, blob.size);
      try {
        await store.put(blob.sha256, blob.size, data);
      } catch (error) {
        throw new CatalogueRejected(
          'bad_blob',
          `a file of script ${script.manifest.id} is damaged: ${(error as Error).message}`,
        );
      }
      blobsFetched++;
    }
    await materialiseScript(paths.scripts, store, script);
  }
  await installDocument(paths.catalogue, bytes, signatures);
  return {
    kind: 'updated',
    document,
    previousVersion: installed?.document.version ?? null,
    blobsFetched,
    keyId,
  };
}

async function materialiseScript(
  scriptsDir: string,
  store: ContentStore,
  script: CatalogueDocument['scripts'][number],
): Promise<void> {
  const target = path.join(scriptsDir, scriptFolderName(script));
  try {
    await stat(target);
    return;
  } catch {
    // not there yet
  }
  const staging = `${target}.staging-${randomBytes(4).toString('hex')}`;
  try {
    for (const file of script.files) {
      const destination = path.join(staging, ...file.path.split('/'));
      await mkdir(path.dirname(destination), { recursive: true });
      await copyFile(store.pathOf(file.sha256), destination);
    }
    await rename(staging, target);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (
      (error as NodeJS.ErrnoException).code === 'ENOTEMPTY' ||
      (error as NodeJS.ErrnoException).code === 'EEXIST'
    )
      return;
    throw error;
  }
}

async function installDocument(
  catalogueDir: string,
  bytes: Buffer,
  signatures: string,
): Promise<void> {
  await mkdir(catalogueDir, { recursive: true });
  const staging = path.join(catalogueDir, `staging-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  await writeFileAtomic(path.join(staging, 'catalogue.json'), bytes);
  await writeFileAtomic(path.join(staging, 'catalogue.sig'), signatures);
  const current = path.join(catalogueDir, 'current');
  const previous = path.join(catalogueDir, 'previous');
  await rm(previous, { recursive: true, force: true });
  try {
    await rename(current, previous);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await rename(staging, current);
}
