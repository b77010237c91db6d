import path from 'node:path';
import type { Command } from 'commander';
import { loadPublicKey } from '../catalogue/keys.js';
import { scaffoldCatalogue, ScaffoldRefused } from '../publishing/scaffold.js';
import { diffCatalogues } from '../review/catalogue-diff.js';
import { openCatalogue, ReviewInputError } from '../review/catalogue-view.js';
import { reportMarkdown } from '../review/report-markdown.js';
import { CliError } from './cli-error.js';
import { stderr as err, stdout, type Out } from './terminal-output.js';

/** Options of `scriptdesk catalogue diff`. */
export interface DiffOptions {
  json?: boolean;
  pubkey: string[];
  failOnRisk?: boolean;
  allowMissingOld?: boolean;
}

/** The exit code of `catalogue diff --fail-on-risk` when the report raises a risk. */
export const RISK_EXIT_CODE = 3;

/** `scriptdesk catalogue diff OLD NEW [--json] [--pubkey KEY] [--fail-on-risk]`; returns the exit code. */
export async function catalogueDiffCommand(
  oldLocation: string,
  newLocation: string,
  options: DiffOptions,
  out: Out,
): Promise<number> {
  const trusted = await Promise.all(options.pubkey.map((file) => loadPublicKey(file))).catch(
    (error: Error) => {
      throw new CliError(`${error.message}; give the .pub file from scriptdesk keygen`, 1, {
        cause: error,
      });
    },
  );
  let diff;
  try {
    const before = await openCatalogue(oldLocation, {
      trusted,
      allowMissing: options.allowMissingOld ?? false,
    });
    const after = await openCatalogue(newLocation, { trusted });
    diff = await diffCatalogues(before, after);
  } catch (error) {
    if (!(error instanceof ReviewInputError)) throw error;
    const details = sourceProblems(error.cause);
    throw new CliError(error.message, 1, { cause: error, details });
  }
  const published = [diff.old, diff.new].filter((side) => side.kind === 'published');
  if (published.some((side) => side.signedBy === null))
    err.line(
      'warning: the published catalogue was read without checking its signature; pass --pubkey with the publisher key',
    );
  if (options.json) out.json(diff);
  else for (const line of reportMarkdown(diff)) out.line(line);
  return options.failOnRisk && diff.risks.length ? RISK_EXIT_CODE : 0;
}

/** A refused source's problems, one line each, so the reviewer sees what to fix. */
function sourceProblems(cause: unknown): string[] {
  const problems = (cause as { problems?: { file: string; detail: string }[] } | undefined)
    ?.problems;
  return problems?.map((problem) => `error: ${problem.file}: ${problem.detail}`) ?? [];
}

/** `scriptdesk catalogue init DIR` */
export async function catalogueInitCommand(dir: string, out: Out): Promise<void> {
  let written: string[];
  try {
    written = await scaffoldCatalogue(dir);
  } catch (error) {
    if (error instanceof ScaffoldRefused) throw new CliError(error.message, 1, { cause: error });
    throw error;
  }
  const at = path.resolve(dir);
  out.line(`Created a catalogue source in ${at} (${written.length} files):`);
  for (const file of written) out.line(`  ${file}`);
  out.line('');
  out.line('Next steps:');
  const steps = [
    ['scriptdesk keygen --out ../catalogue-keys', 'keep the .key secret, out of git'],
    ['cp ../catalogue-keys/catalogue-signing.pub keys/', 'devices and CI check against it'],
    ['git init -b main && git add -A && git commit -m "Catalogue source"', ''],
    [
      'scriptdesk catalogue build . --key ../catalogue-keys/catalogue-signing.key --out ../published',
      'check, sign, publish',
    ],
    ['scriptdesk server --root ../published', 'or copy it to any static host'],
    ['scriptdesk sync --from http://127.0.0.1:8470/ --pubkey keys/catalogue-signing.pub', ''],
  ];
  out.line(`  cd ${at}`);
  for (const [command, why] of steps) out.line(`  ${command}${why ? `    # ${why}` : ''}`);
  out.line('CI: see ci/README.md (GitHub Actions and GitLab CI files are in place).');
}

/** Adds `catalogue diff` and `catalogue init` to the `catalogue` command. */
export function addReviewCommands(catalogue: Command, setExitCode: (code: number) => void): void {
  const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
  catalogue
    .command('diff <old> <new>')
    .description(
      'what a reviewer must approve between two catalogues (published folders, URLs or sources), risks first',
    )
    .option('--json', 'print JSON instead of Markdown')
    .option(
      '--pubkey <file>',
      'check published signatures with this key; repeat for current and next',
      collect,
    )
    .option(
      '--fail-on-risk',
      `exit with code ${RISK_EXIT_CODE} when the report raises a risk (for CI)`,
    )
    .option(
      '--allow-missing-old',
      'OLD may hold nothing yet (a 404, an empty or missing folder): every script is new',
    )
    .action(
      async (
        oldLocation: string,
        newLocation: string,
        options: Omit<DiffOptions, 'pubkey'> & { pubkey?: string[] },
      ) =>
        setExitCode(
          await catalogueDiffCommand(
            oldLocation,
            newLocation,
            { ...options, pubkey: options.pubkey ?? [] },
            stdout,
          ),
        ),
    );
  catalogue
    .command('init <dir>')
    .description(
      'create a new catalogue source: one example script with tests, .gitignore and CI files',
    )
    .action((dir: string) => catalogueInitCommand(dir, stdout));
}
