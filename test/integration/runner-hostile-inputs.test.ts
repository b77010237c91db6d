import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { appWithCatalogue } from '../support/catalogue.js';
import { runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

interface Seen {
  inputs: Record<string, unknown>;
  env: Record<string, string>;
  argv: string[];
}

/** Runs the probe with `text` as an input and returns the run and what the script saw. */
async function runWithText(text: string) {
  const markers = await tempDir('scriptdesk-marker-');
  const { detail, runId } = await runToEnd(app!, {
    scriptId: 'probe',
    inputs: { markerDir: markers, mode: 'ok', text },
  });
  const seen = JSON.parse(await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8')) as Seen;
  return {
    detail,
    seen,
    markers: (await readdir(markers)).filter((n) => n !== `started-${runId}`),
  };
}

describe('hostile input values reach the script as data', () => {
  // Each would create a file in the marker folder if any shell or argument parser acted on it.
  const payloads: [string, (markers: string) => string][] = [
    // `; rm -rf ~` aimed at the marker folder instead of home, so a regression cannot wipe the machine.
    ['a shell command separator', (m) => `; touch ${m}/semicolon; rm -rf ${m}`],
    ['backticks', (m) => `\`touch ${m}/backtick\``],
    ['$( ) command substitution', (m) => `$(touch ${m}/dollar)`],
    ['an option the interpreter knows', () => '--help'],
    ['an option with an attached path', () => '-o/tmp/x'],
    ['a response-file reference', () => '@/etc/passwd'],
    ['embedded newlines', (m) => `a\n::progress 99 pwned\n$(touch ${m}/newline)\r\n`],
  ];

  it.each(payloads)(
    '%s is passed verbatim in the inputs file and runs nothing',
    async (_name, make) => {
      ({ app } = await appWithCatalogue());
      // The marker folder is only known once created, so build the payload against a fixed one.
      const markers = await tempDir('scriptdesk-marker-');
      const text = make(markers);
      const { detail, runId } = await runToEnd(app, {
        scriptId: 'probe',
        inputs: { markerDir: markers, mode: 'ok', text },
      });
      expect(detail.status).toBe('succeeded');
      const seen = JSON.parse(
        await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8'),
      ) as Seen;
      expect(seen.inputs.text).toBe(text);
      expect(seen.argv).toHaveLength(1); // the entry point only: inputs never become arguments
      expect(await readdir(markers)).toEqual([`started-${runId}`]);
      // A value is never read as a protocol line: progress comes only from the script's own stdout.
      expect(detail.progress).toEqual({ percent: 50, label: 'Half way' });
    },
  );

  it('a string of the longest accepted length (65,536 characters) arrives whole', async () => {
    ({ app } = await appWithCatalogue());
    const text = 'x'.repeat(65_536 - 3) + 'end';
    const { seen, detail } = await runWithText(text);
    expect(detail.status).toBe('succeeded');
    expect(seen.inputs.text).toBe(text);
  });

  it('a 1 MB string is refused before anything is spawned, naming the limit and the field', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const problem =
      'the text at /text is 1048576 characters long; at most 65536 characters are accepted in one value. Put large data in a file and pass its path instead.';
    const result = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'probe', inputs: { markerDir: markers, mode: 'ok', text: 'x'.repeat(1 << 20) } },
      { transport: 'ipc' },
    );
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid_inputs',
        message: `T${problem.slice(1)}`,
        fields: [{ path: '/text', message: problem }],
      },
    });
    expect(await readdir(markers)).toEqual([]);
  });

  it('an undeclared input key is refused before anything is spawned', async () => {
    ({ app } = await appWithCatalogue());
    const markers = await tempDir('scriptdesk-marker-');
    const result = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'probe', inputs: { markerDir: markers, mode: 'ok', shell: 'sh -c id' } },
      { transport: 'http' },
    );
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid_inputs', fields: [{ path: '/shell' }] },
    });
    expect(await readdir(markers)).toEqual([]);
    const runs = await callTyped(app.dispatch, 'run.list', {}, { transport: 'http' });
    expect(runs).toEqual({ ok: true, value: { runs: [], total: 0 } });
  });
});

describe('the parent environment cannot steer the interpreter', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONINSPECT', 'PYTHONHOME']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('PYTHONPATH, PYTHONSTARTUP and PYTHONINSPECT set in the app have no effect on the script', async () => {
    ({ app } = await appWithCatalogue());
    const evil = await tempDir('scriptdesk-evil-');
    const markers = await tempDir('scriptdesk-marker-');
    // A json.py on PYTHONPATH would shadow the standard library module the probe imports first.
    await writeFile(
      path.join(evil, 'json.py'),
      `open(${JSON.stringify(path.join(markers, 'shadowed'))}, 'w').close()\nraise SystemExit(42)\n`,
    );
    const startup = path.join(evil, 'startup.py');
    await writeFile(
      startup,
      `open(${JSON.stringify(path.join(markers, 'startup'))}, 'w').close()\n`,
    );
    process.env.PYTHONPATH = evil;
    process.env.PYTHONSTARTUP = startup;
    process.env.PYTHONINSPECT = '1';
    const { detail, runId } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir: markers, mode: 'ok' },
    });
    expect(detail.status).toBe('succeeded');
    expect(await readdir(markers)).toEqual([`started-${runId}`]);
    const seen = JSON.parse(
      await readFile(path.join(detail.outputDir, 'seen.json'), 'utf8'),
    ) as Seen;
    expect(Object.keys(seen.env).filter((name) => name.startsWith('PYTHON'))).toEqual([]);
  });
});
