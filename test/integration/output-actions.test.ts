/**
 * The output actions through the real app (SQLite, a real Python run, real files): the browser
 * download, Save as, Open and Show in folder. The Electron binary cannot run here, so the
 * desktop's dialog and shell are a hand-written recorder: what matters is which path main hands
 * them, and that it hands none for a file that no longer matches its record.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import type { DesktopShell } from '../../main/app/desktop-shell.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { addTestScript, appWithCatalogue, copySource } from '../support/catalogue.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const CSV = 'month,total\n2026-01,42\n';
/** The 8-byte PNG signature and a little more: enough to be an image's bytes, not text. */
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0xff, 0x00]);

const SCRIPT = `import os
out = os.environ["SCRIPTDESK_OUTPUT_DIR"]
with open(os.path.join(out, "results.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(${JSON.stringify(CSV)})
with open(os.path.join(out, "chart.png"), "wb") as f:
    f.write(bytes(${JSON.stringify([...PNG])}))
with open(os.path.join(out, "tidy.sh"), "w") as f:
    f.write("echo hi\\n")
`;

/** What the fake desktop was asked to do, in order. */
type Call = [string, string];

function recordingDesktop(savePath: () => string | null): { desktop: DesktopShell; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    desktop: {
      chooseSavePath: async (fileName) => {
        calls.push(['chooseSavePath', fileName]);
        return savePath();
      },
      openPath: async (file) => {
        calls.push(['openPath', file]);
        return '';
      },
      showItemInFolder: (file) => void calls.push(['showItemInFolder', file]),
    },
  };
}

async function finishedRun(desktop?: DesktopShell) {
  const src = await copySource();
  await addTestScript(src, {
    id: 'outputs-kinds',
    title: 'Outputs of several kinds',
    summary: 'Test script: writes a CSV, a PNG and a shell script.',
    schema: { type: 'object', additionalProperties: false, properties: {} },
    main: SCRIPT,
  });
  ({ app } = await appWithCatalogue(src, desktop ? { desktop } : {}));
  const { runId, detail } = await runToEnd(app, { scriptId: 'outputs-kinds', inputs: {} });
  expect(detail.status).toBe('succeeded');
  return { runId, outputDir: detail.outputDir };
}

const call = <M extends Parameters<typeof callTyped>[1]>(
  method: M,
  input: Parameters<typeof callTyped<M>>[2],
) => callTyped(app!.dispatch, method, input, { transport: 'ipc' });

describe('in the browser (no desktop shell)', () => {
  it('says it is not the desktop app, and downloads an output as its verified bytes', async () => {
    const { runId } = await finishedRun();
    expect((await callOrThrow(app!, 'app.info', {})).desktop).toBe(false);
    const part = await callOrThrow(app!, 'run.outputDownload', {
      runId,
      name: 'chart.png',
      offset: 0,
    });
    expect(part).toMatchObject({ fileName: 'chart.png', size: PNG.length, next: null });
    expect(Buffer.from(part.base64, 'base64').equals(PNG)).toBe(true);
  });

  it('refuses Save as through a dialog, Open and Show in folder, saying what to use instead', async () => {
    const { runId } = await finishedRun();
    const message = (action: string) =>
      `${action} is available in the ScriptDesk desktop app only. In the browser, use Save as to download the file.`;
    expect(await call('run.outputOpen', { runId, name: 'results.csv' })).toEqual({
      ok: false,
      error: { code: 'unsupported', message: message('Open with the default app') },
    });
    expect(await call('run.outputShow', { runId })).toEqual({
      ok: false,
      error: { code: 'unsupported', message: message('Show in folder') },
    });
    expect(await call('run.outputSaveAs', { runId, name: 'results.csv' })).toMatchObject({
      ok: false,
      error: { code: 'unsupported' },
    });
  });

  it('sends an image preview as its bytes in base64', async () => {
    const { runId } = await finishedRun();
    const preview = await callOrThrow(app!, 'run.readOutput', {
      runId,
      name: 'chart.png',
      encoding: 'base64',
    });
    expect(Buffer.from(preview.text, 'base64').equals(PNG)).toBe(true);
  });
});

describe('in the desktop app', () => {
  it('says so, and Save as copies the verified file to the path the dialog gave', async () => {
    const target = path.join(await tempDir('scriptdesk-saved-'), 'my results.csv');
    const { desktop, calls } = recordingDesktop(() => target);
    const { runId } = await finishedRun(desktop);
    expect((await callOrThrow(app!, 'app.info', {})).desktop).toBe(true);
    expect(await callOrThrow(app!, 'run.outputSaveAs', { runId, name: 'results.csv' })).toEqual({
      savedTo: target,
    });
    expect(calls).toEqual([['chooseSavePath', 'results.csv']]);
    expect(await readFile(target, 'utf8')).toBe(CSV);
  });

  it('answers null and copies nothing when the dialog is cancelled', async () => {
    const { desktop } = recordingDesktop(() => null);
    const { runId } = await finishedRun(desktop);
    expect(await callOrThrow(app!, 'run.outputSaveAs', { runId, name: 'results.csv' })).toEqual({
      savedTo: null,
    });
  });

  it('opens and shows only the recorded file inside the run’s outputs folder, and opens the folder', async () => {
    const { desktop, calls } = recordingDesktop(() => null);
    const { runId, outputDir } = await finishedRun(desktop);
    await callOrThrow(app!, 'run.outputOpen', { runId, name: 'results.csv' });
    await callOrThrow(app!, 'run.outputShow', { runId, name: 'chart.png' });
    await callOrThrow(app!, 'run.outputShow', { runId });
    expect(calls).toEqual([
      ['openPath', path.join(outputDir, 'results.csv')],
      ['showItemInFolder', path.join(outputDir, 'chart.png')],
      ['openPath', outputDir],
    ]);
  });

  it('never hands the shell a changed output, a program, or a name the run did not record', async () => {
    const { desktop, calls } = recordingDesktop(() => '/tmp/never.csv');
    const { runId, outputDir } = await finishedRun(desktop);
    await writeFile(path.join(outputDir, 'results.csv'), CSV.replace('42', '99'));
    expect(await call('run.outputOpen', { runId, name: 'results.csv' })).toEqual({
      ok: false,
      error: {
        code: 'output_changed',
        message:
          'results.csv was changed after the run ended (its content no longer matches what was recorded); it is not opened.',
      },
    });
    expect(await call('run.outputSaveAs', { runId, name: 'results.csv' })).toMatchObject({
      ok: false,
      error: { code: 'output_changed' },
    });
    expect(await call('run.outputOpen', { runId, name: 'tidy.sh' })).toEqual({
      ok: false,
      error: {
        code: 'unsupported',
        message:
          'tidy.sh is a .sh file, which could run as a program, so ScriptDesk does not open it. Use Show in folder and open it from there if you trust it.',
      },
    });
    expect(await call('run.outputShow', { runId, name: '../../../etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(calls).toEqual([]);
  });
});
