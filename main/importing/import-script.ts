import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { argparseScripts } from './argparse-import.js';
import { readArgparse } from './argparse-reader.js';
import { awxSurveyScript } from './awx-survey.js';
import { dropRefusedDefaults, fitDeviceCaps } from './fit-form.js';
import { buildProblems } from './self-check.js';
import type { GeneratedScript } from './generated-script.js';
import { ImportRefused } from './import-refused.js';
import { scriptServerScript } from './script-server.js';
import { scriptIdOf, writeImported } from './write-import.js';

/** The formats `scriptdesk import` reads. */
export type ImportFormat = 'argparse' | 'awx-survey' | 'script-server';

/** The largest file read: scripts, surveys and configs are a few KB; this is surely not one. */
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

async function readInput(file: string): Promise<Buffer> {
  try {
    const { size } = await stat(file);
    if (size > MAX_INPUT_BYTES)
      throw new ImportRefused(
        `${file}: is ${Math.ceil(size / 1024 / 1024)} MiB, more than the 8 MiB a script, survey or config could be; give the right file`,
      );
    return await readFile(file);
  } catch (error) {
    if (error instanceof ImportRefused) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a folder'
          : (error as Error).message;
    throw new ImportRefused(`${file}: ${why}; give the path of the file to import`);
  }
}

/**
 * Refuses a `--group` the catalogue source does not define, when `out` is in one
 * (`SRC/scripts/ID` beside `SRC/catalogue.json`): `catalogue build` would refuse it.
 */
async function checkGroups(out: string, groups: readonly string[]): Promise<void> {
  if (groups.length === 0) return;
  const catalogueFile = path.join(path.dirname(path.dirname(path.resolve(out))), 'catalogue.json');
  let defined: string[];
  try {
    const document = JSON.parse(await readFile(catalogueFile, 'utf8')) as { groups?: unknown };
    if (typeof document.groups !== 'object' || document.groups === null) return;
    defined = Object.keys(document.groups);
  } catch {
    // No readable catalogue.json there (yet): catalogue build checks the groups later.
    return;
  }
  const unknown = groups.filter((group) => !defined.includes(group));
  if (unknown.length)
    throw new ImportRefused(
      unknown.map(
        (group) =>
          `--group ${group}: ${catalogueFile} defines no group "${group}"; use one of ${defined.join(', ') || '(none)'}, or add it under "groups"`,
      ),
    );
}

/**
 * Imports `file` as a script folder at `out` (`SRC/scripts/ID`; sub-commands beside it as
 * `ID-SUB`). All or nothing: a refusal ({@link ImportRefused}) writes nothing. Returns the
 * generated scripts and the folders written.
 */
export async function importScripts(
  format: ImportFormat,
  file: string,
  out: string,
  options: { force?: boolean; groups?: readonly string[] } = {},
): Promise<{ scripts: GeneratedScript[]; folders: string[] }> {
  const id = scriptIdOf(out);
  const bytes = await readInput(file);
  const scripts =
    format === 'argparse'
      ? argparseScripts(await readArgparse(file, bytes), file, id, bytes)
      : format === 'awx-survey'
        ? [awxSurveyScript(file, id, bytes)]
        : [await scriptServerScript(file, id, bytes)];
  const groups = options.groups ?? [];
  await checkGroups(out, groups);
  for (const script of scripts) {
    fitDeviceCaps(script);
    dropRefusedDefaults(script);
  }
  const defects = scripts.flatMap((script) => buildProblems(script, groups));
  if (defects.length)
    throw new ImportRefused(
      defects.map(
        (defect) =>
          `${file}: the folder made from it would be refused by catalogue build (${defect}); nothing was written. This is a defect of scriptdesk import: write this part by hand and report it`,
      ),
    );
  const folders = await writeImported(scripts, out, {
    force: options.force === true,
    groups,
  });
  return { scripts, folders };
}
