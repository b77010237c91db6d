import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './catalogue.js';

const exec = promisify(execFile);

/** The real `scriptdesk` command (built into dist/ by `npm run build`). */
export const BIN = path.join(REPO, 'bin', 'scriptdesk.js');

/** Runs `scriptdesk` with its own home and returns its exit code and output. */
export async function scriptdesk(
  home: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], {
      env: { ...process.env, SCRIPTDESK_HOME: home },
      cwd: REPO,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
