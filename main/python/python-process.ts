import { toolEnvironment } from '../platform/environment.js';
import { HOST_OS } from '../platform/os.js';
import { runTool, toolFailure } from '../shared/tool-process.js';

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

/**
 * Runs a Python helper (venv creation, pip) by absolute path with a minimal environment and no
 * shell (`runTool`: its own process group, so an abort or a timeout ends `pip --python`'s
 * re-run of itself too, which must not keep writing into a folder that is being removed).
 */
export async function runPythonTool(
  executable: string,
  args: string[],
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<void> {
  const exit = await runTool(executable, args, {
    env: toolEnvironment(HOST_OS, process.env),
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const failure = toolFailure(exit, options.timeoutMs);
  if (failure === null) return;
  const stopped = exit.stopped === 'timeout' || exit.stopped === 'aborted' ? exit.stopped : null;
  throw new PythonProcessError(failure, exit.stderr, stopped);
}
