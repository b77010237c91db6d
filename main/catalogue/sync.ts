import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../shared/files.js';
import type { HomePaths } from '../shared/home.js';
import { APP_VERSION } from '../shared/version.js';
import { BlobMismatch, ContentStore } from './content-store.js';
import { MAX_DOCUMENT_BYTES, type CatalogueDocument } from './document.js';
import { sha256Hex } from '../shared/hashing.js';
import { readInstalledPair } from './installed.js';
import type { PublicKeyInfo } from './keys.js';
import { checkFormCaps } from './form-caps.js';
import { materialiseMissing } from './materialise.js';
import type { CatalogueSourceReader } from './sources.js';
import {
  CatalogueRejected,
  checkAppVersion,
  checkAudience,
  checkNotExpired,
  checkPaths,
  verifySignedDocument,
} from './verify.js';

/** How many blobs are downloaded at once. */
const PARALLEL_DOWNLOADS = 8;

/** What the device remembers about the document it installed, so the next sync can be conditional. */
export interface KnownDocument {
  location: string;
  etag: string;
  documentSha256: string;
  version: number;
  expires: string;
}

export interface SyncOptions {
  trusted: readonly PublicKeyInfo[];
  /** The trusted time: the later of the clock and the latest time this device has seen. */
  now: Date;
  /** The audience this device is pinned to; undefined before the first sync. */
  audience?: string | undefined;
  known?: KnownDocument | undefined;
  /**
   * The installed catalogue as verified when it was loaded. When the source has nothing new and
   * these are still the installed bytes, the sync restores what is missing of it (blobs a refused
   * run or a failed check discarded, script folders set aside) instead of doing nothing.
   */
  installed?: { document: CatalogueDocument; bytes: Buffer } | undefined;
}

/** What a sync did. `etag` is the server's strong validator for the document now installed, if any. */
export type SyncOutcome =
  | {
      kind: 'unchanged';
      version: number;
      expires: string;
      etag: string | null;
      documentSha256: string;
    }
  | {
      kind: 'updated';
      document: CatalogueDocument;
      previousVersion: number | null;
      blobsFetched: number;
      keyId: string;
      etag: string | null;
      documentSha256: string;
    };

/**
 * Syncs the catalogue from `source` into the home folder, following the client rules of DESIGN.md:
 * one conditional request when nothing changed; otherwise verify the signature over the exact
 * bytes before parsing, check type, audience, expiry and paths, refuse rollback and
 * same-version-other-bytes, stream only unknown blobs into the content store (each capped at its
 * signed size and hash-checked), materialise script folders, then swap the new catalogue in. When
 * nothing is new, it still restores what the installed catalogue lacks on disk (discarded blobs,
 * script folders a refused run set aside): the repair path of a run refused as tampered.
 * On any failure the installed catalogue stays in use and a {@link CatalogueRejected} is thrown.
 */
export async function syncCatalogue(
  paths: HomePaths,
  source: CatalogueSourceReader,
  options: SyncOptions,
): Promise<SyncOutcome> {
  const { trusted, now } = options;
  if (trusted.length === 0)
    throw new CatalogueRejected(
      'unknown_key',
      "this device trusts no catalogue key yet; pass --pubkey with the publisher's .pub file",
    );
  const installedBytes = (await readInstalledPair(paths.catalogue))?.bytes ?? null;
  const installedSha256 = installedBytes ? sha256Hex(installedBytes) : null;
  const known =
    options.known?.location === source.location && options.known.documentSha256 === installedSha256
      ? options.known
      : undefined;

  const read = await source.readDocument(MAX_DOCUMENT_BYTES, known?.etag);
  if (read.kind === 'not-modified') {
    if (!known)
      throw new CatalogueRejected(
        'malformed',
        'the server answered 304 to a request that was not conditional',
      );
    if (Date.parse(known.expires) <= now.getTime())
      throw new CatalogueRejected(
        'expired',
        `catalogue version ${known.version} expired on ${known.expires} and the server has nothing newer; ask your administrator to publish a new one`,
      );
    if (installedBytes && options.installed?.bytes.equals(installedBytes))
      await restore(paths, source, options.installed.document);
    return {
      kind: 'unchanged',
      version: known.version,
      expires: known.expires,
      etag: known.etag,
      documentSha256: known.documentSha256,
    };
  }
  const { bytes } = read;
  const documentSha256 = sha256Hex(bytes);
  const signatures = await source.readSignatures();
  const { document, keyId } = verifySignedDocument(bytes, signatures, trusted);
  checkAudience(document, options.audience);
  checkAppVersion(document, APP_VERSION);
  checkNotExpired(document, now);
  checkPaths(document);

  const installedVersion = installedBytes ? versionOf(installedBytes) : null;
  if (installedVersion !== null) {
    if (document.version < installedVersion) {
      throw new CatalogueRejected(
        'rollback',
        `offered catalogue version ${document.version} is older than the installed version ${installedVersion}`,
      );
    }
    if (document.version === installedVersion) {
      if (documentSha256 === installedSha256) {
        await restore(paths, source, document);
        return {
          kind: 'unchanged',
          version: document.version,
          expires: document.expires,
          etag: read.etag,
          documentSha256,
        };
      }
      throw new CatalogueRejected(
        'same_version_other_bytes',
        `catalogue version ${document.version} differs from the installed copy of the same version; the publisher must raise the version`,
      );
    }
  }

  const blobsFetched = await restore(paths, source, document);
  await checkFormCaps(new ContentStore(paths.store), document);
  await installDocument(paths.catalogue, bytes, signatures);
  return {
    kind: 'updated',
    document,
    previousVersion: installedVersion,
    blobsFetched,
    keyId,
    etag: read.etag,
    documentSha256,
  };
}

/**
 * Makes the store and the script folders whole for `document`: streams every blob the store lacks
 * (each capped at its signed size and hash-checked), then materialises every script folder that is
 * missing from verified store copies. Returns how many blobs were fetched.
 */
async function restore(
  paths: HomePaths,
  source: CatalogueSourceReader,
  document: CatalogueDocument,
): Promise<number> {
  const store = new ContentStore(paths.store);
  const wanted = blobsOf(document);
  const present = await store.list();
  const missing = [...wanted].filter(([sha256]) => !present.has(sha256));
  const fetch = (sha256: string, size: number, scriptId: string) =>
    fetchBlob(store, source, sha256, size, scriptId);
  await forEachLimited(missing, PARALLEL_DOWNLOADS, ([sha256, { size, scriptId }]) =>
    fetch(sha256, size, scriptId),
  );
  await materialiseMissing(paths.scripts, store, document, fetch);
  return missing.length;
}

/**
 * Every blob `document` needs (files, wheels, form validators), once, with its size and a script
 * that needs it (for messages).
 */
function blobsOf(document: CatalogueDocument): Map<string, { size: number; scriptId: string }> {
  let wanted = BLOBS.get(document);
  if (wanted) return wanted;
  wanted = new Map();
  for (const script of document.scripts)
    for (const blob of [
      ...script.files,
      ...script.wheels,
      ...(script.validator ? [script.validator] : []),
    ])
      if (!wanted.has(blob.sha256))
        wanted.set(blob.sha256, { size: blob.size, scriptId: script.manifest.id });
  BLOBS.set(document, wanted);
  return wanted;
}

/** {@link blobsOf} each document, worked out once: a sync with nothing new reuses the installed one. */
const BLOBS = new WeakMap<CatalogueDocument, Map<string, { size: number; scriptId: string }>>();

/** Streams one blob into the store; a refused blob becomes a {@link CatalogueRejected} naming its script. */
async function fetchBlob(
  store: ContentStore,
  source: CatalogueSourceReader,
  sha256: string,
  size: number,
  scriptId: string,
): Promise<void> {
  try {
    await store.putStream(sha256, size, await source.openBlob(sha256, size));
  } catch (error) {
    if (error instanceof BlobMismatch)
      throw new CatalogueRejected(
        error.kind === 'too_large' ? 'too_large' : 'bad_blob',
        `a file of script ${scriptId} was refused: ${error.message}`,
        { cause: error },
      );
    if (error instanceof CatalogueRejected)
      throw new CatalogueRejected(error.reason, `a file of script ${scriptId}: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
}

/** Runs `task` over `items`, at most `limit` at a time; the first failure stops new work and is thrown once the running ones settle. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}

/** The version of a document this device installed earlier (it was verified then). */
function versionOf(bytes: Buffer): number | null {
  try {
    const version = (JSON.parse(bytes.toString('utf8')) as { version?: unknown }).version;
    return typeof version === 'number' && Number.isInteger(version) ? version : null;
  } catch {
    return null;
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
