import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../app/files.js';
import { sha256Hex } from './hashing.js';

/** The local content-addressed store of catalogue blobs: `store/sha256/<hex>`, each checked on the way in. */
export class ContentStore {
  constructor(private readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256))
      throw new Error(`not a sha256 digest: ${sha256.slice(0, 80)}`);
    return path.join(this.root, 'sha256', sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await stat(this.pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  /** Stores `bytes` under `sha256` after checking the digest and size; nothing is stored when they differ. */
  async put(sha256: string, size: number, bytes: Uint8Array): Promise<void> {
    if (bytes.length !== size)
      throw new Error(
        `blob ${sha256.slice(0, 12)} is ${bytes.length} bytes, the catalogue says ${size}`,
      );
    if (sha256Hex(bytes) !== sha256)
      throw new Error(`blob ${sha256.slice(0, 12)} does not match its hash`);
    const target = this.pathOf(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, bytes, 0o444);
  }
}
