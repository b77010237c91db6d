import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CatalogueDocument } from '../../main/catalogue/document.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { SourceError } from '../../main/publishing/source-problems.js';
import { copySource, makeKeys } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

/** A copy of the fixture source whose probe script has a helper module and the given tests. */
async function sourceWithTests(tests: Record<string, string>): Promise<string> {
  const source = await copySource();
  const probe = path.join(source, 'scripts', 'probe');
  await writeFile(path.join(probe, 'helpers.py'), 'def double(x):\n    return 2 * x\n');
  await mkdir(path.join(probe, 'tests'));
  for (const [name, text] of Object.entries(tests))
    await writeFile(path.join(probe, 'tests', name), text);
  return source;
}

const PASSING = `import unittest
import helpers

class Double(unittest.TestCase):
    def test_doubles(self):
        self.assertEqual(helpers.double(21), 42)
`;

const FAILING = `import unittest
import helpers

class Double(unittest.TestCase):
    def test_doubles(self):
        self.assertEqual(helpers.double(21), 42)

    def test_doubles_negative_numbers(self):
        print("checking the negative case")
        self.assertEqual(helpers.double(-2), 4)
`;

async function build(source: string, options: { skipTests?: boolean } = {}) {
  const keys = await makeKeys();
  const outDir = path.join(await tempDir('scriptdesk-pub-'), 'published');
  const publish = () =>
    publishCatalogue({
      sourceDir: source,
      keyFile: keys.privateKeyFile,
      outDir,
      validForMs: 86_400_000,
      ...options,
    });
  return { outDir, keys, publish };
}

async function refusal(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

async function outDirExists(outDir: string): Promise<boolean> {
  return readdir(path.dirname(outDir)).then((names) => names.includes(path.basename(outDir)));
}

describe('catalogue build runs each script’s tests before publishing', () => {
  it('publishes when the tests pass, without publishing tests/, and records testsSkipped false and which scripts had tests', async () => {
    const source = await sourceWithTests({ 'test_helpers.py': PASSING });
    const { outDir, publish } = await build(source);
    const { document } = await publish();
    const probe = document.scripts.find((s) => s.manifest.id === 'probe')!;
    expect(probe.files.map((f) => f.path)).toContain('helpers.py');
    expect(probe.files.some((f) => f.path.startsWith('tests'))).toBe(false);
    expect(document.provenance?.testsSkipped).toBe(false);
    // Not published, but recorded: which scripts had tests (for reviews of the next change).
    expect(document.provenance?.scriptsWithTests).toEqual(['probe']);
    const written = JSON.parse(
      await readFile(path.join(outDir, 'catalogue.json'), 'utf8'),
    ) as CatalogueDocument;
    expect(written.provenance?.testsSkipped).toBe(false);
    // The tests ran in a copy: nothing was written into the source (no __pycache__).
    expect(await readdir(path.join(source, 'scripts', 'probe', 'tests'))).toEqual([
      'test_helpers.py',
    ]);
  });

  it('refuses a source whose test fails, naming the test and showing its assertion and prints, and writes nothing', async () => {
    const source = await sourceWithTests({ 'test_helpers.py': FAILING });
    const { outDir, publish } = await build(source);
    const error = await refusal(publish());
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem!.file).toBe(path.join(source, 'scripts', 'probe', 'tests'));
    expect(problem!.detail).toMatch(
      /^test test_helpers\.Double\.test_doubles_negative_numbers of script probe failed: AssertionError: -4 != 4; fix the script or the test \(or build with --skip-tests\)$/,
    );
    const output = problem!.output!.join('\n');
    expect(output).toContain('self.assertEqual(helpers.double(-2), 4)');
    expect(output).toContain('checking the negative case');
    expect(await outDirExists(outDir)).toBe(false);
  });

  it('refuses a test module that cannot be imported as an error of that module', async () => {
    const source = await sourceWithTests({ 'test_broken.py': 'import no_such_module\n' });
    const error = await refusal((await build(source)).publish());
    expect(error.problems[0]!.detail).toMatch(
      /^test unittest\.loader\._FailedTest\.test_broken of script probe raised an error: ModuleNotFoundError: No module named 'no_such_module'/,
    );
  });

  it('refuses a tests folder in which unittest finds no tests', async () => {
    const source = await sourceWithTests({ 'README.txt': 'tests to come\n' });
    const error = await refusal((await build(source)).publish());
    expect(error.problems.map((p) => p.detail)).toEqual([
      'script probe has a tests folder but unittest found no tests in it; name the files test_*.py with unittest.TestCase classes, or remove the folder',
    ]);
  });

  it('stops tests that outlast tests.timeoutSeconds and refuses the build naming the script and the limit', async () => {
    // The test waits on an event nobody sets: only the limit can end it.
    const source = await sourceWithTests({
      'test_hangs.py': `import threading, unittest\n\nclass Hangs(unittest.TestCase):\n    def test_waits_forever(self):\n        threading.Event().wait()\n`,
    });
    const catalogueFile = path.join(source, 'catalogue.json');
    const catalogue = JSON.parse(await readFile(catalogueFile, 'utf8')) as Record<string, unknown>;
    await writeFile(catalogueFile, JSON.stringify({ ...catalogue, tests: { timeoutSeconds: 1 } }));
    const error = await refusal((await build(source)).publish());
    expect(error.problems.map((p) => p.detail)).toEqual([
      'the tests of script probe did not finish within 1 s (tests.timeoutSeconds in catalogue.json) and were stopped; make them faster or raise tests.timeoutSeconds',
    ]);
  });

  it('refuses to test a script whose python field the build’s Python does not satisfy, saying how to fix it', async () => {
    const source = await sourceWithTests({ 'test_helpers.py': PASSING });
    const manifestFile = path.join(source, 'scripts', 'probe', 'script.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, python: '>=9' }));
    const error = await refusal((await build(source)).publish());
    expect(error.problems.map((p) => p.detail)).toEqual([
      expect.stringMatching(
        /^the tests of script probe cannot run: it needs Python >=9; this computer has 3\.\d+\.\d+ \(.+\); set SCRIPTDESK_PYTHON to a matching Python, or build with --skip-tests$/,
      ),
    ]);
  });

  it('publishes with skipTests although a test fails, and the signed document says the tests were skipped', async () => {
    const source = await sourceWithTests({ 'test_helpers.py': FAILING });
    const { document } = await (await build(source, { skipTests: true })).publish();
    expect(document.provenance?.testsSkipped).toBe(true);
  });
});

describe('catalogue build byte-compiles every Python file', () => {
  it('lists every file that does not compile as file, line and message, with the other problems of the source', async () => {
    const source = await sourceWithTests({
      'test_helpers.py':
        'import unittest\n\nclass T(unittest.TestCase):\n    def test_x(self)\n        pass\n',
    });
    await writeFile(
      path.join(source, 'scripts', 'argparse-probe', 'extra.py'),
      'x = 1\nif x == 1:\nprint(x)\n',
    );
    await writeFile(path.join(source, 'scripts', 'secret-probe', 'form.schema.json'), '{ nope');
    const error = await refusal((await build(source, { skipTests: true })).publish());
    const lines = error.problems.map((p) => `${path.relative(source, p.file)}: ${p.detail}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^scripts\/secret-probe\/form\.schema\.json: is not valid JSON/),
        "scripts/argparse-probe/extra.py: line 3, column 1: does not compile: expected an indented block after 'if' statement on line 2; fix the Python syntax",
        expect.stringMatching(
          /^scripts\/probe\/tests\/test_helpers\.py: line 4, column \d+: does not compile: expected ':'; fix the Python syntax$/,
        ),
      ]),
    );
    expect(lines).toHaveLength(3);
  });
});

describe('scriptdesk catalogue build --skip-tests (the CLI)', () => {
  it('prints the failing test with its report under it, and with --skip-tests publishes and says so', async () => {
    const source = await sourceWithTests({ 'test_helpers.py': FAILING });
    const home = await tempDir('scriptdesk-home-');
    const keys = await makeKeys();
    const out = path.join(home, 'published');
    const refused = await scriptdesk(home, [
      'catalogue',
      'build',
      source,
      '--key',
      keys.privateKeyFile,
      '--out',
      out,
    ]);
    expect(refused.code).toBe(1);
    const lines = refused.stderr.trim().split('\n');
    expect(lines[0]).toBe(
      `scriptdesk: the catalogue source ${source} was not published: 1 error; fix the errors and build again`,
    );
    expect(lines[1]).toBe(
      `error: ${path.join(source, 'scripts', 'probe', 'tests')}: test test_helpers.Double.test_doubles_negative_numbers of script probe failed: AssertionError: -4 != 4; fix the script or the test (or build with --skip-tests)`,
    );
    expect(lines.slice(2).every((line) => line.startsWith('    | '))).toBe(true);
    expect(lines).toContain('    | AssertionError: -4 != 4');

    const skipped = await scriptdesk(home, [
      'catalogue',
      'build',
      source,
      '--key',
      keys.privateKeyFile,
      '--out',
      out,
      '--skip-tests',
    ]);
    expect(skipped.stderr).toBe('');
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain('tests SKIPPED (--skip-tests, recorded in the catalogue)');
    const document = JSON.parse(
      await readFile(path.join(out, 'catalogue.json'), 'utf8'),
    ) as CatalogueDocument;
    expect(document.provenance?.testsSkipped).toBe(true);
  });
});
