import { execa } from 'execa';
import { HOST_OS } from '../platform/os.js';
import { treeStopPlan } from '../platform/process-tree.js';
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
 * Runs `executable args` by absolute path through execa, with an argument array (no shell) and the
 * given environment only. On POSIX it leads its own process group, so the time limit stops
 * everything it started, not only the first process.
 */
export async function runCaptured(
  executable: string,
  args: readonly string[],
  options: CapturedOptions,
): Promise<CapturedExit> {
  const max = options.maxOutputChars ?? DEFAULT_MAX_OUTPUT;
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
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    forceKillAfterDelay: false,
  });
  let stdout = '';
  let output = '';
  subprocess.stdout?.setEncoding('utf8');
  subprocess.all?.setEncoding('utf8');
  subprocess.stdout?.on('data', (chunk: string) => (stdout = (stdout + chunk).slice(-max)));
  subprocess.all?.on('data', (chunk: string) => (output = (output + chunk).slice(-max)));
  const result = await subprocess;
  // execa ended the first process; what it started goes with its group.
  if (result.timedOut && subprocess.pid !== undefined)
    signalProcessGroup(subprocess.pid, 'SIGKILL');
  if (result.failed && result.exitCode === undefined && !result.signal && !result.timedOut)
    throw new Error(result.originalMessage || result.shortMessage, { cause: result.cause });
  return {
    code: result.exitCode ?? null,
    signal: (result.signal as NodeJS.Signals | undefined) ?? null,
    timedOut: result.timedOut,
    stdout,
    output,
  };
}
