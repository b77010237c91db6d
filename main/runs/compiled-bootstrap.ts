import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { BOOTSTRAP, COMPILE_BOOTSTRAP_ARGS } from './bootstrap.js';

/** A marshalled bootstrap larger than this is not what the compiler writes (it is about 6 KB). */
const MAX_COMPILED_BYTES = 1024 * 1024;

/** How one interpreter is started to compile the bootstrap (for tests: any command that does). */
export interface CompileCommand {
  executable: string;
  env: Record<string, string>;
  cwd: string;
}

/**
 * The bootstrap compiled by each interpreter that runs scripts, kept in this process's memory
 * (see `LOADER` in bootstrap.ts). The first run of an interpreter starts from the source and has
 * it compiled beside it; the runs after it get the code. An interpreter that cannot compile it
 * (it failed, wrote nothing, or too much) keeps starting from the source: slower, never wrong.
 * The code is kept with the identity of the file the interpreter's path leads to: a Python
 * upgraded or swapped under the same path (another marshal format) compiles it again.
 */
export class CompiledBootstraps {
  private readonly compiled = new Map<string, { stamp: string; code: Buffer | null }>();
  private readonly compiling = new Map<string, Promise<void>>();

  /**
   * The marshalled bootstrap for `command.executable` when it is ready; otherwise undefined, and
   * it is compiled in the background. Call it only for an interpreter that was just checked: the
   * compiler runs it as a run would.
   */
  take(command: CompileCommand): Buffer | undefined {
    const { executable } = command;
    const stamp = stampOf(executable);
    if (stamp === undefined) return undefined;
    const known = this.compiled.get(executable);
    if (known?.stamp === stamp) return known.code ?? undefined;
    if (!this.compiling.has(executable))
      this.compiling.set(
        executable,
        compileBootstrap(command).then((code) => {
          this.compiling.delete(executable);
          this.compiled.set(executable, { stamp, code });
        }),
      );
    return undefined;
  }

  /** Resolves once nothing is being compiled (for tests and benchmarks). */
  async settled(): Promise<void> {
    await Promise.all([...this.compiling.values()]);
  }
}

/** The file `executable` leads to (links followed) as it is now: device, inode, size, change time. */
function stampOf(executable: string): string | undefined {
  try {
    const file = statSync(executable, { bigint: true });
    return `${file.dev}:${file.ino}:${file.size}:${file.mtimeNs}:${file.ctimeNs}`;
  } catch {
    return undefined;
  }
}

/** Runs the interpreter's compiler over the bootstrap; null when it does not give usable code. */
function compileBootstrap(command: CompileCommand): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const child = spawn(command.executable, COMPILE_BOOTSTRAP_ARGS, {
      cwd: command.cwd,
      env: command.env,
      shell: false,
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
    });
    const parts: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (part: Buffer) => {
      size += part.length;
      if (size > MAX_COMPILED_BYTES) child.kill('SIGKILL');
      else parts.push(part);
    });
    child.stdin.on('error', () => {});
    child.stdin.end(BOOTSTRAP);
    child.once('error', () => resolve(null));
    child.once('close', (code) =>
      resolve(code === 0 && size > 0 && size <= MAX_COMPILED_BYTES ? Buffer.concat(parts) : null),
    );
  });
}
