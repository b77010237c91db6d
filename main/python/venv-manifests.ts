import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  compareVenv,
  readVenvManifest,
  writeVenvManifest,
  type VenvDifference,
  type VenvManifest,
} from './venv-manifest.js';

/**
 * The manifests of the venvs under one folder, one file per venv key in a folder of ScriptDesk's
 * own (`venv-manifests/<key>.json`), never inside a venv: a script or package writing into its
 * venv cannot rewrite what its venv is checked against. A manifest read is kept while its file's
 * inode, size and times stay the same, so a run does not parse it again.
 */
export class VenvManifests {
  private readonly cache = new Map<string, { stamp: string; manifest: VenvManifest | null }>();

  constructor(readonly dir: string) {}

  fileOf(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  /** True when the venv `key` has a manifest: it was built completely by this version. */
  async has(key: string): Promise<boolean> {
    return lstat(this.fileOf(key)).then(
      (stats) => stats.isFile(),
      () => false,
    );
  }

  async save(key: string, manifest: VenvManifest): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeVenvManifest(this.fileOf(key), manifest);
  }

  async remove(key: string): Promise<void> {
    this.cache.delete(key);
    await rm(this.fileOf(key), { force: true });
  }

  /** How the venv at `venvDir` differs from its manifest (a missing manifest is a difference too). */
  async compare(venvDir: string, runtime: string): Promise<VenvDifference | null> {
    const manifest = await this.read(path.basename(venvDir));
    return manifest ? compareVenv(venvDir, manifest, runtime) : { path: '', change: 'no_manifest' };
  }

  /** Removes the manifest of every venv key `isGone` says no longer has a venv. */
  async removeWhere(isGone: (key: string) => boolean): Promise<void> {
    const names = await readdir(this.dir).catch(() => []);
    for (const name of names)
      if (name.endsWith('.json') && isGone(name.slice(0, -'.json'.length)))
        await this.remove(name.slice(0, -'.json'.length));
  }

  private async read(key: string): Promise<VenvManifest | null> {
    const file = this.fileOf(key);
    const stats = await lstat(file, { bigint: true }).catch(() => null);
    if (!stats?.isFile()) return null;
    const stamp = `${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`;
    const cached = this.cache.get(key);
    if (cached?.stamp === stamp) return cached.manifest;
    const manifest = await readVenvManifest(file);
    this.cache.set(key, { stamp, manifest });
    return manifest;
  }
}
