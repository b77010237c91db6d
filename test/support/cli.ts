import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO } from './catalogue.js';

const exec = promisify(execFile);

/** The real `scriptdesk` command (built into dist/ by `npm run build`). */
export const BIN = path.join(REPO, 'bin', 'scriptdesk.js');

/** What a test may add to a `scriptdesk` run: text piped to its stdin, environment overrides. */
export interface CliOptions {
  /** Written to stdin, which is then closed (a pipe, not a terminal). */
  stdin?: string;
  env?: Record<string, string>;
}

/** Runs `scriptdesk` with its own home and returns its exit code and output. */
export async function scriptdesk(
  home: string,
  args: string[],
  options?: CliOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (options) return scriptdeskWith(home, args, options);
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

/** `scriptdesk` with stdin and environment overrides (execFile cannot write to stdin). */
function scriptdeskWith(
  home: string,
  args: string[],
  options: CliOptions,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...options.env, SCRIPTDESK_HOME: home },
      cwd: REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => {}); // a command that exits without reading stdin
    child.stdin.end(options.stdin ?? '');
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }),
    );
  });
}
