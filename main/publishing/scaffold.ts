import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSourceJsonSchemas } from './json-schemas.js';

/** `catalogue init` refused the folder (or found its templates missing): one line with the fix. */
export class ScaffoldRefused extends Error {
  override name = 'ScaffoldRefused';
}

/**
 * Where each template goes in a new source: the example source as it is, and the CI files of
 * `examples/ci/` where GitHub Actions, GitLab CI and the scripts they call look for them.
 */
const CI_FILES: readonly { from: string; to: string; mode?: number }[] = [
  { from: 'catalogue-ci.sh', to: 'ci/catalogue-ci.sh', mode: 0o755 },
  { from: 'README.md', to: 'ci/README.md' },
  { from: 'github-actions.yml', to: '.github/workflows/catalogue.yml' },
  { from: 'gitlab-ci.yml', to: '.gitlab-ci.yml' },
];

/** Files a template folder may hold that are never copied (Python's caches, editor leftovers). */
const SKIPPED = new Set(['__pycache__', '.DS_Store']);

/**
 * The repository's `examples/` folder, found from this module whether it runs from `main/`
 * (tests) or from `dist/main/` (the built CLI).
 */
async function examplesDir(): Promise<string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const candidate = path.resolve(here, up, 'examples');
    if (await isDirectory(path.join(candidate, 'scaffold'))) return candidate;
  }
  throw new ScaffoldRefused(
    'the catalogue templates (examples/scaffold and examples/ci) are missing from this ScriptDesk installation; reinstall it',
  );
}

/**
 * Writes a new catalogue source into `dir`: the example source (catalogue.json, one script with
 * its form, args template, lock and tests, .gitignore, keys/README.md), the editor JSON Schemas
 * and the CI files. Refuses a folder that exists and is not empty. Everything is written to a
 * staging folder beside `dir` and renamed into place, so `dir` is either untouched or complete.
 * Returns the files written, relative to `dir`.
 */
export async function scaffoldCatalogue(dir: string): Promise<string[]> {
  const target = path.resolve(dir);
  const existing = await readdir(target).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    if (error.code === 'ENOTDIR')
      throw new ScaffoldRefused(`${dir} is a file; give a new or empty folder`);
    throw new ScaffoldRefused(`${dir} cannot be read (${error.code}); give a new or empty folder`);
  });
  if (existing?.length)
    throw new ScaffoldRefused(
      `${dir} is not empty (it holds ${existing.length} entries); give a new or empty folder, catalogue init never overwrites`,
    );
  const examples = await examplesDir();
  await mkdir(path.dirname(target), { recursive: true });
  const staging = `${target}.init-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(staging);
    const written = await copyTree(path.join(examples, 'scaffold'), staging, '');
    for (const file of CI_FILES) {
      const to = path.join(staging, file.to);
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(path.join(examples, 'ci', file.from), to);
      if (file.mode) await chmod(to, file.mode);
      written.push(file.to);
    }
    for (const file of await writeSourceJsonSchemas(path.join(staging, 'schemas')))
      written.push(path.relative(staging, file));
    // Renaming over an empty folder replaces it; a folder that filled up meanwhile is refused.
    await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST')
        throw new ScaffoldRefused(`${dir} is no longer empty; give a new or empty folder`);
      throw error;
    });
    return written.sort();
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function copyTree(from: string, to: string, relative: string): Promise<string[]> {
  const written: string[] = [];
  for (const entry of await readdir(path.join(from, relative), { withFileTypes: true })) {
    if (SKIPPED.has(entry.name)) continue;
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      await mkdir(path.join(to, name));
      written.push(...(await copyTree(from, to, name)));
    } else if (entry.isFile()) {
      await copyFile(path.join(from, name), path.join(to, name));
      written.push(name);
    }
  }
  return written;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}
