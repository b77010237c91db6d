import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A Python interpreter, by absolute path, with its version. */
export interface PythonRuntime {
  executable: string;
  version: string;
}

/**
 * Finds the Python to build venvs with: `SCRIPTDESK_PYTHON` if set, else `python3` on PATH. The
 * interpreter reports its own `sys.executable`, so launchers and shims (pyenv) resolve to the
 * real binary and are never on the run path.
 */
export async function resolvePythonRuntime(
  env: NodeJS.ProcessEnv = process.env,
): Promise<PythonRuntime> {
  const requested = env.SCRIPTDESK_PYTHON || 'python3';
  try {
    const { stdout } = await run(
      requested,
      ['-I', '-c', 'import sys, platform; print(sys.executable); print(platform.python_version())'],
      {
        timeout: 30_000,
        env,
      },
    );
    const [executable, version] = stdout.trim().split('\n');
    if (
      !executable ||
      !version ||
      (!executable.startsWith('/') && !/^[A-Za-z]:\\/.test(executable))
    ) {
      throw new Error(
        `it reported "${stdout.trim().slice(0, 120)}" instead of its path and version`,
      );
    }
    return { executable, version };
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'not found'
        : (error as Error).message.split('\n')[0];
    throw new Error(
      `Python "${requested}" cannot be used (${reason}); install Python 3.9+ or set SCRIPTDESK_PYTHON to its absolute path`,
      { cause: error },
    );
  }
}
