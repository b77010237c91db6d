import { open } from 'node:fs/promises';

/** Reads at most the last `maxLines` lines of a log file, looking only at its last 256 KB. */
export async function readLogTail(file: string, maxLines: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 256 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (length < size) lines.shift(); // the first line is probably cut
    return lines.slice(-maxLines);
  } finally {
    await handle.close();
  }
}
