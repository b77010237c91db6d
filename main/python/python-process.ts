import { spawn } from 'node:child_process';
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
 * shell. On POSIX it leads its own process group, so an abort or a timeout kills every process it
 * started: `pip --python` re-runs itself under the venv's interpreter, and that child must not
 * keep writing into a folder that is being removed.
 */
export function runPythonTool(
  executable: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new PythonProcessError('stopped before it started', '', 'aborted'));
      return;
    }
    const child = spawn(executable, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: toolEnvironment(HOST_OS, process.env),
      detached: treeStopPlan(HOST_OS).ownProcessGroup,
      windowsHide: true,
    });
    let stderr = '';
    let stopped: 'aborted' | 'timeout' | null = null;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_STDERR);
    });
    const stop = (why: 'aborted' | 'timeout') => {
      stopped ??= why;
      if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
    };
    const onAbort = () => stop('aborted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('timeout'), options.timeoutMs);
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.on('error', (error) => {
      done();
      reject(new PythonProcessError(error.message, stderr, stopped));
    });
    child.on('close', (code, signal) => {
      done();
      if (code === 0 && !stopped) resolve();
      else
        reject(
          new PythonProcessError(
            stopped === 'timeout'
              ? `did not finish within ${Math.round(options.timeoutMs / 1000)} s`
              : stopped === 'aborted'
                ? 'stopped because ScriptDesk is closing'
                : `exited with ${signal ?? `code ${code}`}`,
            stderr,
            stopped,
          ),
        );
    });
  });
}
