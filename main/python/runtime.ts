import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { execa, type ExecaError } from 'execa';
import { HOST_OS } from '../platform/os.js';
import { bundledInterpreter, pythonOnPath } from '../platform/python-layout.js';
import { loadPolicy, policyFile } from '../policy/policy.js';

/** A Python interpreter, by absolute real path, with its version and where the setting came from. */
export interface PythonRuntime {
  executable: string;
  version: string;
  /** Which setting chose it, for messages: "the machine policy /etc/…", "SCRIPTDESK_PYTHON", "python3 on PATH". */
  source?: string;
}

/** Oldest Python ScriptDesk builds venvs with. */
const OLDEST = [3, 9] as const;

/** Where to look, in order; the first that is set wins (a later one is never tried instead). */
export interface RuntimeSettings {
  env?: NodeJS.ProcessEnv;
  /** The machine policy's `python` and the file it came from; read with `loadPolicy` when absent. */
  policy?: { file: string; python?: string | undefined };
  /**
   * The desktop package's resources folder (Electron's `process.resourcesPath`): the Python it
   * carries in `python/` comes after the machine policy's and before `SCRIPTDESK_PYTHON` and PATH.
   */
  resourcesDir?: string;
  /** False for tools that only run the interpreter (`scriptdesk import`); venvs need pip. */
  requirePip?: boolean;
}

interface Candidate {
  command: string;
  /** Arguments before the interpreter's own (the Windows launcher's `-3`). */
  args?: readonly string[];
  source: string;
  /** What to say after "cannot be used: <reason>". */
  fix: string;
  /** The start of the error message. */
  describe: (reason: string) => string;
}

/**
 * Finds the Python to build venvs with: the machine policy's `python` (so IT can always choose),
 * else the Python the desktop package carries (`resources/python/`), else `SCRIPTDESK_PYTHON`,
 * else `python3` on PATH (`py -3` on Windows). A setting that is present but broken is an error naming that setting;
 * ScriptDesk never falls through to a Python nobody chose. The interpreter reports its own
 * `sys.executable`, which is then resolved to the real file, so launchers, shims (pyenv) and
 * symlinks are never on the run path.
 */
export async function resolvePythonRuntime(settings: RuntimeSettings = {}): Promise<PythonRuntime> {
  const env = settings.env ?? process.env;
  const policy = settings.policy ?? (await policySetting(env));
  const candidate = chooseCandidate(policy, env, settings.resourcesDir);
  let stdout: string;
  try {
    ({ stdout } = await execa(
      candidate.command,
      [
        ...(candidate.args ?? []),
        '-I',
        '-c',
        'import sys, platform, importlib.util as u; print(sys.executable); print(platform.python_version()); print(u.find_spec("pip") is not None)',
      ],
      // The whole environment: a launcher or shim (pyenv) may need its own variables; -I keeps
      // PYTHON* settings from changing what the interpreter reports.
      { timeout: 30_000, env, extendEnv: false, stdin: 'ignore', windowsHide: true },
    ));
  } catch (error) {
    throw new Error(`${candidate.describe(reasonOf(error))}; ${candidate.fix}`, { cause: error });
  }
  // Windows' text-mode stdout ends each line with CRLF.
  const [reported, version, hasPip] = stdout.trim().split(/\r?\n/);
  if (!reported || !version || !path.isAbsolute(reported)) {
    const shown = stdout.trim().slice(0, 120);
    throw new Error(
      `${candidate.describe(`it reported "${shown}" instead of its path and version`)}; ${candidate.fix}`,
    );
  }
  const [major = 0, minor = 0] = version.split('.').map((part) => parseInt(part, 10));
  if (major !== OLDEST[0] || minor < OLDEST[1])
    throw new Error(
      `${candidate.describe(`it is Python ${version}, and ScriptDesk needs ${OLDEST.join('.')} or later`)}; ${candidate.fix}`,
    );
  if (hasPip !== 'True' && settings.requirePip !== false)
    throw new Error(
      `${candidate.describe(`Python ${version} at ${reported} has no pip, which builds the script environments`)}; install pip for it, or ${candidate.fix}`,
    );
  let executable: string;
  try {
    executable = await realpath(reported);
  } catch (error) {
    throw new Error(`${candidate.describe(reasonOf(error))}; ${candidate.fix}`, { cause: error });
  }
  return { executable, version, source: candidate.source };
}

async function policySetting(
  env: NodeJS.ProcessEnv,
): Promise<{ file: string; python?: string | undefined }> {
  const file = policyFile(env);
  return { file, python: (await loadPolicy(file)).python };
}

function chooseCandidate(
  policy: { file: string; python?: string | undefined },
  env: NodeJS.ProcessEnv,
  resourcesDir: string | undefined,
): Candidate {
  if (policy.python) {
    const python = policy.python;
    return {
      command: python,
      source: `the machine policy ${policy.file}`,
      describe: (reason) =>
        `The machine policy ${policy.file} sets python to ${python}, which cannot be used: ${reason}`,
      fix: 'ask IT to correct it',
    };
  }
  const bundled = resourcesDir ? bundledInterpreter(HOST_OS, resourcesDir) : null;
  if (bundled && existsSync(bundled)) {
    return {
      command: bundled,
      source: `the Python ScriptDesk carries (${bundled})`,
      describe: (reason) => `The Python ScriptDesk carries, ${bundled}, cannot be used: ${reason}`,
      fix: 'reinstall ScriptDesk, or ask IT to set python in the machine policy',
    };
  }
  if (env.SCRIPTDESK_PYTHON) {
    const python = env.SCRIPTDESK_PYTHON;
    return {
      command: python,
      source: 'SCRIPTDESK_PYTHON',
      describe: (reason) =>
        `SCRIPTDESK_PYTHON is set to ${python}, which cannot be used: ${reason}`,
      fix: `install Python ${OLDEST.join('.')}+ and set SCRIPTDESK_PYTHON to its absolute path, or unset SCRIPTDESK_PYTHON to use python3 on PATH`,
    };
  }
  const onPath = pythonOnPath(HOST_OS);
  return {
    command: onPath.command,
    args: onPath.args,
    source: onPath.name,
    describe: (reason) => `${onPath.name} cannot be used: ${reason}`,
    fix: `install Python ${OLDEST.join('.')}+ or set SCRIPTDESK_PYTHON to its absolute path`,
  };
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES') return 'not executable';
  if ((error as Partial<ExecaError>).timedOut) return 'it did not answer within 30 s';
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  const last = stderr.split('\n').at(-1);
  return (last || (error as Error).message.split('\n')[0] || 'unknown error').slice(0, 200);
}
