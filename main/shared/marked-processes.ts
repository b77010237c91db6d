import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The live processes whose environment holds `entry` ("NAME=value"), from /proc on Linux; none
 * elsewhere. An environment variable is inherited by every descendant, so a marker set for one
 * process tree finds its members after they left its process group (`setsid()`) and were
 * re-parented. It does not find a descendant that cleared or replaced its environment, nor
 * processes of other users (their environment cannot be read); a zombie's environment reads empty.
 */
export async function processesWithEnvironment(entry: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const first = Buffer.from(`${entry}\0`);
  const inner = Buffer.from(`\0${entry}\0`);
  const names = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    names.map(async (name) => {
      let environment: Buffer;
      try {
        environment = await readFile(`/proc/${name}/environ`);
      } catch {
        return null; // gone, or another user's
      }
      const marked = environment.indexOf(first) === 0 || environment.includes(inner);
      return marked ? Number(name) : null;
    }),
  );
  return found.filter((pid): pid is number => pid !== null);
}

/** SIGKILLs every live process whose environment holds `entry` but `spare`; returns how many it found. */
export async function killProcessesWithEnvironment(entry: string, spare?: number): Promise<number> {
  const found = (await processesWithEnvironment(entry)).filter((pid) => pid !== spare);
  for (const pid of found) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  return found.length;
}

/**
 * Kills every process whose environment holds `entry` until none is left (a killed process can
 * still be read for a moment while it exits), giving up after `withinMs`. True when any was found.
 */
export async function sweepProcessesWithEnvironment(
  entry: string,
  withinMs: number,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  let any = false;
  while ((await killProcessesWithEnvironment(entry)) > 0) {
    any = true;
    if (Date.now() > deadline) break;
    await delay(5);
  }
  return any;
}
