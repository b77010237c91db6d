/**
 * The demo catalogue in examples/ works end to end with a real Python:
 * - the loancalc wheel is rebuilt byte for byte by examples/packages/make_wheel.py, equals
 *   the committed wheel and the hash pinned in loan-schedule's requirements.lock, and
 *   installs offline, hash-checked, into a venv without pip (as ScriptDesk installs it);
 * - each demo script, run the way ScriptDesk runs it (`-I -u -X utf8`, inputs file, output
 *   folder, dry-run flag, minimal environment), produces correct results, and bad input
 *   ends with an exit code its script.json declares and a message naming the problem.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = path.join(repoRoot, 'examples');
const scriptsDir = path.join(examples, 'catalogue', 'scripts');
const wheelName = 'loancalc-1.0.0-py3-none-any.whl';
const committedWheel = path.join(examples, 'catalogue', 'wheels', wheelName);
const loanLock = path.join(scriptsDir, 'loan-schedule', 'requirements.lock');
const salesCsv = path.join(examples, 'data', 'sales.csv');

/** The machine's python3, by absolute path: ScriptDesk never relies on PATH lookup. */
const basePython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim();

const SLOW = 120_000;

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `scriptdesk-demo-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function buildWheel(outDir: string): { wheel: string; printedHash: string } {
  const result = spawnSync(
    basePython,
    [
      path.join(examples, 'packages', 'make_wheel.py'),
      path.join(examples, 'packages', 'loancalc'),
      '--out',
      outDir,
    ],
    { encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const match = /^([0-9a-f]{64}) {2}(.+)$/m.exec(result.stdout);
  expect(match, `unexpected make_wheel output: ${result.stdout}`).not.toBeNull();
  return { wheel: path.join(outDir, wheelName), printedHash: match![1]! };
}

function pinnedHash(): string {
  const match = /^loancalc==1\.0\.0 --hash=sha256:([0-9a-f]{64})\s*$/m.exec(
    readFileSync(loanLock, 'utf8'),
  );
  expect(match, 'requirements.lock pins loancalc==1.0.0 by sha256').not.toBeNull();
  return match![1]!;
}

let venvPython: string | undefined;
/** A venv holding loancalc from the wheelhouse, built like ScriptDesk builds one. */
function loanVenvPython(): string {
  if (venvPython) return venvPython;
  const venv = path.join(tempDir('venv'), 'venv');
  execFileSync(basePython, ['-m', 'venv', '--without-pip', venv]);
  const python = path.join(venv, 'bin', 'python');
  const install = spawnSync(
    basePython,
    [
      '-m',
      'pip',
      '--isolated',
      '--python',
      python,
      'install',
      '--no-index',
      '--find-links',
      path.dirname(committedWheel),
      '--require-hashes',
      '-r',
      loanLock,
    ],
    { encoding: 'utf8' },
  );
  expect(install.status, install.stderr).toBe(0);
  venvPython = python;
  return python;
}

interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outDir: string;
  progress: number[];
}

interface ExitCodeEntry {
  status: 'success' | 'expected' | 'retriable' | 'failed';
  message?: string;
}

function declaredExitCodes(scriptId: string): Record<string, ExitCodeEntry> {
  const manifest = JSON.parse(
    readFileSync(path.join(scriptsDir, scriptId, 'script.json'), 'utf8'),
  ) as {
    exitCodes: Record<string, ExitCodeEntry>;
  };
  return manifest.exitCodes;
}

/** Run a demo script the way ScriptDesk's runner does, in a fresh run folder. */
function runScript(
  scriptId: string,
  inputs: Record<string, unknown>,
  options: { python?: string; dryRun?: boolean } = {},
): ScriptRun {
  const runDir = tempDir(`run-${scriptId}`);
  const outDir = path.join(runDir, 'outputs');
  mkdirSync(outDir);
  const inputsFile = path.join(runDir, 'inputs.json');
  writeFileSync(inputsFile, JSON.stringify(inputs), { mode: 0o600 });
  const result = spawnSync(
    options.python ?? basePython,
    ['-I', '-u', '-X', 'utf8', path.join(scriptsDir, scriptId, 'main.py')],
    {
      cwd: runDir,
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        SCRIPTDESK_INPUTS: inputsFile,
        SCRIPTDESK_OUTPUT_DIR: outDir,
        SCRIPTDESK_DRY_RUN: options.dryRun ? '1' : '0',
      },
    },
  );
  const progress = [...result.stdout.matchAll(/^::progress (\d{1,3}) \S.*$/gm)].map((m) =>
    Number(m[1]),
  );
  if (result.status !== null) {
    expect(
      declaredExitCodes(scriptId),
      `${scriptId} exited ${result.status}, which its script.json must declare`,
    ).toHaveProperty(String(result.status));
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, outDir, progress };
}

function readCsv(file: string): string[][] {
  // The demo outputs hold no quoted commas or newlines, so a plain split is enough here.
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split(/\r?\n/)
    .map((line) => line.split(','));
}

/** "1957.20" -> 195720: sums money without floating-point error. */
function cents(amount: string): number {
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

function formatCents(total: number): string {
  return `${Math.floor(total / 100)}.${String(total % 100).padStart(2, '0')}`;
}

function listTree(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    entries[name] = statSync(full).isFile() ? readFileSync(full, 'utf8') : '<dir>';
  }
  return entries;
}

describe('the loancalc demo wheel', () => {
  it(
    'rebuilds byte-identically, equal to the committed wheel and to the hash pinned in requirements.lock',
    () => {
      const first = buildWheel(tempDir('wheel-a'));
      const second = buildWheel(tempDir('wheel-b'));
      const bytes = readFileSync(first.wheel);
      expect(bytes.equals(readFileSync(second.wheel))).toBe(true);
      expect(
        bytes.equals(readFileSync(committedWheel)),
        'examples/catalogue/wheels is stale: rebuild it with examples/packages/make_wheel.py',
      ).toBe(true);
      const hash = sha256(first.wheel);
      expect(first.printedHash).toBe(hash);
      expect(sha256(committedWheel)).toBe(hash);
      expect(pinnedHash()).toBe(hash);
    },
    SLOW,
  );

  it('holds a RECORD whose digest and size match every entry, and a pure-Python WHEEL file', () => {
    const check = `
import base64, csv, hashlib, io, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    names = wheel.namelist()
    record = list(csv.reader(io.TextIOWrapper(wheel.open("loancalc-1.0.0.dist-info/RECORD"), "utf-8")))
    listed = {row[0] for row in record}
    assert listed == set(names), (sorted(listed), names)
    for name, digest, size in record:
        if name.endswith("/RECORD"):
            assert digest == "" and size == "", name
            continue
        data = wheel.read(name)
        expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        assert digest == expected and int(size) == len(data), name
    for info in wheel.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0) and info.external_attr >> 16 == 0o100644, info
    print(wheel.read("loancalc-1.0.0.dist-info/WHEEL").decode())
    print(wheel.read("loancalc-1.0.0.dist-info/METADATA").decode())
`;
    const out = execFileSync(basePython, ['-I', '-c', check, committedWheel], { encoding: 'utf8' });
    expect(out).toContain('Root-Is-Purelib: true');
    expect(out).toContain('Tag: py3-none-any');
    expect(out).toMatch(/^Name: loancalc$/m);
    expect(out).toMatch(/^Version: 1\.0\.0$/m);
  });

  it(
    'installs offline with hash checking into a venv without pip, and imports in isolated mode',
    () => {
      const python = loanVenvPython();
      const version = execFileSync(
        python,
        ['-I', '-c', 'import loancalc; print(loancalc.__version__)'],
        {
          encoding: 'utf8',
        },
      );
      expect(version.trim()).toBe('1.0.0');
    },
    SLOW,
  );
});

describe('csv-summary', () => {
  const sales = readCsv(salesCsv);
  const header = sales[0]!;
  const dataRows = sales.slice(1);

  it('summarises the sample sales file: row count, numeric totals and most frequent values', () => {
    const run = runScript('csv-summary', {
      csvFile: salesCsv,
      delimiter: 'comma',
      hasHeader: true,
      topN: 3,
      reportTitle: 'Q1 sales',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.progress.at(-1)).toBe(100);

    const summary = readFileSync(path.join(run.outDir, 'summary.md'), 'utf8');
    expect(summary).toMatch(/^# Q1 sales$/m);
    expect(summary).toContain(`**Rows:** ${dataRows.length} data rows plus a header row`);
    expect(summary).toContain(`**Columns:** ${header.length}`);

    const stats = readCsv(path.join(run.outDir, 'column-stats.csv'));
    expect(stats[0]).toEqual([
      'column',
      'type',
      'filled',
      'empty',
      'distinct',
      'min',
      'max',
      'mean',
      'sum',
      'top_values',
    ]);
    const byColumn = new Map(stats.slice(1).map((row) => [row[0]!, row]));
    expect([...byColumn.keys()]).toEqual(header);

    const revenueIndex = header.indexOf('revenue');
    const revenueCents = dataRows.map((row) => cents(row[revenueIndex]!));
    const revenue = byColumn.get('revenue')!;
    expect(revenue[1]).toBe('number');
    expect(revenue[2]).toBe(String(dataRows.length));
    expect(cents(revenue[5]!)).toBe(Math.min(...revenueCents));
    expect(cents(revenue[6]!)).toBe(Math.max(...revenueCents));
    const revenueTotal = revenueCents.reduce((a, b) => a + b, 0);
    expect(revenue[8]).toBe(formatCents(revenueTotal));
    const grouped = (revenueTotal / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });
    expect(summary).toMatch(new RegExp(`^\\| revenue \\|.*\\| ${grouped} \\|$`, 'm'));

    const dates = dataRows.map((row) => row[header.indexOf('date')]!).sort();
    const date = byColumn.get('date')!;
    expect([date[1], date[5], date[6]]).toEqual(['date', dates[0], dates.at(-1)]);

    const regionIndex = header.indexOf('region');
    const regionCounts = new Map<string, number>();
    for (const row of dataRows) {
      regionCounts.set(row[regionIndex]!, (regionCounts.get(row[regionIndex]!) ?? 0) + 1);
    }
    const topRegion = [...regionCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
    expect(byColumn.get('region')![1]).toBe('text');
    expect(byColumn.get('region')![9]).toMatch(
      new RegExp(`^${topRegion[0]} \\(${topRegion[1]}\\);`),
    );
  });

  it('stops with the declared "no data rows" exit code when the CSV holds only a header', () => {
    const csv = path.join(tempDir('csv'), 'header-only.csv');
    writeFileSync(csv, 'date,region,product,units,unit_price,revenue\n');
    const run = runScript('csv-summary', {
      csvFile: csv,
      delimiter: 'comma',
      hasHeader: true,
      topN: 5,
      reportTitle: 'CSV summary',
    });
    expect(run.status).toBe(3);
    expect(declaredExitCodes('csv-summary')['3']).toMatchObject({ status: 'expected' });
    expect(run.stderr).toContain('The CSV file has no data rows');
    expect(run.stderr).toContain('header-only.csv contains only a header row');
    expect(readdirSync(run.outDir)).toEqual([]);
  });

  it('names the line and the column counts when a row has more values than the header', () => {
    const csv = path.join(tempDir('csv'), 'ragged.csv');
    writeFileSync(csv, 'region,units\nNorth,3\nSouth,4,extra\n');
    const run = runScript('csv-summary', {
      csvFile: csv,
      delimiter: 'comma',
      hasHeader: true,
      topN: 5,
      reportTitle: 'CSV summary',
    });
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('Line 3 has 3 values but the header has 2 columns');
  });

  it('reads a file separated by another character chosen as "Other"', () => {
    const csv = path.join(tempDir('csv'), 'piped.csv');
    writeFileSync(csv, 'region|units\nNorth|3\nSouth|4\n');
    const run = runScript('csv-summary', {
      csvFile: csv,
      delimiter: 'other',
      otherDelimiter: '|',
      hasHeader: true,
      topN: 5,
      reportTitle: 'CSV summary',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const stats = readCsv(path.join(run.outDir, 'column-stats.csv'));
    expect(stats.slice(1).map((row) => [row[0], row[1], row[8]])).toEqual([
      ['region', 'text', ''],
      ['units', 'number', '7'],
    ]);
  });
});

describe('rename-files', () => {
  function makeFolder(): string {
    const folder = path.join(tempDir('rename'), 'reports');
    mkdirSync(path.join(folder, 'archive'), { recursive: true });
    writeFileSync(path.join(folder, 'sales 2024-01.txt'), 'january');
    writeFileSync(path.join(folder, 'sales 2024-02.txt'), 'february');
    writeFileSync(path.join(folder, 'notes.md'), 'notes');
    writeFileSync(path.join(folder, 'archive', 'sales 2024-03.txt'), 'march');
    return folder;
  }
  const inputs = (folder: string) => ({
    folder,
    pattern: '^sales (\\d{4})-(\\d{2})',
    replacement: '\\2-\\1 sales',
    includeSubfolders: true,
  });

  it('reports what a dry run would rename and changes nothing on disk', () => {
    const folder = makeFolder();
    const before = listTree(folder);
    const run = runScript('rename-files', inputs(folder), { dryRun: true });
    expect(run.status).toBe(0);
    expect(listTree(folder)).toEqual(before);
    expect(run.stdout).toContain('DRY RUN');
    expect(readCsv(path.join(run.outDir, 'renames.csv'))).toEqual([
      ['old', 'new', 'status'],
      ['sales 2024-01.txt', '01-2024 sales.txt', 'would rename'],
      ['sales 2024-02.txt', '02-2024 sales.txt', 'would rename'],
      ['archive/sales 2024-03.txt', 'archive/03-2024 sales.txt', 'would rename'],
    ]);
  });

  it('renames matching files in the folder and its subfolders and records each rename', () => {
    const folder = makeFolder();
    const run = runScript('rename-files', inputs(folder));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(listTree(folder)).toEqual({
      '01-2024 sales.txt': 'january',
      '02-2024 sales.txt': 'february',
      'notes.md': 'notes',
      archive: '<dir>',
      [path.join('archive', '03-2024 sales.txt')]: 'march',
    });
    expect(readCsv(path.join(run.outDir, 'renames.csv')).map((row) => row[2])).toEqual([
      'status',
      'renamed',
      'renamed',
      'renamed',
    ]);
  });

  it('never overwrites an existing file and exits with the declared "skipped" code', () => {
    const folder = makeFolder();
    writeFileSync(path.join(folder, '01-2024 sales.txt'), 'already here');
    const run = runScript('rename-files', inputs(folder));
    expect(run.status).toBe(6);
    expect(declaredExitCodes('rename-files')['6']).toMatchObject({ status: 'expected' });
    expect(readFileSync(path.join(folder, '01-2024 sales.txt'), 'utf8')).toBe('already here');
    expect(readFileSync(path.join(folder, 'sales 2024-01.txt'), 'utf8')).toBe('january');
    expect(existsSync(path.join(folder, '02-2024 sales.txt'))).toBe(true);
    expect(readCsv(path.join(run.outDir, 'renames.csv'))).toContainEqual([
      'sales 2024-01.txt',
      '01-2024 sales.txt',
      'skipped: a file with the new name already exists',
    ]);
  });

  it('rejects an invalid regular expression with the declared exit code, renaming nothing', () => {
    const folder = makeFolder();
    const before = listTree(folder);
    const run = runScript('rename-files', { ...inputs(folder), pattern: '(unclosed' });
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('The pattern is not a valid regular expression');
    expect(listTree(folder)).toEqual(before);
  });
});

describe('loan-schedule', () => {
  it(
    'computes 856.07 a month for 10,000 at 5% over one year, with a schedule that repays it exactly',
    () => {
      const run = runScript(
        'loan-schedule',
        {
          principal: 10000,
          annualRatePercent: 5,
          years: 1,
          startDate: '2025-01-15',
          label: 'Demo',
        },
        { python: loanVenvPython() },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.progress.at(-1)).toBe(100);

      const summary = readFileSync(path.join(run.outDir, 'summary.txt'), 'utf8');
      expect(summary).toMatch(/^Monthly payment: +856\.07$/m);
      expect(summary).toMatch(/^Total interest: +272\.89$/m);
      expect(summary).toMatch(/^Payoff date: +2026-01-15$/m);

      const [head, ...rows] = readCsv(path.join(run.outDir, 'schedule.csv'));
      expect(head).toEqual(['period', 'date', 'payment', 'interest', 'principal', 'balance']);
      expect(rows).toHaveLength(12);
      expect(rows[0]).toEqual(['1', '2025-02-15', '856.07', '41.67', '814.40', '9185.60']);
      expect(rows.at(-1)![1]).toBe('2026-01-15');
      expect(rows.at(-1)![5]).toBe('0.00');
      const total = (column: number) => rows.reduce((sum, row) => sum + cents(row[column]!), 0);
      expect(total(4)).toBe(cents('10000.00'));
      expect(total(3)).toBe(cents('272.89'));
      for (const row of rows) {
        expect(cents(row[2]!)).toBe(cents(row[3]!) + cents(row[4]!));
      }
    },
    SLOW,
  );

  it('exits with the declared code and names loancalc when its environment lacks the package', () => {
    const emptyVenv = path.join(tempDir('empty-venv'), 'venv');
    execFileSync(basePython, ['-m', 'venv', '--without-pip', emptyVenv]);
    const run = runScript(
      'loan-schedule',
      { principal: 10000, annualRatePercent: 5, years: 1, startDate: '2025-01-15' },
      { python: path.join(emptyVenv, 'bin', 'python') },
    );
    expect(run.status).toBe(4);
    expect(run.stderr).toContain('The loancalc package is not installed');
  });
});
