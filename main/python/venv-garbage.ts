import { randomBytes } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/** The file inside a venv whose modification time says when it was last used. */
export const LAST_USED = '.last-used';

/** What a collection removed and what it kept back. */
export interface GarbageReport {
  /** Folder names removed: unused venvs, then old staging and trash folders. */
  removed: string[];
  /** Unreferenced venvs kept because they were used within the grace period. */
  recent: string[];
}

const VENV = /^[0-9a-f]{32}$/;
const STAGING = /^[0-9a-f]{32}\.staging-[0-9a-f]+$/;
const TRASH = /^[0-9a-f]{32}\.trash-[0-9a-f]+$/;

/**
 * Removes from `venvsDir`: venv folders that are not `inUse` and were last used (`.last-used`,
 * else the folder's own time) at least `graceMs` ago; staging folders older than that which this
 * process is not building in (a crash left them); and trash folders (a removal cut short). A venv
 * is first renamed aside, so its interpreter path disappears at once rather than file by file.
 * Anything else in the folder is left alone.
 */
export async function collectVenvGarbage(
  venvsDir: string,
  options: {
    graceMs: number;
    inUse: (key: string) => boolean;
    isOwnStaging: (dir: string) => boolean;
    now?: number;
  },
): Promise<GarbageReport> {
  const now = options.now ?? Date.now();
  const report: GarbageReport = { removed: [], recent: [] };
  let entries;
  try {
    entries = await readdir(venvsDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw error;
  }
  const old = (ms: number | null) => ms !== null && now - ms >= options.graceMs;
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const name = entry.name;
    const dir = path.join(venvsDir, name);
    if (TRASH.test(name)) {
      await rm(dir, { recursive: true, force: true });
      report.removed.push(name);
    } else if (STAGING.test(name)) {
      if (options.isOwnStaging(dir) || !old(await mtimeOf(dir))) continue;
      await rm(dir, { recursive: true, force: true });
      report.removed.push(name);
    } else if (VENV.test(name) && !options.inUse(name)) {
      const lastUsed = (await mtimeOf(path.join(dir, LAST_USED))) ?? (await mtimeOf(dir));
      if (!old(lastUsed)) {
        report.recent.push(name);
        continue;
      }
      const trash = `${dir}.trash-${randomBytes(4).toString('hex')}`;
      try {
        await rename(dir, trash);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process took it
        throw error;
      }
      await rm(trash, { recursive: true, force: true });
      report.removed.push(name);
    }
  }
  return report;
}

async function mtimeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return null;
  }
}
