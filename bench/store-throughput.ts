import { createHash } from 'node:crypto';
import { mkdir, open, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ContentStore } from '../main/catalogue/content-store.js';
import { stats } from './stats.js';

/** A blob held in memory with the name it is published under (its SHA-256). */
export interface Blob {
  sha256: string;
  bytes: Buffer;
}

/** Median milliseconds of each way of taking in the same blobs, one blob after another. */
export interface StoreThroughput {
  /** `createHash('sha256')` per blob, in memory: the floor for any verifying store. */
  sha256: number;
  /** `writeFile` per blob, no flush: what the disk costs before durability. */
  writeFile: number;
  /** open, write, fsync, close per blob: the disk cost the store pays to be crash-safe. */
  writeFsync: number;
  /** `ContentStore.putStream`: hash while writing, fsync, chmod, rename. */
  putStream: number;
}

/**
 * Takes the same blobs in four ways, interleaved over `rounds` so a noisy neighbour hurts all of
 * them alike. Each round writes into fresh folders under `scratch`, removed outside the timing.
 */
export async function measureStoreThroughput(
  blobs: readonly Blob[],
  scratch: string,
  rounds: number,
): Promise<StoreThroughput> {
  const samples: Record<keyof StoreThroughput, number[]> = {
    sha256: [],
    writeFile: [],
    writeFsync: [],
    putStream: [],
  };
  for (let round = 0; round < rounds; round++) {
    const hashStarted = performance.now();
    for (const blob of blobs) hashOnly(blob);
    samples.sha256.push(performance.now() - hashStarted);
    samples.writeFile.push(
      await inFreshFolder(scratch, `write-${round}`, (dir) =>
        timeEach(blobs, (blob) => writeFile(path.join(dir, blob.sha256), blob.bytes)),
      ),
    );
    samples.writeFsync.push(
      await inFreshFolder(scratch, `fsync-${round}`, (dir) =>
        timeEach(blobs, (blob) => writeAndFlush(path.join(dir, blob.sha256), blob.bytes)),
      ),
    );
    samples.putStream.push(
      await inFreshFolder(scratch, `store-${round}`, (dir) => {
        const store = new ContentStore(dir);
        return timeEach(blobs, (blob) =>
          store.putStream(blob.sha256, blob.bytes.length, oneChunk(blob.bytes)),
        );
      }),
    );
  }
  return {
    sha256: stats(samples.sha256).median,
    writeFile: stats(samples.writeFile).median,
    writeFsync: stats(samples.writeFsync).median,
    putStream: stats(samples.putStream).median,
  };
}

function hashOnly(blob: Blob): void {
  // Compared, not just computed, so the work cannot be skipped and the baseline checks what the store checks.
  if (createHash('sha256').update(blob.bytes).digest('hex') !== blob.sha256)
    throw new Error(`blob ${blob.sha256.slice(0, 12)} does not hash to its name`);
}

async function writeAndFlush(file: string, bytes: Buffer): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.write(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Blobs this small arrive from a fetch body as one chunk; the store sees the same here. */
async function* oneChunk(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function timeEach(
  blobs: readonly Blob[],
  take: (blob: Blob) => Promise<void>,
): Promise<number> {
  const started = performance.now();
  for (const blob of blobs) await take(blob);
  return performance.now() - started;
}

async function inFreshFolder(
  scratch: string,
  name: string,
  task: (dir: string) => Promise<number>,
): Promise<number> {
  const dir = path.join(scratch, name);
  await mkdir(dir, { recursive: true });
  try {
    return await task(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
