// Runs the unit and integration suite (`vitest run`) several times in a row and prints how many
// tests failed in each run, naming every test that failed in some runs but not all (a flaky
// test). Not part of `npm test` or CI: a check to run before landing a change that could make
// the suite depend on timing or on scheduling. `npm run test:repeat` (builds first, 3 runs);
// `npm run test:repeat -- 5 test/integration` (5 runs, other arguments go to vitest).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');

const [first, ...rest] = process.argv.slice(2);
const counted = first !== undefined && /^\d+$/.test(first);
const runs = counted ? Number(first) : 3;
const vitestArgs = counted ? rest : process.argv.slice(2);
if (runs < 1 || runs > 100) {
  console.error(`test:repeat: the number of runs must be from 1 to 100, not ${first}`);
  process.exit(2);
}

/**
 * What one `vitest run` reported: its failed tests by name ("file > describe > test"), and files
 * that failed without a failed test (one that did not load, or an error outside any test).
 */
function runOnce(index, resultsFile) {
  const started = Date.now();
  const child = spawnSync(
    process.execPath,
    [
      vitest,
      'run',
      '--reporter=dot',
      '--reporter=json',
      `--outputFile.json=${resultsFile}`,
      ...vitestArgs,
    ],
    { cwd: root, stdio: 'inherit' },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  let report;
  try {
    report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch {
    const how = child.signal ?? `code ${child.status}`;
    return {
      seconds,
      total: 0,
      failed: [`(vitest ended with ${how} and wrote no results)`],
      durations: [],
    };
  }
  const failed = [];
  const durations = [];
  for (const file of report.testResults) {
    const name = path.relative(root, file.name);
    const title = (test) => [name, ...test.ancestorTitles, test.title].join(' > ');
    for (const test of file.assertionResults) durations.push([title(test), test.duration ?? 0]);
    const tests = file.assertionResults.filter((test) => test.status === 'failed');
    for (const test of tests) failed.push(title(test));
    if (file.status === 'failed' && tests.length === 0)
      failed.push(`${name} (${(file.message || 'failed outside its tests').split('\n')[0]})`);
  }
  console.log(
    `\ntest:repeat: run ${index} of ${runs}: ${failed.length} failed of ${report.numTotalTests} tests (${seconds} s)\n`,
  );
  return { seconds, total: report.numTotalTests, failed, durations };
}

const work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-repeat-'));
const results = [];
try {
  for (let index = 1; index <= runs; index++)
    results.push(runOnce(index, path.join(work, `run-${index}.json`)));
} finally {
  rmSync(work, { recursive: true, force: true });
}

console.log('test:repeat: failures per run');
results.forEach((result, i) =>
  console.log(`  run ${i + 1}: ${result.failed.length} of ${result.total} (${result.seconds} s)`),
);
const runsFailing = new Map();
for (const result of results)
  for (const name of new Set(result.failed))
    runsFailing.set(name, (runsFailing.get(name) ?? 0) + 1);
for (const [name, count] of [...runsFailing].sort((a, b) => b[1] - a[1]))
  console.log(
    `  ${count === runs ? 'failed every run' : `FLAKY, failed ${count} of ${runs}`}: ${name}`,
  );
// The slowest tests come first to meet their timeout on a busy machine: shown to keep an eye on.
const slowest = new Map();
for (const result of results)
  for (const [name, ms] of result.durations)
    slowest.set(name, Math.max(slowest.get(name) ?? 0, ms));
console.log('test:repeat: slowest tests (longest of any run)');
for (const [name, ms] of [...slowest].sort((a, b) => b[1] - a[1]).slice(0, 5))
  console.log(`  ${Math.round(ms / 1000)} s: ${name}`);
process.exit(runsFailing.size === 0 ? 0 : 1);
