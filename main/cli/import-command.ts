import path from 'node:path';
import { ImportRefused } from '../importing/import-refused.js';
import { importScripts, type ImportFormat } from '../importing/import-script.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';

export type { ImportFormat };

/** The options every `scriptdesk import` command takes. */
export interface ImportOptions {
  out: string;
  force?: boolean;
  group?: string[];
}

/**
 * `scriptdesk import argparse|awx-survey|script-server FILE --out SRC/scripts/ID [--force]`:
 * writes the script folder(s), lists every TODO on stderr, and the folders on stdout.
 */
export async function importCommand(
  format: ImportFormat,
  file: string,
  options: ImportOptions,
  out: Out,
  err: Out,
): Promise<void> {
  try {
    const { scripts, folders } = await importScripts(format, file, options.out, {
      force: options.force === true,
      groups: options.group ?? [],
    });
    scripts.forEach((script, index) => {
      for (const todo of script.todos) err.line(`TODO: ${script.id}: ${todo}`);
      out.line(
        `Imported ${script.id} into ${folders[index]} (${script.fields.length} fields, ${script.todos.length} TODOs; see ${path.join(folders[index]!, 'TODO.md')})`,
      );
    });
  } catch (error) {
    if (!(error instanceof ImportRefused)) throw error;
    const [only] = error.problems;
    if (error.problems.length === 1 && only)
      throw new CliError(`import: ${only}`, 1, { cause: error });
    throw new CliError(`import: ${error.problems.length} problems, nothing was written`, 1, {
      cause: error,
      details: error.problems.map((problem) => `error: ${problem}`),
    });
  }
}
