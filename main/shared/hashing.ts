import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams a file through SHA-256; returns the hex digest and the byte count. */
export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Reads an open file from its start to its end through SHA-256; returns the digest, the byte
 * count and the first `keep` bytes (for a preview read in the same pass).
 */
export async function sha256Handle(
  handle: FileHandle,
  keep = 0,
): Promise<{ sha256: string; size: number; head: Buffer }> {
  const hash = createHash('sha256');
  // Not zeroed: only the bytes each read fills are used. 1 MiB reads keep thread-pool trips few.
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  const head = Buffer.alloc(keep);
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    if (size < keep) chunk.copy(head, size, 0, Math.min(bytesRead, keep - size));
    hash.update(chunk);
    size += bytesRead;
  }
  return { sha256: hash.digest('hex'), size, head: head.subarray(0, Math.min(size, keep)) };
}
