import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];
/** Linux's in-memory file system. */
const SHM = '/dev/shm';

/** A fresh temporary folder, removed after the current test. */
export async function tempDir(prefix = 'scriptdesk-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * A fresh temporary folder in memory (tmpfs, where fsync costs nothing), removed after the current
 * test: for tests that write thousands of durable SQLite rows to prove something other than
 * durability, which a busy shared disk would otherwise make take most of a minute.
 */
export async function memoryTempDir(prefix = 'scriptdesk-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(existsSync(SHM) ? SHM : os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
