import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_ADVISORY_POLICY } from '../catalogue/governance-policy.js';
import { loadAdvisories } from '../governance/advisories.js';
import { buildPackageReport } from '../governance/package-report.js';
import { policyFindings } from '../governance/policy-findings.js';
import { resolvePythonRuntime, type PythonRuntime } from '../python/runtime.js';
import { pathExists } from '../shared/files.js';
import { byteCompile, pythonFilesOf } from './byte-compile.js';
import { readInventory } from './package-inventory.js';
import { DEFAULT_TEST_TIMEOUT_SECONDS, runScriptTests, TESTS_FOLDER } from './script-tests.js';
import { SourceError, type SourceProblem } from './source-problems.js';
import { readCatalogueSource, type CatalogueSourceTree } from './source-reader.js';

/** What `catalogue build` checks beyond the source's own files. */
export interface BuildCheckOptions {
  /** `--skip-tests`: do not run the scripts' tests (recorded in the signed document). */
  skipTests?: boolean;
  /** `--advisories DIR`: OSV files to hold the locked versions against. */
  advisoriesDir?: string | undefined;
  /** The Python to byte-compile and test with; resolved like devices do when absent. */
  runtime?: PythonRuntime;
}

/**
 * Reads a source and checks everything `catalogue build` refuses on: the source's files (see
 * source-reader.ts), that every Python file of every script compiles, the licence policy and the
 * advisory policy; all of those problems are listed together. Only a source that passes them has
 * its scripts' tests run (a venv per lock, offline), and a failing test refuses it too.
 * Throws {@link SourceError} holding every problem and the warnings.
 */
export async function readAndCheckSource(
  sourceDir: string,
  options: BuildCheckOptions = {},
): Promise<CatalogueSourceTree & { scriptsWithTests: string[] }> {
  const errors: SourceProblem[] = [];
  const warnings: SourceProblem[] = [];
  let tree: CatalogueSourceTree | null = null;
  try {
    tree = await readCatalogueSource(sourceDir);
    warnings.push(...tree.warnings);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    // A source whose catalogue.json or scripts/ folder is unreadable has nothing to compile.
    if (!(await pathExists(path.join(sourceDir, 'scripts')))) throw error;
    errors.push(...error.problems);
    warnings.push(...error.warnings);
  }
  const runtime = options.runtime ?? (await buildRuntime());
  errors.push(...(await byteCompile(runtime.executable, await scriptPythonFiles(sourceDir))));
  if (tree) {
    const governance = await checkPolicies(sourceDir, tree, options.advisoriesDir);
    errors.push(...governance.errors);
    warnings.push(...governance.warnings);
  }
  if (errors.length || !tree) throw withWarnings(new SourceError(errors), warnings);
  const withTests = new Set<string>();
  for (const script of tree.scripts)
    if (await pathExists(path.join(sourceDir, 'scripts', script.manifest.id, TESTS_FOLDER)))
      withTests.add(script.manifest.id);
  if (!options.skipTests) {
    const failures = await runScriptTests(tree.scripts, withTests, {
      sourceDir,
      runtime,
      timeoutSeconds: tree.source.tests?.timeoutSeconds ?? DEFAULT_TEST_TIMEOUT_SECONDS,
    });
    if (failures.length) throw withWarnings(new SourceError(failures), warnings);
  }
  return { ...tree, warnings, scriptsWithTests: [...withTests].sort() };
}

function withWarnings(error: SourceError, warnings: SourceProblem[]): SourceError {
  error.warnings = warnings;
  return error;
}

async function buildRuntime(): Promise<PythonRuntime> {
  try {
    return await resolvePythonRuntime();
  } catch (error) {
    throw new Error(
      `catalogue build needs Python to byte-compile and test the scripts: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Every .py file of every script folder, `tests/` included. */
async function scriptPythonFiles(sourceDir: string): Promise<string[]> {
  const scriptsDir = path.join(sourceDir, 'scripts');
  const folders = (await readdir(scriptsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => path.join(scriptsDir, entry.name))
    .sort();
  return (await Promise.all(folders.map(pythonFilesOf))).flat();
}

/**
 * The licence policy (when catalogue.json has `licences`) and the advisory policy (when
 * `--advisories` is given) applied to every locked package: refusals and warnings, one line per
 * package version and script. A policy without its input is a warning, never silently nothing.
 */
async function checkPolicies(
  sourceDir: string,
  tree: CatalogueSourceTree,
  advisoriesDir: string | undefined,
): Promise<{ errors: SourceProblem[]; warnings: SourceProblem[] }> {
  const { source } = tree;
  const catalogueFile = path.join(sourceDir, 'catalogue.json');
  const warnings: SourceProblem[] = [];
  if (source.advisories && !advisoriesDir)
    warnings.push({
      file: catalogueFile,
      detail:
        'advisories: a policy is set but no --advisories DIR was given, so no package was checked for known vulnerabilities; pass the folder of OSV files',
    });
  if (!source.licences && !advisoriesDir) return { errors: [], warnings };
  const errors: SourceProblem[] = [];
  let advisories;
  if (advisoriesDir) {
    const loaded = await loadAdvisories(advisoriesDir);
    errors.push(...loaded.problems);
    advisories = {
      byPackage: loaded.byPackage,
      policy: source.advisories ?? DEFAULT_ADVISORY_POLICY,
    };
  }
  const { inventory } = await readInventory(sourceDir);
  const report = await buildPackageReport(inventory, {
    licences: source.licences,
    advisories,
    maxWheelUncompressedBytes: source.limits?.maxWheelUncompressedBytes,
  });
  const findings = policyFindings(report);
  return { errors: [...errors, ...findings.errors], warnings: [...warnings, ...findings.warnings] };
}
