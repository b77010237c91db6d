import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { OutputFile } from '../contract/api.js';
import { sha256File } from '../shared/hashing.js';

/** Most output files listed for one run. */
export const MAX_OUTPUT_FILES = 1000;

/** Lists the files a run wrote into its outputs folder (recursively), with sizes and SHA-256. */
export async function listOutputs(outputDir: string): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(outputDir, relative), { withFileTypes: true }).catch(
      () => [],
    );
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= MAX_OUTPUT_FILES) return;
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile())
        files.push({ name, ...(await sha256File(path.join(outputDir, name))) });
    }
  };
  await walk('');
  return files;
}
