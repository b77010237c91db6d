import path from 'node:path';
import type { Command } from 'commander';
import { ImportRefused } from '../importing/import-refused.js';
import { importScripts, type ImportFormat } from '../importing/import-script.js';
import { CliError } from './cli-error.js';
import { stderr, stdout, type Out } from './terminal-output.js';

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

/** Registers `scriptdesk import argparse | awx-survey | script-server` on the program. */
export function addImportCommands(program: Command): void {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  const importing = program
    .command('import')
    .description(
      'write a catalogue script folder from what exists: an argparse script, an AWX survey or a script-server config (admins)',
    )
    .addHelpText(
      'after',
      '\nNothing is run: an argparse script is read by static analysis (Python ast). What has no\n' +
        "equivalent is listed as TODO on stderr and in the folder's TODO.md. Then check the\n" +
        'folder and build the catalogue with scriptdesk catalogue build.',
    );
  const formats: [ImportFormat, string, string][] = [
    [
      'argparse',
      '<script.py>',
      'a Python script that builds its command line with argparse (sub-commands become one folder each, ID-SUB)',
    ],
    [
      'awx-survey',
      '<survey.json>',
      "an AWX job template's survey_spec (the answers reach a stub main.py to replace)",
    ],
    [
      'script-server',
      '<config.json>',
      'a script-server runner config (conf/runners/NAME.json); its .py script is copied when found',
    ],
  ];
  for (const [format, argument, description] of formats)
    importing
      .command(`${format} ${argument}`)
      .description(description)
      .requiredOption(
        '--out <dir>',
        'the script folder to write, SRC/scripts/ID (its name is the script id)',
      )
      .option('--force', 'replace the folder(s) if not empty')
      .option(
        '--group <name>',
        'a group of catalogue.json allowed to run it; repeat for more (default: nobody yet)',
        collect,
      )
      .action((file: string, options: ImportOptions) =>
        importCommand(format, file, options, stdout, stderr),
      );
}
