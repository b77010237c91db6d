import { spawn } from 'node:child_process';
import { signalProcessGroup } from '../shared/process-identity.js';

/** How a build-time helper process (byte-compile, a script's tests) ended. */
export interface CapturedExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the time limit ended it (with every process it started). */
  timedOut: boolean;
  stdout: string;
  /** stdout and stderr as they came, interleaved; only the last `maxOutputChars` are kept. */
  output: string;
}

/** What a build-time process gets: never a shell, never the caller's environment. */
export interface CapturedOptions {
  cwd?: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** Most characters of interleaved output kept (the end is where the reason is). */
  maxOutputChars?: number;
}

const DEFAULT_MAX_OUTPUT = 256 * 1024;

/**
 * Runs `executable args` by absolute path with an argument array (no shell) and the given
 * environment only. On POSIX it leads its own process group, so the time limit stops everything
 * it started, not only the first process.
 */
export function runCaptured(
  executable: string,
  args: readonly string[],
  options: CapturedOptions,
): Promise<CapturedExit> {
  const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    let stdout = '';
    let output = '';
    let timedOut = false;
    const keep = (text: string) => {
      output = (output + text).slice(-max);
    };
    const { stdout: out, stderr: err } = child as unknown as {
      stdout: NodeJS.ReadableStream;
      stderr: NodeJS.ReadableStream;
    };
    out.setEncoding('utf8');
    err.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-max);
      keep(chunk);
    });
    err.on('data', keep);
    if (options.input !== undefined && child.stdin) {
      // A child that exits without reading its stdin must not fail the build with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(options.input);
    }
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stdout, output });
    });
  });
}
