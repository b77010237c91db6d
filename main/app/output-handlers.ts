import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { isOutputFile, type OutputFile } from '../contract/api.js';
import type { Handlers } from '../contract/dispatcher.js';
import { ApiFailure } from '../contract/errors.js';
import {
  MAX_OUTPUT_DOWNLOAD_BYTES,
  MAX_PREVIEW_IMAGE_BYTES,
  MAX_PREVIEW_TEXT_BYTES,
} from '../contract/output-api.js';
import { copyRecordedOutput, readRecordedOutputPart, sizeInWords } from '../runs/output-export.js';
import { whyNotOpenable } from '../runs/output-open-policy.js';
import {
  assertUnchanged,
  openRecordedOutput,
  readRecordedOutput,
  type OutputUse,
} from '../runs/output-read.js';
import { sha256Handle } from '../shared/hashing.js';
import type { RunStore, StoredRun } from '../runs/run-store.js';
import type { DesktopShell } from './desktop-shell.js';

/** Bytes of an output one `run.outputDownload` answer carries (base64 makes them a third more). */
export const DOWNLOAD_PART_BYTES = 8 * 1024 * 1024;

export interface OutputHandlerDeps {
  runs: RunStore;
  /** The desktop app's shell; null in the web host, where only the browser's download exists. */
  desktop: DesktopShell | null;
}

type OutputMethods =
  | 'run.readOutput'
  | 'run.outputDownload'
  | 'run.outputSaveAs'
  | 'run.outputOpen'
  | 'run.outputShow';

/**
 * `run.readOutput` and the output actions: preview, download, Save as, Open, Show in folder. Each
 * finds the file from the run's own record by its recorded name and checks it again (no link on
 * the way, the recorded size and SHA-256) before reading, copying or handing it to the shell.
 */
export function createOutputHandlers(deps: OutputHandlerDeps): Pick<Handlers, OutputMethods> {
  const { runs, desktop } = deps;
  const outputOf = (
    runId: string,
    name: string,
    use: OutputUse,
  ): { run: StoredRun; entry: OutputFile; dir: string } => {
    const run = runs.get(runId);
    if (!run) throw new ApiFailure('not_found', `There is no run ${runId} on this device.`);
    const entry = run.outputs.find((o) => o.name === name);
    if (!entry)
      throw new ApiFailure(
        'not_found',
        `Run ${runId} has no output file named "${name.slice(0, 80)}".`,
      );
    if (!isOutputFile(entry))
      throw new ApiFailure('unsupported', `${entry.name} cannot be ${use}. ${entry.note}`);
    return { run, entry, dir: outputsFolder(run) };
  };
  const shell = (action: string): DesktopShell => {
    if (desktop) return desktop;
    throw new ApiFailure(
      'unsupported',
      `${action} is available in the ScriptDesk desktop app only. In the browser, use Save as to download the file.`,
    );
  };
  /** Checks the whole file against its record (for handing its path to the shell). */
  const verify = async (dir: string, entry: OutputFile, use: OutputUse) => {
    const { handle } = await openRecordedOutput(dir, entry, use);
    try {
      assertUnchanged(entry, await sha256Handle(handle), use);
    } finally {
      await handle.close();
    }
  };

  return {
    'run.readOutput': async ({ runId, name, encoding }) => {
      const { entry, dir } = outputOf(runId, name, 'shown');
      if (encoding !== 'base64') {
        const preview = await readRecordedOutput(dir, entry, MAX_PREVIEW_TEXT_BYTES);
        return { name, ...preview };
      }
      if (entry.size > MAX_PREVIEW_IMAGE_BYTES)
        throw new ApiFailure(
          'unsupported',
          `${name} is ${sizeInWords(entry.size)}, more than a preview shows (${sizeInWords(MAX_PREVIEW_IMAGE_BYTES)}). Save it or find it in ${dir}`,
        );
      return { name, ...(await readRecordedOutput(dir, entry, entry.size, 'base64')) };
    },
    'run.outputDownload': async ({ runId, name, offset }) => {
      const { entry, dir } = outputOf(runId, name, 'saved');
      const part = await readRecordedOutputPart(
        dir,
        entry,
        offset,
        DOWNLOAD_PART_BYTES,
        MAX_OUTPUT_DOWNLOAD_BYTES,
      );
      return {
        fileName: path.basename(entry.name),
        size: part.size,
        base64: part.bytes.toString('base64'),
        next: part.next,
      };
    },
    'run.outputSaveAs': async ({ runId, name }) => {
      const chooser = shell('Save as with a save dialog');
      const { entry, dir } = outputOf(runId, name, 'saved');
      // Checked before asking, so the user is not asked where to save a file that cannot be saved.
      await verify(dir, entry, 'saved');
      const chosen = await chooser.chooseSavePath(path.basename(entry.name));
      if (chosen === null) return { savedTo: null };
      return { savedTo: (await copyRecordedOutput(dir, entry, chosen)).path };
    },
    'run.outputOpen': async ({ runId, name }) => {
      const opener = shell('Open with the default app');
      const { entry, dir } = outputOf(runId, name, 'opened');
      const refusal = whyNotOpenable(entry.name);
      if (refusal) throw new ApiFailure('unsupported', refusal);
      await verify(dir, entry, 'opened');
      const problem = await opener.openPath(path.join(dir, ...entry.name.split('/')));
      if (problem)
        throw new ApiFailure(
          'unsupported',
          `${entry.name} could not be opened: ${problem}. Use Show in folder and open it from there.`,
        );
      return {};
    },
    'run.outputShow': async ({ runId, name }) => {
      const files = shell('Show in folder');
      if (name === undefined) {
        const run = runs.get(runId);
        if (!run) throw new ApiFailure('not_found', `There is no run ${runId} on this device.`);
        const dir = outputsFolder(run);
        const stats = await lstat(dir).catch(() => null);
        if (!stats?.isDirectory())
          throw new ApiFailure(
            'output_changed',
            `The outputs folder of this run is ${stats ? 'no longer a folder (it was replaced by a link or a file)' : 'gone (moved or deleted)'}: ${dir}`,
          );
        const problem = await files.openPath(dir);
        if (problem)
          throw new ApiFailure('unsupported', `The outputs folder could not be shown: ${problem}.`);
        return {};
      }
      const { entry, dir } = outputOf(runId, name, 'shown');
      await verify(dir, entry, 'shown');
      files.showItemInFolder(path.join(dir, ...entry.name.split('/')));
      return {};
    },
  };
}

/** A run's outputs folder, as `run.get` reports it. */
export function outputsFolder(run: StoredRun): string {
  return path.join(run.runDir, 'outputs');
}
