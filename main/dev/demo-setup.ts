import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathExists, writeFileAtomic } from '../shared/files.js';
import type { ScriptDeskApp } from '../app/app.js';
import {
  generateSigningKey,
  loadPublicKey,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
} from '../catalogue/keys.js';
import { publishCatalogue } from '../publishing/publish.js';
import { folderSource } from '../catalogue/sources.js';

/** Where the development setup keeps its keys and published catalogue. */
export function devPaths(workDir: string) {
  return {
    keys: path.join(workDir, 'keys'),
    published: path.join(workDir, 'published'),
    stamp: path.join(workDir, 'published.source-sha256'),
  };
}

/**
 * Prepares a development home on first start and whenever the demo source changes: a dev signing
 * key, the demo catalogue published from `sourceDir`, and that catalogue synced into `app`.
 * Returns what it did, in words.
 */
export async function prepareDemo(
  app: ScriptDeskApp,
  sourceDir: string,
  workDir: string,
): Promise<string[]> {
  const paths = devPaths(workDir);
  const done: string[] = [];
  const privateKey = path.join(paths.keys, PRIVATE_KEY_FILE);
  if (!(await pathExists(privateKey))) {
    const { keyId } = await generateSigningKey(paths.keys);
    done.push(`created development signing key ${keyId}`);
  }
  const digest = await digestTree(sourceDir);
  const stamp = await readFile(paths.stamp, 'utf8').catch(() => '');
  if (stamp !== digest || !(await pathExists(path.join(paths.published, 'catalogue.json')))) {
    const { document } = await publishCatalogue({
      sourceDir,
      keyFile: privateKey,
      outDir: paths.published,
      validForMs: 90 * 86_400_000,
    });
    await writeFileAtomic(paths.stamp, digest);
    done.push(`published the demo catalogue as version ${document.version}`);
  }
  await app.services.trust.add(await loadPublicKey(path.join(paths.keys, PUBLIC_KEY_FILE)));
  const outcome = await app.services.catalogue.sync(folderSource(paths.published));
  if (outcome.kind === 'updated') done.push(`synced catalogue version ${outcome.document.version}`);
  return done;
}

/** SHA-256 over every file path and content under `dir`, in a stable order. */
async function digestTree(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (relative: string): Promise<void> => {
    const entries = (await readdir(path.join(dir, relative), { withFileTypes: true })).sort(
      (a, b) => a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      if (entry.name === '__pycache__') continue;
      const name = path.join(relative, entry.name);
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile())
        hash
          .update(name)
          .update('\0')
          .update(await readFile(path.join(dir, name)))
          .update('\0');
    }
  };
  await walk('');
  return hash.digest('hex');
}
