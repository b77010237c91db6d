import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { stampOf, type FileStamp } from '../shared/regular-file.js';
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

  /**
   * How the venv at `venvDir` differs from its manifest (a missing manifest is a difference too).
   * With a manifest read before, the venv is compared with it while its file is checked for a
   * change, and compared again only if it changed.
   */
  async compare(venvDir: string, runtime: string): Promise<VenvDifference | null> {
    const key = path.basename(venvDir);
    const cached = this.cache.get(key);
    if (cached?.manifest) {
      const [stamp, difference] = await Promise.all([
        this.stampOf(key),
        compareVenv(venvDir, cached.manifest, runtime),
      ]);
      if (stamp === cached.stamp) return difference;
    }
    const manifest = await this.read(key);
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
    const stamp = await this.stampOf(key);
    if (stamp === null) return null;
    const cached = this.cache.get(key);
    if (cached?.stamp === stamp) return cached.manifest;
    const manifest = await readVenvManifest(this.fileOf(key));
    this.cache.set(key, { stamp, manifest });
    return manifest;
  }

  /** The manifest file's stamp (see `FileStamp`), or null when there is no such file. */
  private async stampOf(key: string): Promise<FileStamp | null> {
    const stats = await lstat(this.fileOf(key), { bigint: true }).catch(() => null);
    return stats?.isFile() ? stampOf(stats) : null;
  }
}
