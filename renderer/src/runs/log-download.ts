import type { Transport } from '../../../main/contract/transport.js';
import type { MethodOutput } from '../../../main/contract/api.js';
import type { ApiError, Result } from '../../../main/contract/errors.js';
import { saveBlob } from './save-blob.js';

/**
 * Saves run `runId`'s whole log as the file main names (`<script>-<run>.log`), assembled from the
 * parts main reads out of the run folder; main refuses a log too large to assemble here.
 * `progress` gets the share done (0 to 1).
 */
export async function downloadLog(
  transport: Transport,
  runId: string,
  progress: (share: number) => void,
): Promise<ApiError | undefined> {
  const parts: string[] = [];
  let offset: number | null = 0;
  let fileName = 'run.log';
  while (offset !== null) {
    const result: Result<MethodOutput<'run.logDownload'>> = await transport.call(
      'run.logDownload',
      { runId, offset },
    );
    if (!result.ok) return result.error;
    parts.push(result.value.text);
    fileName = result.value.fileName;
    offset = result.value.next;
    if (offset !== null) progress(offset / Math.max(1, result.value.size));
  }
  saveBlob(new Blob(parts, { type: 'text/plain;charset=utf-8' }), fileName);
  return undefined;
}
