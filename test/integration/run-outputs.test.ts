import { execFile } from 'node:child_process';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { appWithCatalogue, copySource, addTestScript } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** What the script writes to outputs/results.csv. */
const RESULTS = 'month,total\n2026-01,42\n';
/** Outside content of the same length as RESULTS: a size check alone cannot tell them apart. */
const OUTSIDE = 'SECRET-OUTSIDE-THE-RUN-FOLDER\n'
  .slice(0, RESULTS.length)
  .padEnd(RESULTS.length, '!');

const SCRIPT = `import json, os
inputs = json.load(open(os.environ["SCRIPTDESK_INPUTS"], encoding="utf-8"))
out = os.environ["SCRIPTDESK_OUTPUT_DIR"]
os.makedirs(os.path.join(out, "sub"))
with open(os.path.join(out, "results.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(${JSON.stringify(RESULTS)})
with open(os.path.join(out, "sub", "detail.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(${JSON.stringify(RESULTS)})
if inputs["mode"] == "link":
    os.symlink(inputs["target"], os.path.join(out, "link.csv"))
if inputs["mode"] == "link-folder":
    os.rename(out, out + "-moved")
    os.symlink(inputs["target"], out)
print("done")
`;

/** A catalogue with `outputs-probe`: writes results.csv, and a link when asked. */
async function outputsSource(): Promise<string> {
  const src = await copySource();
  await addTestScript(src, {
    id: 'outputs-probe',
    title: 'Outputs probe',
    summary: 'Test script: writes results.csv and, when asked, leaves a link in its outputs.',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['plain', 'link', 'link-folder'] },
        target: { type: 'string', maxLength: 4096 },
      },
    },
    main: SCRIPT,
  });
  return src;
}

/** A file outside every run folder, holding what must never be served as an output. */
async function outsideFile(): Promise<string> {
  const file = path.join(await tempDir('scriptdesk-outside-'), 'private.csv');
  await writeFile(file, OUTSIDE);
  return file;
}

async function finishedRun(mode: 'plain' | 'link' | 'link-folder', target?: string) {
  ({ app } = await appWithCatalogue(await outputsSource()));
  const { runId, detail } = await runToEnd(app, {
    scriptId: 'outputs-probe',
    inputs: { mode, ...(target === undefined ? {} : { target }) },
  });
  expect(detail.status).toBe('succeeded');
  return { runId, detail, outputDir: detail.outputDir };
}

async function readOutput(runId: string, name: string) {
  return callTyped(app!.dispatch, 'run.readOutput', { runId, name }, { transport: 'http' });
}

/** The outputs the run's `run.finished` audit event recorded. */
async function auditedOutputs(runId: string): Promise<unknown> {
  const { events } = await callOrThrow(app!, 'audit.list', { limit: 20 });
  const finished = events.find(
    (e) => e.type === 'dev.scriptdesk.run.finished' && e.data.runId === runId,
  );
  return finished?.data.outputs;
}

const refused = (code: string, message: string) => ({ ok: false, error: { code, message } });

describe('a run output is served only while it is what the run recorded', () => {
  it('serves an unchanged output, and one in a sub-folder, with their recorded content', async () => {
    const { runId, detail } = await finishedRun('plain');
    expect(detail.outputs.map((o) => o.name)).toEqual(['results.csv', 'sub/detail.csv']);
    expect(await readOutput(runId, 'results.csv')).toEqual({
      ok: true,
      value: { name: 'results.csv', text: RESULTS, truncated: false },
    });
    expect(await readOutput(runId, 'sub/detail.csv')).toMatchObject({
      ok: true,
      value: { text: RESULTS },
    });
  });

  it('refuses an output swapped for a symbolic link to an outside file after the run, never showing that file', async () => {
    const { runId, outputDir } = await finishedRun('plain');
    await rm(path.join(outputDir, 'results.csv'));
    await symlink(await outsideFile(), path.join(outputDir, 'results.csv'));
    const result = await readOutput(runId, 'results.csv');
    expect(result).toEqual(
      refused(
        'output_changed',
        'results.csv was replaced by a symbolic link after the run ended; ScriptDesk does not follow links, so it is not shown.',
      ),
    );
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it('refuses an output whose bytes changed after the run while its size stayed the same', async () => {
    const { runId, outputDir } = await finishedRun('plain');
    await writeFile(path.join(outputDir, 'results.csv'), OUTSIDE);
    const result = await readOutput(runId, 'results.csv');
    expect(result).toEqual(
      refused(
        'output_changed',
        'results.csv was changed after the run ended (its content no longer matches what was recorded); it is not shown.',
      ),
    );
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it('refuses an output that was deleted, or swapped for a FIFO, without waiting on it', async () => {
    const { runId, outputDir } = await finishedRun('plain');
    await rm(path.join(outputDir, 'results.csv'));
    expect(await readOutput(runId, 'results.csv')).toEqual(
      refused(
        'output_changed',
        "results.csv is no longer in the run's outputs folder (it was moved or deleted after the run ended); it is not shown.",
      ),
    );
    // Opened the ordinary way, a FIFO with no writer would hang the call forever.
    await promisify(execFile)('mkfifo', [path.join(outputDir, 'results.csv')]);
    expect(await readOutput(runId, 'results.csv')).toEqual(
      refused(
        'output_changed',
        'results.csv was replaced by something that is not a regular file after the run ended; it is not shown.',
      ),
    );
  });

  it('refuses outputs once their folder was swapped for a link to a folder of look-alike files', async () => {
    const { runId, outputDir } = await finishedRun('plain');
    const lookAlike = await tempDir('scriptdesk-look-alike-');
    await mkdir(path.join(lookAlike, 'sub'));
    await writeFile(path.join(lookAlike, 'results.csv'), OUTSIDE);
    await writeFile(path.join(lookAlike, 'sub', 'detail.csv'), OUTSIDE);
    await rename(outputDir, `${outputDir}-moved`);
    await symlink(lookAlike, outputDir);
    expect(await readOutput(runId, 'sub/detail.csv')).toEqual(
      refused(
        'output_changed',
        'sub/detail.csv is not shown: its folder outputs was replaced by a link after the run ended.',
      ),
    );
  });

  it("shows no log lines from a file the run folder's log.txt was swapped for a link to", async () => {
    const { runId, detail } = await finishedRun('plain');
    expect(detail.logTail).toEqual(['done']);
    const log = path.join(path.dirname(detail.outputDir), 'log.txt');
    await rm(log);
    await symlink(await outsideFile(), log);
    const again = await callOrThrow(app!, 'run.get', { runId });
    expect(again.logTail).toEqual([]);
  });
});

describe('a link a script leaves in its outputs is recorded, never followed', () => {
  it('lists the link as a skipped symlink with its target in the run and its audit record, and refuses to show it', async () => {
    const outside = await outsideFile();
    const { runId, detail } = await finishedRun('link', outside);
    const entry = {
      name: 'link.csv',
      kind: 'symlink',
      note: `It is a symbolic link to "${outside}"; ScriptDesk does not follow links, so nothing behind it was read or hashed.`,
    };
    const hashed = { size: RESULTS.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) };
    const expected = [
      entry,
      { name: 'results.csv', ...hashed },
      { name: 'sub/detail.csv', ...hashed },
    ];
    expect(detail.outputs).toEqual(expected);
    expect(await auditedOutputs(runId)).toEqual(expected);
    const result = await readOutput(runId, 'link.csv');
    expect(result).toEqual(refused('unsupported', `link.csv cannot be shown. ${entry.note}`));
  });

  it('records an outputs folder the script replaced with a link as one skipped entry, listing nothing behind it', async () => {
    const behind = await tempDir('scriptdesk-behind-');
    await writeFile(path.join(behind, 'private.csv'), OUTSIDE);
    const { runId, detail } = await finishedRun('link-folder', behind);
    const expected = [
      {
        name: '.',
        kind: 'symlink',
        note: `The outputs folder is a symbolic link to "${behind}"; ScriptDesk does not follow links, so nothing behind it was read or hashed.`,
      },
    ];
    expect(detail.outputs).toEqual(expected);
    expect(await auditedOutputs(runId)).toEqual(expected);
  });
});
