import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_SOURCE, FIXTURE_SOURCE } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

async function publishedDemo(source = DEMO_SOURCE) {
  const home = await tempDir('scriptdesk-cli-home-');
  const work = await tempDir('scriptdesk-cli-work-');
  const keys = path.join(work, 'keys');
  const published = path.join(work, 'published');
  expect((await scriptdesk(home, ['keygen', '--out', keys])).code).toBe(0);
  expect(
    (
      await scriptdesk(home, [
        'catalogue',
        'build',
        source,
        '--key',
        path.join(keys, 'catalogue-signing.key'),
        '--out',
        published,
      ])
    ).code,
  ).toBe(0);
  const sync = await scriptdesk(home, [
    'sync',
    '--from',
    published,
    '--pubkey',
    path.join(keys, 'catalogue-signing.pub'),
  ]);
  expect(sync.code).toBe(0);
  return { home, work, keys, published };
}

describe('scriptdesk CLI, as a new user runs it', () => {
  it('keygen, catalogue build, sync, list, run and audit list --json take a demo script from source to audit record', async () => {
    const { home, work, published, keys } = await publishedDemo();
    expect(
      (
        await scriptdesk(home, [
          'catalogue',
          'verify',
          published,
          '--pubkey',
          path.join(keys, 'catalogue-signing.pub'),
        ])
      ).stdout,
    ).toMatch(/^OK: catalogue "Acme Analytics demo catalogue" version 1/);
    const list = await scriptdesk(home, ['list']);
    expect(list.stdout).toMatch(/loan-schedule\s+1\.0\.0\s+Loan repayment schedule/);

    const inputs = path.join(work, 'inputs.json');
    await writeFile(
      inputs,
      JSON.stringify({ principal: 10000, annualRatePercent: 5, years: 1, startDate: '2026-01-01' }),
    );
    const run = await scriptdesk(home, ['run', 'loan-schedule', '--inputs', inputs]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Monthly payment: 856.07');
    expect(run.stderr).toMatch(/succeeded/);

    const audit = JSON.parse((await scriptdesk(home, ['audit', 'list', '--json'])).stdout) as {
      type: string;
      data: Record<string, unknown>;
    }[];
    const runEvents = audit.filter((e) => e.type.startsWith('dev.scriptdesk.run.')).reverse();
    expect(runEvents.map((e) => e.type)).toEqual([
      'dev.scriptdesk.run.requested',
      'dev.scriptdesk.run.started',
      'dev.scriptdesk.run.finished',
    ]);
    for (const event of runEvents)
      expect(event.data).toMatchObject({
        scriptId: 'loan-schedule',
        scriptVersion: '1.0.0',
        user: expect.any(String),
      });
    expect(runEvents[2]!.data.exitCode).toBe(0);
  });

  it('validate and run with inputs that break the schema exit 1, print the field and the reason, and start no script', async () => {
    const { home, work } = await publishedDemo(FIXTURE_SOURCE);
    const markers = await tempDir('scriptdesk-marker-');
    const bad = path.join(work, 'bad.json');
    await writeFile(bad, JSON.stringify({ markerDir: markers, mode: 'ok', count: 11 }));

    const validate = await scriptdesk(home, ['validate', 'probe', '--inputs', bad]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain('count: Count must be at most 10.');
    expect(JSON.parse(validate.stdout)).toEqual({
      valid: false,
      errors: [{ path: '/count', message: 'Count must be at most 10.' }],
    });

    const run = await scriptdesk(home, ['run', 'probe', '--inputs', bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('count: Count must be at most 10.');
    expect(await readdir(markers)).toEqual([]);
  });

  it("validate words every problem of the demo form in plain words: the author's advice, a field a choice made required, the list of choices", async () => {
    const { home, work } = await publishedDemo();
    const inputs = {
      csvFile: path.join(work, 'sales.csv'),
      delimiter: 'other',
      otherDelimiter: '||',
      hasHeader: true,
      topN: 99,
      reportTitle: '',
    };
    const cases: [Record<string, unknown>, string[]][] = [
      [
        inputs,
        [
          'otherDelimiter: Other separator is not in the expected format. Type a single character such as | or : that is not a letter, digit, space or quote.',
          'topN: Most frequent values to list must be at most 50.',
          'reportTitle: Report title must not be empty.',
        ],
      ],
      [
        { ...inputs, otherDelimiter: undefined, topN: 5, reportTitle: 'Sales' },
        ['otherDelimiter: Other separator is required.'],
      ],
      [
        { ...inputs, delimiter: 'pipe', otherDelimiter: undefined, topN: 5, reportTitle: 'Sales' },
        ['delimiter: Separator must be one of: "Comma ( , )", "Semicolon ( ; )", "Tab", "Other".'],
      ],
    ];
    for (const [index, [given, lines]] of cases.entries()) {
      const file = path.join(work, `inputs-${index}.json`);
      await writeFile(file, JSON.stringify(given));
      const validate = await scriptdesk(home, ['validate', 'csv-summary', '--inputs', file]);
      expect(validate.code).toBe(1);
      expect(validate.stderr.trim().split('\n')).toEqual(lines);
    }
  });

  it('explains an inputs file that is not JSON, and a missing required option, without a stack trace', async () => {
    const { home, work } = await publishedDemo(FIXTURE_SOURCE);
    const broken = path.join(work, 'broken.json');
    await writeFile(broken, '{"mode": ');
    const run = await scriptdesk(home, ['run', 'probe', '--inputs', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^scriptdesk: ${broken.replaceAll('/', '\\/')}: not valid JSON`),
    );
    expect(run.stderr).not.toContain('    at ');
    const missing = await scriptdesk(home, ['catalogue', 'build', FIXTURE_SOURCE]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--out <dir>' not specified");
    const noKey = await scriptdesk(home, [
      'catalogue',
      'build',
      FIXTURE_SOURCE,
      '--out',
      path.join(work, 'out'),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr.trim()).toBe(
      'scriptdesk: --key is required: the private signing key (from scriptdesk keygen)',
    );
  });

  it('catalogue build refuses a broken source with one line and a non-zero exit', async () => {
    const home = await tempDir();
    const work = await tempDir();
    await scriptdesk(home, ['keygen', '--out', work]);
    const out = path.join(work, 'out');
    const result = await scriptdesk(home, [
      'catalogue',
      'build',
      path.join(work, 'nowhere'),
      '--key',
      path.join(work, 'catalogue-signing.key'),
      '--out',
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/nowhere\/catalogue\.json: missing/);
    expect(await readdir(work)).not.toContain('out');
  });

  it('keygen never overwrites an existing key', async () => {
    const home = await tempDir();
    const keys = await tempDir();
    expect((await scriptdesk(home, ['keygen', '--out', keys])).code).toBe(0);
    const again = await scriptdesk(home, ['keygen', '--out', keys]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; keygen never overwrites a key');
  });
});
