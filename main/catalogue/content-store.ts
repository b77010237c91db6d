import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** A blob that did not match what the signed catalogue says about it. Nothing was stored. */
export class BlobMismatch extends Error {
  constructor(
    readonly kind: 'too_large' | 'too_small' | 'wrong_hash',
    message: string,
    /** How many bytes arrived before reading stopped. */
    readonly received = 0,
  ) {
    super(message);
    this.name = 'BlobMismatch';
  }
}

/**
 * Reads a blob's bytes, hashing as it goes and handing each accepted chunk to `sink`. Reading
 * stops as soon as more than `size` bytes arrive (leaving the loop cancels a download: the
 * iterator's return() closes the stream); a blob too long, too short or with another hash throws
 * {@link BlobMismatch}. The one check of blob bytes, used by the store and by `catalogue verify`.
 */
export async function readVerifiedBlob(
  sha256: string,
  size: number,
  chunks: AsyncIterable<Uint8Array>,
  sink: (chunk: Uint8Array) => Promise<unknown> | void = () => {},
): Promise<void> {
  const hash = createHash('sha256');
  let received = 0;
  for await (const chunk of chunks) {
    received += chunk.length;
    if (received > size) {
      throw new BlobMismatch(
        'too_large',
        `blob ${sha256.slice(0, 12)} is longer than its signed size of ${size} bytes; download stopped`,
        received,
      );
    }
    hash.update(chunk);
    await sink(chunk);
  }
  if (received < size)
    throw new BlobMismatch(
      'too_small',
      `blob ${sha256.slice(0, 12)} ended after ${received} of its signed ${size} bytes`,
      received,
    );
  if (hash.digest('hex') !== sha256)
    throw new BlobMismatch(
      'wrong_hash',
      `blob ${sha256.slice(0, 12)} does not match its signed hash (a different or damaged file)`,
      received,
    );
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The local content-addressed store of catalogue blobs: `store/sha256/<hex>`, each checked on the way in. */
export class ContentStore {
  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256.slice(0, 80)}`);
    return path.join(this.root, 'sha256', sha256);
  }

  /** The digests of every complete blob in the store (one directory read, for a whole sync). */
  async list(): Promise<Set<string>> {
    try {
      const names = await readdir(path.join(this.root, 'sha256'));
      return new Set(names.filter((name) => SHA256_HEX.test(name)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
      throw error;
    }
  }

  /** Removes a blob (whatever is at its name: a changed file, a link), so a sync fetches it again. */
  async discard(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { recursive: true, force: true });
  }

  /**
   * Streams a blob into the store through {@link readVerifiedBlob}; a blob that is too long, too
   * short or hashes differently throws {@link BlobMismatch} and leaves no file behind. The blob
   * appears under its name only complete and verified (temporary file, flushed, renamed).
   */
  async putStream(sha256: string, size: number, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const target = this.pathOf(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.partial`;
    const handle = await open(temp, 'wx', 0o644);
    let stored = false;
    try {
      await readVerifiedBlob(sha256, size, chunks, (chunk) => handle.write(chunk));
      await handle.sync();
      await handle.chmod(0o444);
      await handle.close();
      await rename(temp, target);
      stored = true;
    } finally {
      if (!stored) {
        await handle.close().catch(() => {});
        await rm(temp, { force: true });
      }
    }
  }
}
