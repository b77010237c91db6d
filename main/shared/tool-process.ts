import { execa } from 'execa';
import { HOST_OS } from '../platform/os.js';
import { treeStopPlan } from '../platform/process-tree.js';
import { signalProcessGroup } from './process-identity.js';

/** What a helper process gets: never a shell, never more environment than it is given. */
export interface ToolOptions {
  /** The whole environment of the process (nothing is inherited). */
  env: Record<string, string | undefined>;
  cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string | Buffer;
  timeoutMs: number;
  /** Aborting it stops the process and everything it started. */
  signal?: AbortSignal;
  /** Most bytes of stdout; a process printing more is stopped (default 16 MiB). */
  maxStdoutBytes?: number;
  /** Most characters kept of stderr and of the interleaved output: their end (default 256 KiB). */
  maxTailChars?: number;
}

/** Why a helper process was stopped, when it was. */
export type ToolStop = 'timeout' | 'aborted' | 'output-limit';

/** How a helper process ended. Only a process that could not start at all is thrown. */
export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when ScriptDesk stopped it (with every process it started). */
  stopped: ToolStop | null;
  /** stdout whole, unless `stopped` is `output-limit`. */
  stdout: string;
  /** The end of stderr. */
  stderr: string;
  /** The end of stdout and stderr as they came, interleaved (where the reason for a failure is). */
  output: string;
}

const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;
const DEFAULT_MAX_TAIL = 256 * 1024;

/**
 * Runs a helper process (venv creation, pip, byte-compiling, a script's tests, the argparse
 * reader) by absolute path through execa, with an argument array and the given environment only.
 * On POSIX it leads its own process group, so a time limit, an abort or too much output stops
 * everything it started, not only the process execa ended: `pip --python` re-runs itself under
 * the venv's interpreter, and a test suite may start servers of its own.
 */
export async function runTool(
  executable: string,
  args: readonly string[],
  options: ToolOptions,
): Promise<ToolExit> {
  if (options.signal?.aborted)
    return { code: null, signal: null, stopped: 'aborted', stdout: '', stderr: '', output: '' };
  const maxStdout = options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const maxTail = options.maxTailChars ?? DEFAULT_MAX_TAIL;
  const subprocess = execa(executable, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env,
    extendEnv: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
    all: true,
    buffer: false,
    reject: false,
    detached: treeStopPlan(HOST_OS).ownProcessGroup,
    windowsHide: true,
  });
  // Stopped here rather than through execa's own timeout and cancel signal, which end the first
  // process only and then wait for its pipes: a descendant holding them would keep that wait open.
  let stopped: ToolStop | null = null;
  const stop = (why: ToolStop) => {
    if (stopped) return;
    stopped = why;
    if (subprocess.pid !== undefined) signalProcessGroup(subprocess.pid, 'SIGKILL');
    subprocess.kill('SIGKILL');
  };
  const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
  const onAbort = () => stop('aborted');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const stdout: Buffer[] = [];
  let stdoutBytes = 0;
  let stderr = '';
  let output = '';
  subprocess.stdout?.on('data', (chunk: Buffer) => {
    if (stopped) return;
    stdoutBytes += chunk.length;
    if (stdoutBytes > maxStdout) stop('output-limit');
    else stdout.push(chunk);
  });
  subprocess.stderr?.setEncoding('utf8');
  subprocess.all?.setEncoding('utf8');
  subprocess.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-maxTail)));
  subprocess.all?.on('data', (chunk: string) => (output = (output + chunk).slice(-maxTail)));
  const result = await subprocess.finally(() => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  });
  if (result.failed && !stopped && result.exitCode === undefined && !result.signal)
    throw new Error(result.originalMessage || result.shortMessage, { cause: result.cause });
  return {
    code: result.exitCode ?? null,
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    stopped,
    stdout: stopped === 'output-limit' ? '' : Buffer.concat(stdout).toString('utf8'),
    stderr,
    output,
  };
}

/** A plain-word account of how a helper ended badly, or null when it exited with 0. */
export function toolFailure(exit: ToolExit, timeoutMs: number): string | null {
  switch (exit.stopped) {
    case 'timeout':
      return `did not finish within ${Math.round(timeoutMs / 1000)} s`;
    case 'aborted':
      return 'stopped because ScriptDesk is closing';
    case 'output-limit':
      return 'printed more than ScriptDesk reads from a helper, and was stopped';
    case null:
      if (exit.signal) return `exited with ${exit.signal}`;
      return exit.code === 0 ? null : `exited with code ${exit.code}`;
  }
}
