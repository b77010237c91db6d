import { execa, type ExecaError } from 'execa';
import { toolEnvironment } from '../platform/environment.js';
import { HOST_OS } from '../platform/os.js';
import { treeStopPlan } from '../platform/process-tree.js';
import { signalProcessGroup } from '../shared/process-identity.js';

/** How a Python helper process ended badly: its stderr, and whether it was stopped. */
export class PythonProcessError extends Error {
  override name = 'PythonProcessError';
  constructor(
    message: string,
    readonly stderr: string,
    readonly stopped: 'aborted' | 'timeout' | null,
  ) {
    super(message);
  }
}

/** Most stderr kept from a helper (pip can be chatty; the reason is near the end). */
const MAX_STDERR = 256 * 1024;

/**
 * Runs a Python helper (venv creation, pip) by absolute path with a minimal environment and no
 * shell, through execa (its time limit, cancel signal and errors). On POSIX it leads its own
 * process group, so an abort or a timeout kills every process it started, not only the one execa
 * ended: `pip --python` re-runs itself under the venv's interpreter, and that child must not keep
 * writing into a folder that is being removed.
 */
export async function runPythonTool(
  executable: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<void> {
  if (options.signal?.aborted)
    throw new PythonProcessError('stopped before it started', '', 'aborted');
  const subprocess = execa(executable, args, {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'pipe',
    buffer: false,
    env: toolEnvironment(HOST_OS, process.env),
    extendEnv: false,
    detached: treeStopPlan(HOST_OS).ownProcessGroup,
    windowsHide: true,
    timeout: options.timeoutMs,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    killSignal: 'SIGKILL',
    forceKillAfterDelay: false,
  });
  let stderr = '';
  subprocess.stderr?.setEncoding('utf8');
  subprocess.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-MAX_STDERR);
  });
  try {
    await subprocess;
  } catch (error) {
    const failure = error as ExecaError;
    const stopped = failure.timedOut ? 'timeout' : failure.isCanceled ? 'aborted' : null;
    if (stopped && subprocess.pid !== undefined) signalProcessGroup(subprocess.pid, 'SIGKILL');
    throw new PythonProcessError(
      stopped === 'timeout'
        ? `did not finish within ${Math.round(options.timeoutMs / 1000)} s`
        : stopped === 'aborted'
          ? 'stopped because ScriptDesk is closing'
          : failure.signal
            ? `exited with ${failure.signal}`
            : failure.exitCode !== undefined
              ? `exited with code ${failure.exitCode}`
              : failure.originalMessage || failure.shortMessage,
      stderr,
      stopped,
    );
  }
}
