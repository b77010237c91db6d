import { BlobMismatch, readVerifiedBlob } from '../catalogue/content-store.js';
import { MAX_DOCUMENT_BYTES, type CatalogueDocument } from '../catalogue/document.js';
import type { PublicKeyInfo } from '../catalogue/keys.js';
import type { CatalogueSourceReader } from '../catalogue/sources.js';
import { checkNotExpired, checkPaths, verifySignedDocument } from '../catalogue/verify.js';

/** What `scriptdesk catalogue verify` found. */
export interface PublishedReport {
  document: CatalogueDocument;
  keyId: string;
  blobsChecked: number;
  /** One line per problem blob; empty when everything is intact. */
  problems: string[];
}

/**
 * Checks a published catalogue the way a client would, without installing anything: the signature
 * over the exact bytes, type, expiry and paths (these throw a `CatalogueRejected`), then every
 * blob's presence, size and hash (these are collected, so one run reports all damaged files).
 */
export async function verifyPublished(
  source: CatalogueSourceReader,
  trusted: readonly PublicKeyInfo[],
  now: Date,
): Promise<PublishedReport> {
  const read = await source.readDocument(MAX_DOCUMENT_BYTES);
  if (read.kind !== 'document') throw new Error('unreachable: unconditional read answered 304');
  const { document, keyId } = verifySignedDocument(
    read.bytes,
    await source.readSignatures(),
    trusted,
  );
  checkNotExpired(document, now);
  checkPaths(document);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const script of document.scripts) {
    const validator = script.validator ? [{ ...script.validator, path: 'form validator' }] : [];
    for (const blob of [...script.files, ...script.wheels, ...validator]) {
      if (seen.has(blob.sha256)) continue;
      seen.add(blob.sha256);
      const name = 'path' in blob ? blob.path : blob.filename;
      const problem = await checkBlob(source, blob.sha256, blob.size);
      if (problem)
        problems.push(`${script.manifest.id}/${name} (blobs/sha256/${blob.sha256}): ${problem}`);
    }
  }
  return { document, keyId, blobsChecked: seen.size, problems };
}

async function checkBlob(
  source: CatalogueSourceReader,
  sha256: string,
  size: number,
): Promise<string | null> {
  try {
    await readVerifiedBlob(sha256, size, await source.openBlob(sha256, size));
    return null;
  } catch (error) {
    if (!(error instanceof BlobMismatch)) return (error as Error).message;
    switch (error.kind) {
      case 'too_large':
        return `longer than its signed size of ${size} bytes`;
      case 'too_small':
        return `${error.received} bytes, its signed size is ${size}`;
      case 'wrong_hash':
        return 'content does not match its signed hash';
    }
  }
}
