import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SCRIPT_ID_PATTERN } from '../catalogue/manifest.js';
import {
  formSchemaOf,
  lockFileOf,
  manifestOf,
  todoFileOf,
  uiSchemaOf,
  type GeneratedScript,
} from './generated-script.js';
import { ImportRefused } from './import-refused.js';

/** How `--out` is read: the script folder `SRC/scripts/ID`, so the id is its last part. */
export function scriptIdOf(out: string): string {
  const id = path.basename(path.resolve(out));
  if (!SCRIPT_ID_PATTERN.test(id))
    throw new ImportRefused(
      `--out ${out}: the folder name "${id}" is the script id and must be lower-case letters, digits and dashes, like scripts/monthly-report; choose another --out`,
    );
  return id;
}

const GENERATED = [
  'script.json',
  'form.schema.json',
  'form.ui.json',
  'requirements.lock',
  'TODO.md',
];

/** The files of one script folder, by name. */
export function filesOf(script: GeneratedScript, groups: readonly string[]): Map<string, Buffer> {
  const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
  const files = new Map<string, Buffer>([
    ['script.json', json(manifestOf(script, groups))],
    ['form.schema.json', json(formSchemaOf(script))],
    ['form.ui.json', json(uiSchemaOf(script))],
    ['requirements.lock', Buffer.from(lockFileOf(script))],
    ['TODO.md', Buffer.from(todoFileOf(script, groups))],
  ]);
  if (GENERATED.includes(script.entry.name))
    throw new ImportRefused(
      `${script.entry.name}: the script's file name is one ScriptDesk generates; rename the script and import again`,
    );
  files.set(script.entry.name, script.entry.bytes);
  return files;
}

async function isNonEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR')
      throw new ImportRefused(`${dir}: is a file, not a folder; choose another --out`);
    throw error;
  }
}

/**
 * Writes each script into its folder beside `out` (`out` itself for the first id, siblings for
 * sub-commands), all or nothing: every folder is checked first (a non-empty one is refused
 * without `force`), then every script is written into a staging folder and renamed into place.
 * Returns the folders written.
 */
export async function writeImported(
  scripts: GeneratedScript[],
  out: string,
  options: { force: boolean; groups: readonly string[] },
): Promise<string[]> {
  const parent = path.dirname(path.resolve(out));
  const targets = scripts.map((script) => path.join(parent, script.id));
  const contents = scripts.map((script) => filesOf(script, options.groups));
  if (!options.force) {
    const busy: string[] = [];
    for (const target of targets) if (await isNonEmpty(target)) busy.push(target);
    if (busy.length)
      throw new ImportRefused(
        busy.map(
          (target) =>
            `${target}: is not empty; choose another --out, or give --force to replace it`,
        ),
      );
  } else for (const target of targets) await isNonEmpty(target);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(path.join(parent, '.scriptdesk-import-'));
  try {
    const staged: string[] = [];
    for (const [index, files] of contents.entries()) {
      const dir = path.join(staging, String(index));
      await mkdir(dir);
      for (const [name, bytes] of files)
        await writeFile(path.join(dir, name), bytes, { flag: 'wx' });
      staged.push(dir);
    }
    for (const [index, target] of targets.entries()) {
      const old = path.join(staging, `old-${index}`);
      await rename(target, old).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      await rename(staged[index]!, target);
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return targets;
}
