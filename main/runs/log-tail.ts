import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { openRegularFileOrRefusal } from '../shared/regular-file.js';

/**
 * Reads at most the last `maxLines` lines of a log file, looking only at its last 256 KB. The run
 * folder is the script's working folder, so `log.txt` (or the run folder) may have been swapped
 * for a link or a FIFO: those are not followed or waited on, and read as no lines.
 */
export async function readLogTail(file: string, maxLines: number): Promise<string[]> {
  if (!(await lstat(path.dirname(file)).catch(() => null))?.isDirectory()) return [];
  const opened = await openRegularFileOrRefusal(file).catch(() => null);
  if (opened === null || 'refused' in opened) return [];
  const { handle, stats } = opened;
  try {
    const { size } = stats;
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
