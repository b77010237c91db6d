import type { MethodOutput } from '../../../../main/contract/api.js';
import type { ApiError, Result } from '../../../../main/contract/errors.js';
import type { Transport } from '../../../../main/contract/transport.js';
import { saveBlob } from '../save-blob.js';

/** The bytes of base64 text. */
export function bytesOfBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Save as in the browser: downloads run `runId`'s output `name` as main read it, a verified part
 * at a time (main checks the whole file against its record for every part and refuses outputs
 * too large to assemble here), under its own file name. Like the log's Download (`log-download.ts`).
 */
export async function downloadOutput(
  transport: Transport,
  runId: string,
  name: string,
): Promise<ApiError | undefined> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let offset: number | null = 0;
  let fileName = name.split('/').pop() ?? name;
  while (offset !== null) {
    const result: Result<MethodOutput<'run.outputDownload'>> = await transport.call(
      'run.outputDownload',
      { runId, name, offset },
    );
    if (!result.ok) return result.error;
    parts.push(bytesOfBase64(result.value.base64));
    fileName = result.value.fileName;
    offset = result.value.next;
  }
  saveBlob(new Blob(parts, { type: 'application/octet-stream' }), fileName);
  return undefined;
}
