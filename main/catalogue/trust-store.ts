import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../shared/files.js';
import { parsePublicKey, type PublicKeyInfo } from './keys.js';

/** The catalogue signing keys this device trusts: `trusted-keys/<keyId>.pub` in the home folder. */
export class TrustStore {
  constructor(private readonly dir: string) {}

  async list(): Promise<PublicKeyInfo[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.pub')).sort();
    } catch {
      return [];
    }
    const keys: PublicKeyInfo[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      keys.push(parsePublicKey(await readFile(file, 'utf8'), file));
    }
    return keys;
  }

  /** Pins a key (idempotent). */
  async add(key: PublicKeyInfo): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(path.join(this.dir, `${key.keyId}.pub`), key.pem);
  }
}
