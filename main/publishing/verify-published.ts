import { mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BlobMismatch, readVerifiedBlob } from '../catalogue/content-store.js';
import { MAX_DOCUMENT_BYTES, type CatalogueDocument } from '../catalogue/document.js';
import type { PublicKeyInfo } from '../catalogue/keys.js';
import type { CatalogueSourceReader } from '../catalogue/sources.js';
import { checkNotExpired, checkPaths, verifySignedDocument } from '../catalogue/verify.js';
import { inspectWheel, WheelRefused } from '../python/wheel-inspection.js';

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
 * blob's presence, size and hash, and every wheel's central directory as a device inspects it
 * before installing (these are collected, so one run reports all damaged files).
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
      const problem =
        'path' in blob
          ? await checkBlob(source, blob.sha256, blob.size)
          : await checkWheel(source, blob.sha256, blob.size, document.limits);
      if (problem)
        problems.push(`${script.manifest.id}/${name} (blobs/sha256/${blob.sha256}): ${problem}`);
    }
  }
  return { document, keyId, blobsChecked: seen.size, problems };
}

/** {@link checkBlob} into a temporary file, then the inspection a device runs before pip. */
async function checkWheel(
  source: CatalogueSourceReader,
  sha256: string,
  size: number,
  limits: CatalogueDocument['limits'],
): Promise<string | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-verify-'));
  try {
    const file = path.join(dir, 'wheel.whl');
    const handle = await open(file, 'wx', 0o600);
    let problem: string | null;
    try {
      problem = await checkBlob(source, sha256, size, (chunk) => handle.write(chunk));
    } finally {
      await handle.close();
    }
    if (problem) return problem;
    await inspectWheel(file, limits?.maxWheelUncompressedBytes);
    return null;
  } catch (error) {
    if (!(error instanceof WheelRefused)) throw error;
    return `a device would refuse to install it: ${error.detail}; ${error.fix}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function checkBlob(
  source: CatalogueSourceReader,
  sha256: string,
  size: number,
  sink?: (chunk: Uint8Array) => Promise<unknown>,
): Promise<string | null> {
  try {
    await readVerifiedBlob(sha256, size, await source.openBlob(sha256, size), sink);
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
