import { useState } from 'react';
import type { OutputFile } from '../../../../main/contract/api.js';
import type { ApiError } from '../../../../main/contract/errors.js';
import { useTransport } from '../../api/transport-context.js';
import { useDesktop } from '../../common/desktop-context.js';
import { downloadOutput } from './output-download.js';

/** An action on an output that is under way. */
export type OutputAction = 'save' | 'open' | 'show';

/** The absolute path of output `name` (which uses `/`) in `outputDir`, with its separators. */
export function outputPath(outputDir: string, name: string): string {
  const separator = outputDir.includes('\\') && !outputDir.includes('/') ? '\\' : '/';
  const folder = outputDir.endsWith(separator) ? outputDir.slice(0, -1) : outputDir;
  return [folder, ...name.split('/')].join(separator);
}

/**
 * Save as, Open, Show in folder and Copy path for one output. Save as asks main for its save
 * dialog in the desktop app and downloads the verified bytes in the browser; Open and Show in
 * folder exist only in the desktop app (`desktop`). `notice` says what was done, `error` why not.
 */
export function useOutputActions(runId: string, file: OutputFile, outputDir: string) {
  const transport = useTransport();
  const desktop = useDesktop();
  const [busy, setBusy] = useState<OutputAction | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | undefined>();
  const ref = { runId, name: file.name };

  async function perform(action: OutputAction, work: () => Promise<string | null | ApiError>) {
    setBusy(action);
    setNotice(null);
    setError(undefined);
    const outcome = await work();
    setBusy(null);
    if (outcome !== null && typeof outcome === 'object') setError(outcome);
    else setNotice(outcome);
  }

  return {
    desktop,
    busy,
    notice,
    error,
    saveAs: () =>
      perform('save', async () => {
        if (!desktop) {
          const failed = await downloadOutput(transport, runId, file.name);
          return failed ?? `${file.name} was downloaded, checked against the run's record.`;
        }
        const result = await transport.call('run.outputSaveAs', ref);
        if (!result.ok) return result.error;
        return result.value.savedTo ? `Saved a checked copy to ${result.value.savedTo}` : null;
      }),
    open: () =>
      perform('open', async () => {
        const result = await transport.call('run.outputOpen', ref);
        return result.ok ? null : result.error;
      }),
    show: () =>
      perform('show', async () => {
        const result = await transport.call('run.outputShow', ref);
        return result.ok ? null : result.error;
      }),
    copyPath: async () => {
      setError(undefined);
      try {
        await navigator.clipboard.writeText(outputPath(outputDir, file.name));
        setNotice('Copied the path of the file.');
      } catch {
        setNotice('The path could not be copied here; select it in the run page instead.');
      }
    },
  };
}
