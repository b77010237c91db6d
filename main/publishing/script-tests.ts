import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PythonRuntime } from '../python/runtime.js';
import { Semaphore } from '../python/semaphore.js';
import { buildVenv, venvInterpreter, VenvBuildError } from '../python/venv-build.js';
import { pythonMismatch } from '../python/version-specifier.js';
import { toolEnvironment } from './byte-compile.js';
import { runTool } from '../shared/tool-process.js';
import type { SourceProblem } from './source-problems.js';
import type { SourceScript } from './source-reader.js';
import { trimmedLines } from './trimmed-output.js';

/** The folder of a script that holds its build-time tests; never published. */
export const TESTS_FOLDER = 'tests';
/** How long one script's tests may take when catalogue.json sets no `tests.timeoutSeconds`. */
export const DEFAULT_TEST_TIMEOUT_SECONDS = 120;

/**
 * Discovers and runs `tests/test*.py` with unittest, the script folder first on `sys.path` (so
 * tests import the script's modules by name), every test's prints buffered and kept only for the
 * ones that fail, and writes what failed as JSON to the file named by argv[1].
 */
const RUN_TESTS = `
import json, os, sys, unittest
root = os.getcwd()
sys.path.insert(0, root)
suite = unittest.defaultTestLoader.discover(os.path.join(root, "tests"), pattern="test*.py", top_level_dir=os.path.join(root, "tests"))
result = unittest.TextTestRunner(stream=sys.stderr, verbosity=2, buffer=True).run(suite)
problems = [{"kind": "failed", "test": t.id(), "detail": d} for t, d in result.failures]
problems += [{"kind": "raised an error", "test": t.id(), "detail": d} for t, d in result.errors]
problems += [{"kind": "passed although marked expectedFailure", "test": t.id(), "detail": ""} for t in result.unexpectedSuccesses]
with open(sys.argv[1], "w", encoding="utf-8") as report:
    json.dump({"ran": result.testsRun, "problems": problems}, report)
sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
`;

interface TestReport {
  ran: number;
  problems: { kind: string; test: string; detail: string }[];
}

/** What running the tests needs beyond the scripts. */
export interface ScriptTestOptions {
  sourceDir: string;
  runtime: PythonRuntime;
  timeoutSeconds: number;
  /** How many scripts' tests run at once (venv builds included); default: 2, or 1 on one CPU. */
  concurrency?: number;
}

/**
 * Runs the `tests/` of every script that has one, each in a venv built offline from the script's
 * own lock and the source's wheelhouse (one venv per distinct lock), in a fresh copy of its folder
 * so a test cannot change what is published. Returns one problem per failing test (its name, the
 * last line of its report, and the trimmed report under it), per timeout, per script whose tests
 * found nothing to run, and per venv that could not be built. Temporary folders are removed.
 */
export async function runScriptTests(
  scripts: readonly SourceScript[],
  withTests: ReadonlySet<string>,
  options: ScriptTestOptions,
): Promise<SourceProblem[]> {
  const tested = scripts.filter((script) => withTests.has(script.manifest.id));
  if (tested.length === 0) return [];
  const work = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-build-tests-'));
  const gate = new Semaphore(options.concurrency ?? Math.min(2, os.availableParallelism()));
  const venvs = new Map<string, Promise<string>>();
  const venvFor = (script: SourceScript, dir: string) => {
    let venv = venvs.get(script.lockSha256);
    if (!venv) {
      venv = buildTestVenv(script, dir, path.join(work, `venv-${venvs.size}`), options.runtime);
      venvs.set(script.lockSha256, venv);
    }
    return venv;
  };
  try {
    const results = await Promise.all(
      tested.map(async (script, index) => {
        const release = await gate.acquire();
        try {
          return await testOneScript(script, path.join(work, `run-${index}`), venvFor, options);
        } finally {
          release();
        }
      }),
    );
    return results.flat();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function testOneScript(
  script: SourceScript,
  work: string,
  venvFor: (script: SourceScript, dir: string) => Promise<string>,
  options: ScriptTestOptions,
): Promise<SourceProblem[]> {
  const id = script.manifest.id;
  const dir = path.join(options.sourceDir, 'scripts', id);
  const testsDir = path.join(dir, TESTS_FOLDER);
  const mismatch = pythonMismatch(script.manifest.python, options.runtime.version);
  if (mismatch)
    return [
      {
        file: testsDir,
        detail: `the tests of script ${id} cannot run: it ${mismatch.split('. ')[0]} (${options.runtime.source ?? options.runtime.executable}); set SCRIPTDESK_PYTHON to a matching Python, or build with --skip-tests`,
      },
    ];
  let venv: string;
  try {
    venv = await venvFor(script, dir);
  } catch (error) {
    if (!(error instanceof VenvBuildError)) throw error;
    return [
      {
        file: path.join(dir, 'requirements.lock'),
        detail: `the venv for the tests of script ${id} could not be built: ${error.message}; correct the lock or the wheel`,
      },
    ];
  }
  const copy = path.join(work, id);
  await cp(dir, copy, {
    recursive: true,
    filter: (from) => path.basename(from) !== '__pycache__',
  });
  const reportFile = path.join(work, 'report.json');
  const seconds = options.timeoutSeconds;
  const exit = await runTool(venvInterpreter(venv), ['-I', '-B', '-c', RUN_TESTS, reportFile], {
    cwd: copy,
    env: toolEnvironment({ HOME: work, TMPDIR: work, PYTHONIOENCODING: 'utf-8' }),
    timeoutMs: seconds * 1000,
  });
  if (exit.stopped === 'output-limit')
    return [
      {
        file: testsDir,
        detail: `the tests of script ${id} printed more than 16 MiB and were stopped; print less (unittest keeps a passing test's prints to itself)`,
        output: trimmedLines(exit.output),
      },
    ];
  if (exit.stopped === 'timeout')
    return [
      {
        file: testsDir,
        detail: `the tests of script ${id} did not finish within ${seconds} s (tests.timeoutSeconds in catalogue.json) and were stopped; make them faster or raise tests.timeoutSeconds`,
        output: trimmedLines(exit.output),
      },
    ];
  const report = await readReport(reportFile);
  if (exit.code === 0 && report && report.ran > 0) return [];
  if (report && report.ran === 0 && report.problems.length === 0)
    return [
      {
        file: testsDir,
        detail: `script ${id} has a tests folder but unittest found no tests in it; name the files test_*.py with unittest.TestCase classes, or remove the folder`,
      },
    ];
  if (!report || report.problems.length === 0)
    return [
      {
        file: testsDir,
        detail: `the tests of script ${id} stopped before reporting (exit ${exit.signal ?? exit.code}); see the output below, fix the tests, or build with --skip-tests`,
        output: trimmedLines(exit.output),
      },
    ];
  return report.problems.map((problem) => ({
    file: testsDir,
    detail: `test ${problem.test} of script ${id} ${problem.kind}${lastLineOf(problem.detail)}; fix the script or the test (or build with --skip-tests)`,
    output: trimmedLines(problem.detail),
  }));
}

async function buildTestVenv(
  script: SourceScript,
  dir: string,
  venv: string,
  runtime: PythonRuntime,
): Promise<string> {
  const lockText = await readFile(path.join(dir, 'requirements.lock'), 'utf8');
  // No sha256 here: given one, the venv builder deletes a differing copy, and these are the
  // admin's own files (already hashed by the reader; pip checks them against the lock again).
  const wheels = script.wheels.map((wheel) => ({ filename: wheel.path, path: wheel.absolute }));
  await buildVenv({ runtime, lockText, wheels }, venv, new AbortController().signal);
  return venv;
}

async function readReport(file: string): Promise<TestReport | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as TestReport;
  } catch {
    return null;
  }
}

/** ": AssertionError: 2 != 3", the last line of a traceback, for the one-line problem. */
function lastLineOf(detail: string): string {
  const traceback = detail.split(/\n(?:Stdout|Stderr):\n/)[0] ?? '';
  const last = traceback
    .trim()
    .split('\n')
    .filter((line) => line.trim())
    .at(-1);
  return last ? `: ${last.trim().slice(0, 200)}` : '';
}
