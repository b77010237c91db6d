import path from 'node:path';
import { generateSigningKey, loadPublicKey } from '../catalogue/keys.js';
import { parseDuration, publishCatalogue } from '../publishing/publish.js';
import { SourceError } from '../publishing/source-reader.js';
import { sourceFor } from '../catalogue/sources.js';
import { CatalogueRejected } from '../catalogue/verify.js';
import { verifyPublished } from '../publishing/verify-published.js';
import { writeSourceJsonSchemas } from '../publishing/json-schemas.js';
import { CliError } from './cli-error.js';
import { stderr as err, type Out } from './terminal-output.js';

/** `scriptdesk keygen --out DIR` */
export async function keygenCommand(options: { out: string }, out: Out): Promise<void> {
  try {
    const { privateKeyFile, publicKeyFile, keyId } = await generateSigningKey(options.out);
    out.line(`Created signing key ${keyId}`);
    out.line(`  private: ${privateKeyFile}  (keep it secret; only the publisher needs it)`);
    out.line(
      `  public:  ${publicKeyFile}  (give it to every device: scriptdesk sync --pubkey ...)`,
    );
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/**
 * `scriptdesk catalogue build SRC --key KEY [--key NEXT] --out DIR [--expires 30d]
 * [--skip-tests] [--advisories DIR]`
 */
export async function catalogueBuildCommand(
  source: string,
  options: {
    key: string[];
    out: string;
    expires: string;
    skipTests?: boolean;
    advisories?: string;
  },
  out: Out,
): Promise<void> {
  let validForMs: number;
  try {
    validForMs = parseDuration(options.expires);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  if (options.key.length === 0)
    throw new CliError('--key is required: the private signing key (from scriptdesk keygen)', 2);
  try {
    const { document, keyIds, blobCount, warnings } = await publishCatalogue({
      sourceDir: source,
      keyFile: options.key,
      outDir: options.out,
      validForMs,
      skipTests: options.skipTests ?? false,
      advisoriesDir: options.advisories,
    });
    for (const warning of warnings) err.line(`warning: ${warning.file}: ${warning.detail}`);
    out.line(
      `Published catalogue "${document.name}" version ${document.version} to ${path.resolve(options.out)}`,
    );
    out.line(
      `  ${document.scripts.length} scripts, ${blobCount} blobs, signed by key ${keyIds.join(' and ')}, expires ${document.expires}`,
    );
    const from = document.provenance;
    if (from)
      out.line(
        `  from ${from.commit ? `commit ${from.commit.slice(0, 12)}${from.branch ? ` on ${from.branch}` : ''}${from.clean ? '' : ' with uncommitted changes'}` : 'a folder that is not a git work tree'}, built by ${from.builtBy}${from.testsSkipped ? '; tests SKIPPED (--skip-tests, recorded in the catalogue)' : ''}`,
      );
  } catch (error) {
    if (error instanceof SourceError) throw sourceRefused(source, error);
    throw new CliError((error as Error).message, 1, { cause: error });
  }
}

/**
 * Every problem of a refused source, one line each ("file: JSON Pointer: what; fix"), the
 * warnings after them; a single problem without warnings stays the one line it always was.
 */
function sourceRefused(source: string, error: SourceError): CliError {
  const { problems, warnings } = error;
  if (problems.length === 1 && warnings.length === 0 && !problems[0]!.output?.length)
    return new CliError(error.message, 1, { cause: error });
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const counts = `${count(problems.length, 'error')}${warnings.length ? ` and ${count(warnings.length, 'warning')}` : ''}`;
  return new CliError(
    `the catalogue source ${source} was not published: ${counts}; fix the errors and build again`,
    1,
    {
      cause: error,
      details: [
        ...problems.flatMap((problem) => [
          `error: ${problem.file}: ${problem.detail}`,
          // A failing test's report, trimmed, under its line; marked so it never reads as ours.
          ...(problem.output ?? []).map((line) => `    | ${line}`),
        ]),
        ...warnings.map((warning) => `warning: ${warning.file}: ${warning.detail}`),
      ],
    },
  );
}

/** `scriptdesk catalogue verify DIR|URL --pubkey PUB [--pubkey NEXT]` */
export async function catalogueVerifyCommand(
  location: string,
  options: { pubkey: string[] },
  out: Out,
): Promise<void> {
  if (options.pubkey.length === 0)
    throw new CliError('--pubkey is required: the public key to trust (from scriptdesk keygen)', 2);
  const keys = await Promise.all(options.pubkey.map((file) => loadPublicKey(file))).catch(
    (error: Error) => {
      throw new CliError(error.message, 1, { cause: error });
    },
  );
  let report;
  try {
    report = await verifyPublished(sourceFor(location), keys, new Date());
  } catch (error) {
    if (error instanceof CatalogueRejected)
      throw new CliError(`${location}: ${error.message}`, 1, { cause: error });
    throw error;
  }
  const { document, keyId, blobsChecked, problems } = report;
  if (problems.length) {
    for (const problem of problems) out.line(`DAMAGED ${problem}`);
    throw new CliError(
      `${location}: ${problems.length} of ${blobsChecked} blobs are missing or damaged; publish again with scriptdesk catalogue build`,
    );
  }
  out.line(
    `OK: catalogue "${document.name}" version ${document.version} for audience "${document.audience}", signed by ${keyId}, ${document.scripts.length} scripts, ${blobsChecked} blobs verified, expires ${document.expires}`,
  );
}

/** `scriptdesk catalogue schemas --out DIR` */
export async function catalogueSchemasCommand(options: { out: string }, out: Out): Promise<void> {
  for (const file of await writeSourceJsonSchemas(options.out)) out.line(`Wrote ${file}`);
}
