import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { importScripts } from '../../main/importing/import-script.js';
import { ImportRefused } from '../../main/importing/import-refused.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import {
  appWithCatalogue,
  copySource,
  FIXTURE_SOURCE,
  makeKeys,
  REPO,
} from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);
const FIXTURES = path.join(REPO, 'test', 'fixtures', 'import');
const fixture = (...parts: string[]) => path.join(FIXTURES, ...parts);

let app: ScriptDeskApp;
let src: string;
let ledger: string;
let budget: string;
const todos = new Map<string, string[]>();

// One source, app and files for the whole file (tempDir's folders go after each test).
let own: string;
beforeAll(async () => {
  own = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-import-'));
  src = path.join(own, 'src');
  await cp(FIXTURE_SOURCE, src, { recursive: true });
  const imports = [
    ['argparse', fixture('argparse', 'sales_report.py'), 'sales-report'],
    ['argparse', fixture('argparse', 'inventory_tool.py'), 'inventory'],
    ['argparse', fixture('argparse', 'export_format.py'), 'export-format'],
    ['argparse', fixture('argparse', 'legacy_sync.py'), 'legacy-sync'],
    ['awx-survey', fixture('awx', 'provision-vm.survey.json'), 'provision-vm'],
    ['awx-survey', fixture('awx', 'restart-service.job-template.json'), 'restart-service'],
    ['script-server', fixture('script-server', 'backup.json'), 'backup'],
    ['script-server', fixture('script-server', 'report-shell.json'), 'disk-report'],
  ] as const;
  for (const [format, file, id] of imports) {
    const { scripts } = await importScripts(format, file, path.join(src, 'scripts', id), {
      groups: ['everyone'],
    });
    for (const script of scripts) todos.set(script.id, script.todos);
  }
  // Unchanged: published exactly as imported, with no warning either.
  const keys = await makeKeys();
  const published = await publishCatalogue({
    sourceDir: src,
    keyFile: keys.privateKeyFile,
    outDir: path.join(await tempDir('scriptdesk-pub-'), 'out'),
    validForMs: 86_400_000,
  });
  expect(published.warnings).toEqual([]);
  const home = path.join(own, 'home');
  ({ app } = await appWithCatalogue(src, { home }));
  const files = path.join(own, 'files');
  await mkdir(files);
  ledger = await realpath(await writeAt(files, 'ledger.csv', 'sku,amount\n'));
  budget = await realpath(await writeAt(files, 'budget.txt', '100\n'));
}, 120_000);

afterAll(async () => {
  await app?.close();
  await rm(own, { recursive: true, force: true });
});

async function writeAt(dir: string, name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

/** What argparse makes of `argv` when a person runs the script by hand (no ScriptDesk). */
async function parsedByHand(script: string, argv: string[]): Promise<unknown> {
  const { stdout } = await run('python3', ['-I', script, ...argv], {
    env: { PATH: process.env.PATH! },
  });
  const [printedArgv, parsed] = stdout.trim().split('\n');
  expect(JSON.parse(printedArgv!)).toEqual(argv);
  return JSON.parse(parsed!);
}

async function parsedInRun(
  scriptId: string,
  inputs: Record<string, unknown>,
  dryRun = false,
): Promise<{ argv: string[]; args: unknown }> {
  const { detail } = await runToEnd(app, {
    scriptId,
    inputs,
    ...(dryRun ? { dryRun } : { confirmed: true }),
  });
  expect(detail.status).toBe('succeeded');
  return JSON.parse(await readFile(path.join(detail.outputDir, 'parsed.json'), 'utf8')) as {
    argv: string[];
    args: unknown;
  };
}

describe('an imported argparse script gets the command line a person would type', () => {
  const SCRIPT = fixture('argparse', 'sales_report.py');

  it('every kind of option, filled in: the same argv, and argparse reads it as it reads the spaced form', async () => {
    const inputs = {
      month: '2026-01',
      ledger,
      region: 'south',
      top: 5,
      threshold: 1.25,
      currency: 'USD',
      include_returns: true,
      no_chart: true,
      exclude: ['SKU-1', 'SKU-2'],
      format: 'xlsx',
      rounding: 0,
      title: 'Q1 -- final',
      budget,
      stores: ['s01', '-s02'],
    };
    const { argv, args } = await parsedInRun('sales-report', inputs, true);
    expect(argv).toEqual([
      `--ledger=${ledger}`,
      '--region=south',
      '--top=5',
      '--threshold=1.25',
      '--currency=USD',
      '--include-returns',
      '--no-chart',
      '--exclude=SKU-1',
      '--exclude=SKU-2',
      '--format=xlsx',
      '--rounding=0',
      '--title=Q1 -- final',
      `--budget=${budget}`,
      '--dry-run',
      '--',
      '2026-01',
      's01',
      '-s02',
    ]);
    const typed = [
      '--ledger',
      ledger,
      '--region',
      'south',
      '-t',
      '5',
      '--threshold',
      '1.25',
      '--currency',
      'USD',
      '--include-returns',
      '--no-chart',
      '--exclude',
      'SKU-1',
      '--exclude',
      'SKU-2',
      '--format',
      'xlsx',
      '--rounding',
      '0',
      '--title',
      'Q1 -- final',
      '--budget',
      budget,
      '--dry-run',
      '2026-01',
      's01',
      '--',
      '-s02',
    ];
    expect(args).toEqual(await parsedByHand(SCRIPT, typed));
  });

  it('only the required fields: the options left out are not passed, so the script keeps its defaults', async () => {
    const { argv, args } = await parsedInRun('sales-report', { month: '2026-02', ledger });
    expect(argv).toEqual([`--ledger=${ledger}`, '--', '2026-02']);
    expect(args).toEqual(await parsedByHand(SCRIPT, ['--ledger', ledger, '2026-02']));
  });

  it('the form defaults, as the form shows them: the same result as typing nothing for them', async () => {
    const defaults = {
      region: 'north',
      top: 10,
      threshold: 0.5,
      currency: 'EUR',
      format: 'pdf',
      rounding: 2,
    };
    const { argv, args } = await parsedInRun('sales-report', {
      month: '2026-03',
      ledger,
      ...defaults,
      include_returns: false,
      no_chart: false,
    });
    expect(argv).toEqual([
      `--ledger=${ledger}`,
      '--region=north',
      '--top=10',
      '--threshold=0.5',
      '--currency=EUR',
      '--format=pdf',
      '--rounding=2',
      '--',
      '2026-03',
    ]);
    expect(args).toEqual(await parsedByHand(SCRIPT, ['--ledger', ledger, '2026-03']));
  });

  it('a sub-command lands between the main options and its own, where argparse looks for it', async () => {
    const SCRIPT = fixture('argparse', 'inventory_tool.py');
    const prune = await parsedInRun(
      'inventory-prune',
      { verbose: true, site: 'lyon', days: 30 },
      true,
    );
    expect(prune.argv).toEqual(['--verbose', '--site=lyon', 'prune', '--days=30', '--dry-run']);
    expect(prune.args).toEqual({
      verbose: true,
      site: 'lyon',
      command: 'prune',
      days: 30,
      dry_run: true,
      location: 'all',
    });
    const load = await parsedInRun('inventory-import', { count_file: budget, replace: true });
    expect(load.argv).toEqual(['import', '--replace', '--', budget]);
    expect(load.args).toEqual({
      verbose: false,
      site: 'berlin',
      command: 'import',
      count_file: budget,
      replace: true,
    });
    const exported = await parsedInRun('inventory-export', {
      site: 'lyon',
      columns: ['sku'],
      range: [10, 20],
    });
    expect(exported.argv).toEqual(['--site=lyon', 'export', '--columns=sku', '--', '10', '20']);
    expect(exported.args).toEqual({
      verbose: false,
      site: 'lyon',
      command: 'export',
      since: null,
      columns: ['sku'],
      range: [10, 20],
    });
    // The words a person types (values after --columns end at the "--") give the same result.
    expect(exported.args).toEqual(
      await parsedByHand(SCRIPT, [
        '--site',
        'lyon',
        'export',
        '--columns',
        'sku',
        '--',
        '10',
        '20',
      ]),
    );
  });
});

describe('what the importer writes', () => {
  it('one script folder per sub-command, named ID-SUB, each with the main parser’s options', async () => {
    const names = (await readdir(path.join(src, 'scripts'))).filter((n) =>
      n.startsWith('inventory'),
    );
    expect(names.sort()).toEqual(['inventory-export', 'inventory-import', 'inventory-prune']);
    const schema = JSON.parse(
      await readFile(path.join(src, 'scripts', 'inventory-export', 'form.schema.json'), 'utf8'),
    ) as { properties: Record<string, Record<string, unknown>> };
    expect(Object.keys(schema.properties)).toEqual([
      'verbose',
      'site',
      'since',
      'columns',
      'range',
    ]);
    expect(schema.properties.range).toMatchObject({
      type: 'array',
      items: { type: 'integer' },
      minItems: 2,
      maxItems: 2,
    });
    const prune = JSON.parse(
      await readFile(path.join(src, 'scripts', 'inventory-prune', 'script.json'), 'utf8'),
    ) as { supportsDryRun: boolean; args: unknown[] };
    expect(prune.supportsDryRun).toBe(true);
    expect(prune.args).toEqual([
      { flag: '--verbose', input: 'verbose' },
      { flag: '--site', input: 'site' },
      { command: 'prune' },
      { flag: '--days', input: 'days' },
      { flag: '--dry-run', dryRun: true },
      { positional: 'location' },
    ]);
  });

  it('what cannot be read statically is a TODO, on the script and in its TODO.md, never a guess', async () => {
    const lines = todos.get('legacy-sync')!;
    const expected = [
      /--region: the value of choices is computed \(REGIONS\)/,
      /--since: the type parse_when is a custom conversion/,
      /--workers: the default is computed \(os\.cpu_count\(\)\)/,
      /--quiet counts how often it is given \(action="count"\); the form passes it at most once/,
      /--log is a file the script writes \(FileType mode "w"\)/,
      /--pair takes exactly 2 values after one option.*left out/,
      /--ids takes several values after one option/,
      /--secret-mode is hidden from --help/,
      /parse_known_args/,
    ];
    for (const pattern of expected)
      expect(
        lines.some((line) => pattern.test(line)),
        String(pattern),
      ).toBe(true);
    const todoFile = await readFile(path.join(src, 'scripts', 'legacy-sync', 'TODO.md'), 'utf8');
    for (const line of lines) expect(todoFile).toContain(line);
    expect(
      await readFile(path.join(src, 'scripts', 'legacy-sync', 'requirements.lock'), 'utf8'),
    ).toMatch(/imports requests/);
    const schema = JSON.parse(
      await readFile(path.join(src, 'scripts', 'legacy-sync', 'form.schema.json'), 'utf8'),
    ) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.region).toEqual({
      type: 'string',
      title: 'Region',
      description: 'region to sync',
    });
    expect(schema.properties.workers).not.toHaveProperty('default');
    expect(schema.properties).not.toHaveProperty('pair');
    // store_const and --X/--no-X with a default of true: a box that passes the option people type.
    expect(schema.properties.strict).toMatchObject({ type: 'boolean', default: false });
    expect(schema.properties.no_color).toMatchObject({ type: 'boolean', default: false });
    expect(schema.properties.log).not.toHaveProperty('x-file');
    const manifest = JSON.parse(
      await readFile(path.join(src, 'scripts', 'legacy-sync', 'script.json'), 'utf8'),
    ) as { args: unknown[]; summary: string };
    // A parser without sub-commands: its description once, not twice.
    expect(manifest.summary).toBe('Synchronises the legacy CRM.');
    expect(manifest.args).toContainEqual({ flag: '--strict', input: 'strict' });
    expect(manifest.args).toContainEqual({ flag: '--no-color', input: 'no_color' });
  });
});

type Case = [string, Record<string, unknown>, RegExp | null];

async function expectCases(scriptId: string, cases: Case[]) {
  for (const [what, inputs, error] of cases) {
    const result = await callOrThrow(app, 'run.validate', { scriptId, inputs });
    if (error === null)
      expect(result, `${what}: ${JSON.stringify(result.errors)}`).toEqual({
        valid: true,
        errors: [],
      });
    else {
      expect(result.valid, what).toBe(false);
      const text = result.errors.map((e) => `${e.path} ${e.message}`).join('\n');
      expect(text, `${what}: ${text}`).toMatch(error);
    }
  }
}

describe('the imported forms accept valid inputs and refuse invalid ones (the authority validator)', () => {
  it('argparse: types, choices, required, nargs bounds', async () => {
    await expectCases('sales-report', [
      ['the required only', { month: '2026-01', ledger }, null],
      ['no month', { ledger }, /month/i],
      ['a region not offered', { month: 'x', ledger, region: 'mars' }, /region/],
      ['top as text', { month: 'x', ledger, top: 'many' }, /top/],
      ['top not whole', { month: 'x', ledger, top: 1.5 }, /top/],
      ['rounding not a choice', { month: 'x', ledger, rounding: 3 }, /rounding/],
      ['a ledger that does not exist', { month: 'x', ledger: '/nonexistent/ledger.csv' }, /ledger/],
    ]);
    await expectCases('inventory-export', [
      ['columns need at least one', { columns: [], range: [1, 2] }, /columns/],
      ['one column', { columns: ['sku'], range: [1, 2] }, null],
      ['a range of one number', { range: [1] }, /range.*at least 2/i],
      ['a range of three numbers', { range: [1, 2, 3] }, /range.*at most 2/i],
      ['a range of words', { range: ['a', 'b'] }, /range/i],
    ]);
  });

  it('argparse: a mutually exclusive group refuses two members together and a required one needs one', async () => {
    await expectCases('export-format', [
      ['json alone', { json: true }, null],
      ['sheet alone', { sheet: 'Q1' }, null],
      [
        'json and csv',
        { json: true, csv: true },
        /Give exactly one of --json, --csv, --sheet; they cannot be combined/,
      ],
      [
        'json and a sheet',
        { json: true, sheet: 'Q1' },
        /Give exactly one of --json, --csv, --sheet; they cannot be combined/,
      ],
      [
        'none of the required group',
        { limit: 5 },
        /is required\. Give exactly one of --json, --csv, --sheet/,
      ],
      [
        'customers and all',
        { csv: true, customer: ['a'], all_customers: true },
        /cannot be combined/,
      ],
      ['customers alone', { csv: true, customer: ['a', 'b'] }, null],
    ]);
  });

  it('AWX: every question type with its min/max, required, choices and default', async () => {
    await expectCases('provision-vm', [
      [
        'all valid',
        {
          vm_name: 'lab01',
          notes: 'x',
          root_password: 'correct horse battery',
          cpus: 4,
          disk_gb: 40.5,
          os: 'rhel9',
          packages: ['git', 'tmux'],
        },
        null,
      ],
      [
        'the required only',
        { vm_name: 'lab', root_password: 'a-long-password', cpus: 1, os: 'debian12' },
        null,
      ],
      [
        'name too short (text min)',
        { vm_name: 'ab', root_password: 'a-long-password', cpus: 1, os: 'debian12' },
        /vm_name.*at least 3/,
      ],
      [
        'name too long (text max)',
        { vm_name: 'a'.repeat(31), root_password: 'a-long-password', cpus: 1, os: 'debian12' },
        /vm_name.*at most 30/,
      ],
      [
        'notes over textarea max',
        {
          vm_name: 'lab',
          notes: 'n'.repeat(2001),
          root_password: 'a-long-password',
          cpus: 1,
          os: 'debian12',
        },
        /notes/,
      ],
      [
        'password too short',
        { vm_name: 'lab', root_password: 'short', cpus: 1, os: 'debian12' },
        /root_password/,
      ],
      [
        'cpus over max (integer)',
        { vm_name: 'lab', root_password: 'a-long-password', cpus: 17, os: 'debian12' },
        /cpus.*at most 16/,
      ],
      [
        'cpus not whole',
        { vm_name: 'lab', root_password: 'a-long-password', cpus: 1.5, os: 'debian12' },
        /cpus/,
      ],
      [
        'disk under min (float)',
        { vm_name: 'lab', root_password: 'a-long-password', cpus: 1, os: 'debian12', disk_gb: 9.9 },
        /disk_gb.*at least 10/,
      ],
      [
        'os not a choice',
        { vm_name: 'lab', root_password: 'a-long-password', cpus: 1, os: 'windows' },
        /os/,
      ],
      [
        'a package not offered (multiselect)',
        {
          vm_name: 'lab',
          root_password: 'a-long-password',
          cpus: 1,
          os: 'debian12',
          packages: ['vim'],
        },
        /packages/,
      ],
      [
        'missing required cpus',
        { vm_name: 'lab', root_password: 'a-long-password', os: 'debian12' },
        /cpus/i,
      ],
    ]);
    await expectCases('restart-service', [
      ['valid', { service: 'redis', hosts: ['web1', 'db1'], wait_seconds: 0 }, null],
      ['required multiselect empty', { service: 'redis', hosts: [] }, /hosts/],
      [
        'wait over the string max',
        { service: 'redis', hosts: ['web1'], wait_seconds: 601 },
        /wait_seconds/,
      ],
    ]);
    expect(todos.get('restart-service')).toContainEqual(
      'change_description: at most 1000000 characters is more than devices accept; the form allows 65536 (pass longer text as a file)',
    );
    const schema = JSON.parse(
      await readFile(path.join(src, 'scripts', 'provision-vm', 'form.schema.json'), 'utf8'),
    ) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.root_password).toMatchObject({ 'x-sensitive': true, minLength: 12 });
    expect(schema.properties.root_password).not.toHaveProperty('default');
    expect(schema.properties.packages).toMatchObject({ default: ['git', 'curl'] });
    expect(schema.properties.disk_gb).toMatchObject({ default: 40, maximum: 500.5 });
  });

  it('script-server: every parameter type, and the command line it gets', async () => {
    const keyFile = budget;
    const folder = path.dirname(ledger);
    const config = await realpath(await writeAt(folder, 'nightly.ini', '[x]\n'));
    await expectCases('backup', [
      [
        'valid',
        {
          database: 'crm',
          table: ['orders'],
          level: 9,
          label: 'night-1',
          verify: true,
          server: '10.0.0.5',
          mirror: '::1',
          notify: '10.1.1.1',
          format: 'custom',
          password: 'pw',
          comment: 'a\nb',
          key_file: keyFile,
          config,
          target: folder,
          tag: 'monthly',
          hosts: ['db2'],
        },
        null,
      ],
      ['the required only', { database: 'hr', server: '10.0.0.5', format: 'custom' }, null],
      [
        'list value not offered',
        { database: 'sales', server: '10.0.0.5', format: 'custom' },
        /database/,
      ],
      [
        'int over max',
        { database: 'hr', server: '10.0.0.5', format: 'custom', level: 10 },
        /level.*at most 9/,
      ],
      [
        'label breaks the regex',
        { database: 'hr', server: '10.0.0.5', format: 'custom', label: 'Night 1' },
        /not in the expected format\. Lower-case letters, digits and dashes/,
      ],
      [
        'label too long',
        { database: 'hr', server: '10.0.0.5', format: 'custom', label: 'a'.repeat(41) },
        /label/,
      ],
      ['not an ip4', { database: 'hr', server: '::1', format: 'custom' }, /server/],
      [
        'not an ip6',
        { database: 'hr', server: '10.0.0.5', format: 'custom', mirror: '10.0.0.5' },
        /mirror/,
      ],
      [
        'not an ip',
        { database: 'hr', server: '10.0.0.5', format: 'custom', notify: 'host' },
        /notify/,
      ],
      ['constant changed', { database: 'hr', server: '10.0.0.5', format: 'plain' }, /format/],
      [
        'a multiselect value not offered',
        { database: 'hr', server: '10.0.0.5', format: 'custom', table: ['users'] },
        /table/,
      ],
    ]);
    const schema = JSON.parse(
      await readFile(path.join(src, 'scripts', 'backup', 'form.schema.json'), 'utf8'),
    ) as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.password).toMatchObject({ 'x-sensitive': true });
    expect(schema.properties.config).toMatchObject({
      'x-file': { kind: 'file', accept: ['.ini', '.conf'] },
    });
    expect(schema.properties.target).toMatchObject({ 'x-file': { kind: 'directory' } });
    const { detail } = await runToEnd(app, {
      scriptId: 'backup',
      inputs: {
        database: 'crm',
        table: ['orders', 'invoices'],
        level: 3,
        verify: true,
        server: '10.0.0.5',
        format: 'custom',
        password: 'never-on-argv',
        hosts: ['db1', 'db2'],
      },
      confirmed: true,
    });
    expect(detail.status).toBe('succeeded');
    const printed = detail.logTail.find((line) => line.startsWith('['));
    expect(JSON.parse(printed ?? 'null')).toEqual([
      '--database=crm',
      '--table=orders',
      '--table=invoices',
      '--level=3',
      '--verify',
      '--server=10.0.0.5',
      '--format=custom',
      '--',
      'db1',
      'db2',
    ]);
    expect(todos.get('backup')!.join('\n')).toMatch(
      /Password: a secure value never goes on the command line/,
    );
    // Its script was not found beside the config: the stub runs, and fails saying what it is.
    const stub = await runToEnd(app, {
      scriptId: 'disk-report',
      inputs: { mount_point: '/srv', token: 'never-printed' },
      confirmed: true,
    });
    expect(stub.detail.status).toBe('failed');
    const log = stub.detail.logTail.join('\n');
    expect(log).toContain('inputs given: mount_point, token');
    expect(log).toContain('This script is a stub generated by scriptdesk import');
    expect(log).not.toContain('never-printed');
    expect(todos.get('disk-report')).toContainEqual(
      'level: the default "trace" does not fit the field (Level must be one of: info, debug.), so the form has none; correct it in form.schema.json',
    );
    expect(todos.get('disk-report')!.join('\n')).toMatch(
      /Mode: its values come from a script[\s\S]*Token: script-server passed it as an environment variable[\s\S]*was not found next to report-shell\.json/,
    );
  });
});

describe('bad input is refused with one line naming the file and the fix, and nothing is written', () => {
  const cases: [string, 'argparse' | 'awx-survey' | 'script-server', string, RegExp[]][] = [
    [
      'a shell script',
      'argparse',
      fixture('argparse', 'cleanup.sh'),
      [
        /cleanup\.sh: line \d+: Python syntax error .*; fix the script \(python3 -m py_compile .*cleanup\.sh shows it\) and import again/,
      ],
    ],
    [
      'a script with no argparse',
      'argparse',
      fixture('argparse', 'no_argparse.py'),
      [
        /no_argparse\.py: it creates no argparse\.ArgumentParser, so there is no command line to import; import a script that builds its arguments with argparse, or write script\.json and the form by hand/,
      ],
    ],
    [
      'a syntax error',
      'argparse',
      fixture('argparse', 'broken.py'),
      [/broken\.py: line 3: Python syntax error/],
    ],
    [
      'a file that does not exist',
      'argparse',
      fixture('argparse', 'missing.py'),
      [/missing\.py: does not exist; give the path of the file to import/],
    ],
    [
      'an AWX file of the wrong shape',
      'awx-survey',
      fixture('awx', 'wrong-shape.json'),
      [/wrong-shape\.json: is not an AWX survey: it needs a "spec" list of questions/],
    ],
    [
      'AWX questions with every problem',
      'awx-survey',
      fixture('awx', 'bad-questions.json'),
      [
        /spec\[0\] \("colour"\): unknown question type "colour"; use one of text, textarea, password, integer, float, multiplechoice, multiselect/,
        /spec\[1\]\.variable: is missing; fix the question/,
        /spec\[2\] \("pick"\): a multiplechoice question without choices; add its choices/,
      ],
    ],
    [
      'script-server types it does not know',
      'script-server',
      fixture('script-server', 'unknown-types.json'),
      [
        /parameters\[0\] \("When"\): unknown parameter type "datetime"; use one of text, int, list/,
        /parameters\[1\] \("Colour"\): unknown parameter type "color"/,
        /parameters\[3\] \("Fine again"\): the param "--fine" is already another parameter's; give each parameter its own/,
      ],
    ],
    [
      'a survey given as a script-server config',
      'script-server',
      fixture('awx', 'restart-service.job-template.json'),
      [/restart-service\.job-template\.json: is not a script-server runner config/],
    ],
  ];
  it.each(cases)('%s', async (_what, format, file, problems) => {
    const parent = await tempDir('scriptdesk-import-bad-');
    const error = await importScripts(format, file, path.join(parent, 'scripts', 'x')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportRefused);
    const refused = error as ImportRefused;
    expect(refused.problems).toHaveLength(problems.length);
    problems.forEach((pattern, index) => expect(refused.problems[index]).toMatch(pattern));
    for (const problem of refused.problems) expect(problem).not.toContain('\n');
    expect(await readdir(parent)).toEqual([]);
  });

  it('a non-empty --out is refused without --force and replaced with it', async () => {
    const out = path.join(await tempDir('scriptdesk-import-out-'), 'scripts', 'exporter');
    await importScripts('argparse', fixture('argparse', 'export_format.py'), out);
    await writeFile(path.join(out, 'script.json'), '{"edited": true}');
    await expect(
      importScripts('argparse', fixture('argparse', 'export_format.py'), out),
    ).rejects.toThrow(
      /exporter: is not empty; choose another --out, or give --force to replace it/,
    );
    expect(await readFile(path.join(out, 'script.json'), 'utf8')).toBe('{"edited": true}');
    await importScripts('argparse', fixture('argparse', 'export_format.py'), out, { force: true });
    expect(JSON.parse(await readFile(path.join(out, 'script.json'), 'utf8'))).toMatchObject({
      id: 'exporter',
    });
  });

  it('a --group the source does not define is refused, naming the groups it does', async () => {
    const parent = await copySource();
    const error = (await importScripts(
      'argparse',
      fixture('argparse', 'export_format.py'),
      path.join(parent, 'scripts', 'exporter'),
      { groups: ['everyone', 'finance'] },
    ).catch((e: unknown) => e)) as ImportRefused;
    expect(error.problems).toEqual([
      `--group finance: ${path.join(parent, 'catalogue.json')} defines no group "finance"; use one of everyone, nobody, or add it under "groups"`,
    ]);
    expect(await readdir(path.join(parent, 'scripts'))).not.toContain('exporter');
  });

  it('an --out whose name is not a script id is refused', async () => {
    const out = path.join(await tempDir('scriptdesk-import-out-'), 'Sales Report');
    await expect(
      importScripts('argparse', fixture('argparse', 'export_format.py'), out),
    ).rejects.toThrow(
      /the folder name "Sales Report" is the script id and must be lower-case letters, digits and dashes/,
    );
  });
});
