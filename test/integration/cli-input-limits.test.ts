import { cp, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_SOURCE } from '../support/catalogue.js';
import { scriptdesk, scriptdeskPeakMemory } from '../support/cli.js';

// One published catalogue for the whole file: every test only reads it or runs the probe.
let root: string;
let home: string;
let markers: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-input-limits-'));
  home = path.join(root, 'home');
  markers = path.join(root, 'markers');
  await mkdir(markers);
  const source = path.join(root, 'src');
  await cp(FIXTURE_SOURCE, source, { recursive: true });
  // A free-form field, so inputs at every limit can be valid against the form as well.
  const schemaFile = path.join(source, 'scripts', 'probe', 'form.schema.json');
  const schema = JSON.parse(await readFile(schemaFile, 'utf8')) as {
    properties: Record<string, unknown>;
  };
  schema.properties.data = { title: 'Data' };
  await writeFile(schemaFile, JSON.stringify(schema));
  const keys = path.join(root, 'keys');
  const published = path.join(root, 'published');
  for (const args of [
    ['keygen', '--out', keys],
    [
      'catalogue',
      'build',
      source,
      '--key',
      path.join(keys, 'catalogue-signing.key'),
      '--out',
      published,
    ],
    ['sync', '--from', published, '--pubkey', path.join(keys, 'catalogue-signing.pub')],
  ])
    expect((await scriptdesk(home, args)).code, args.join(' ')).toBe(0);
});
afterAll(() => rm(root, { recursive: true, force: true }));

let written = 0;
async function inputsFile(text: string): Promise<string> {
  const file = path.join(root, `inputs-${++written}.json`);
  await writeFile(file, text);
  return file;
}

/** `{"data": [[…]]}` nested `levels` deep, the top-level object included. */
const nested = (levels: number) => `{"data":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

const USE_A_FILE = 'Put large data in a file and pass its path instead.';

/** The newest event of the journal. */
async function newestEvent(): Promise<{ type: string; data: Record<string, unknown> }> {
  const list = await scriptdesk(home, ['audit', 'list', '--json', '--limit', '1']);
  return (JSON.parse(list.stdout) as { type: string; data: Record<string, unknown> }[])[0]!;
}

/** validate and run both refuse `file` with exactly `problem`, and the run's refusal is journaled. */
async function expectRefusedByValidateAndRun(file: string, problem: string): Promise<void> {
  const line = `scriptdesk: ${file}: ${problem}\n`;
  const validate = await scriptdesk(home, ['validate', 'probe', '--inputs', file]);
  expect(validate).toEqual({ code: 1, stdout: '', stderr: line });
  const run = await scriptdesk(home, ['run', 'probe', '--inputs', file, '--reason', 'INC-42']);
  expect(run).toEqual({ code: 1, stdout: '', stderr: line });
  expect(await newestEvent()).toMatchObject({
    type: 'dev.scriptdesk.run.refused',
    data: {
      scriptId: 'probe',
      code: 'invalid_inputs',
      message: `${file}: ${problem}`,
      fields: [],
      dryRun: false,
      reason: 'INC-42',
    },
  });
}

describe('scriptdesk validate and run refuse inputs over the limits with one line, exit 1 and a journaled refusal', () => {
  it('inputs nested 10,000 levels deep: the depth is named, no stack overflow or trace', async () => {
    const file = await inputsFile(nested(10_000));
    await expectRefusedByValidateAndRun(
      file,
      'the inputs are nested 10000 levels deep; at most 32 levels are accepted. Flatten the data or pass a file path instead.',
    );
    const run = await scriptdesk(home, ['run', 'probe', '--inputs', file]);
    expect(run.stderr).not.toMatch(/RangeError|Maximum call stack|^\s+at /m);
  });

  it('the deepest inputs that fit the size limit (a million levels) are refused as too deep, not a crash', async () => {
    const file = await inputsFile(nested(1_000_000));
    await expectRefusedByValidateAndRun(
      file,
      'the inputs are nested at least 100000 levels deep; at most 32 levels are accepted. Flatten the data or pass a file path instead.',
    );
  });

  it('a list of 100,001 items', async () => {
    const file = await inputsFile(JSON.stringify({ data: new Array(100_001).fill(0) }));
    await expectRefusedByValidateAndRun(
      file,
      `the list at /data has 100001 items; at most 10000 items are accepted in one list. ${USE_A_FILE}`,
    );
  });

  it('a text of 1 MiB', async () => {
    const file = await inputsFile(JSON.stringify({ text: 'x'.repeat(1024 * 1024) }));
    await expectRefusedByValidateAndRun(
      file,
      `the text at /text is 1048576 characters long; at most 65536 characters are accepted in one value. ${USE_A_FILE}`,
    );
  });

  it('more than 100,000 values, each list within its limit', async () => {
    const data = Array.from({ length: 10 }, () => new Array(10_000).fill(0));
    const file = await inputsFile(JSON.stringify({ data }));
    await expectRefusedByValidateAndRun(
      file,
      `the inputs hold more than 100000 values; at most 100000 are accepted. ${USE_A_FILE}`,
    );
  });

  it('a 200 MB file is refused from its size without being read: peak memory stays that of a tiny file', async () => {
    const file = await inputsFile('');
    await truncate(file, 200 * 1024 * 1024); // sparse: costs no disk, reads as 200 MB of zeros
    await expectRefusedByValidateAndRun(
      file,
      `the inputs are 209715200 bytes; at most 2097152 bytes (2 MiB) are accepted. ${USE_A_FILE}`,
    );
    const tiny = await scriptdeskPeakMemory(home, [
      'validate',
      'probe',
      '--inputs',
      await inputsFile('[]'),
    ]);
    const huge = await scriptdeskPeakMemory(home, ['validate', 'probe', '--inputs', file]);
    expect(tiny.code).toBe(1);
    expect(huge.code).toBe(1);
    // Reading it whole costs 400 MB or more (the bytes, then the text); refusing it costs nothing.
    expect(huge.peakKiB - tiny.peakKiB).toBeLessThan(16 * 1024);
  });

  it('stdin is read no further than the limit', async () => {
    const stdin = JSON.stringify({ text: 'x'.repeat(3 * 1024 * 1024) });
    const line = `scriptdesk: stdin: the inputs are more than 2097152 bytes; at most 2097152 bytes (2 MiB) are accepted. ${USE_A_FILE}\n`;
    const validate = await scriptdesk(home, ['validate', 'probe', '--inputs', '-'], { stdin });
    expect(validate).toEqual({ code: 1, stdout: '', stderr: line });
    const run = await scriptdesk(home, ['run', 'probe', '--inputs', '-'], { stdin });
    expect(run).toEqual({ code: 1, stdout: '', stderr: line });
    expect(await newestEvent()).toMatchObject({
      type: 'dev.scriptdesk.run.refused',
      data: { code: 'invalid_inputs', message: line.slice('scriptdesk: '.length, -1) },
    });
  });
});

describe('a run refused for its inputs file is journaled without the file content', () => {
  it('a file that is not JSON: the user sees the parser quote it, the journal does not', async () => {
    const file = await inputsFile('{"token": hunter2-secret}');
    const run = await scriptdesk(home, ['run', 'probe', '--inputs', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^scriptdesk: ${file}: not valid JSON \\(.*hunter2`));
    const refused = await newestEvent();
    expect(refused).toMatchObject({
      type: 'dev.scriptdesk.run.refused',
      data: {
        code: 'invalid_inputs',
        message: `${file}: not valid JSON; the inputs must be a JSON object`,
      },
    });
    expect(JSON.stringify(refused)).not.toContain('hunter2');
  });
});

describe('inputs at every limit at once are accepted', () => {
  it('a 2 MiB file, 32 levels, a 65,536-character text, a 10,000-item list and 100,000 values validate and run; one value more is refused', async () => {
    // Values: the top-level object, markerDir, mode, text, data = 5; data holds `deep` (30 lists
    // nested in it make 32 levels with the top-level object and data), `list` (1 + 10,000) and
    // `fill` (1 + lists of 9,999 zeros and one last list, so the total is exactly 100,000).
    const deep = JSON.parse(`${'['.repeat(30)}${']'.repeat(30)}`) as unknown;
    const list = new Array(10_000).fill(0);
    let left = 100_000 - 5 - 30 - 10_001 - 1;
    const fill: number[][] = [];
    while (left > 0) {
      const size = Math.min(9_999, left - 1);
      fill.push(new Array(size).fill(0));
      left -= size + 1;
    }
    const inputs = {
      markerDir: markers,
      mode: 'ok',
      text: 'x'.repeat(65_536),
      data: { deep, list, fill },
    };
    const text = JSON.stringify(inputs);
    const file = await inputsFile(text + ' '.repeat(2 * 1024 * 1024 - Buffer.byteLength(text)));
    expect((await readFile(file)).length).toBe(2 * 1024 * 1024);

    const validate = await scriptdesk(home, ['validate', 'probe', '--inputs', file]);
    expect(validate.stderr).toBe('');
    expect(JSON.parse(validate.stdout)).toEqual({ valid: true, errors: [] });
    expect(validate.code).toBe(0);
    const run = await scriptdesk(home, ['run', 'probe', '--inputs', file]);
    expect(run.stderr).toMatch(/succeeded/);
    expect(run.code).toBe(0);
    expect((await readdir(markers)).filter((name) => name.startsWith('started-'))).toHaveLength(1);

    // And one value more is one too many.
    fill[0]!.push(0);
    const over = await inputsFile(JSON.stringify(inputs));
    expect(await scriptdesk(home, ['validate', 'probe', '--inputs', over])).toEqual({
      code: 1,
      stdout: '',
      stderr: `scriptdesk: ${over}: the inputs hold more than 100000 values; at most 100000 are accepted. ${USE_A_FILE}\n`,
    });
  });
});
