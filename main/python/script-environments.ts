import type { EnvironmentState } from '../contract/api.js';
import type { PythonRuntime } from './runtime.js';
import type { ScriptVenvSpec, VenvManager, VenvSpec, VenvWheel } from './venvs.js';

/** What one script's Python environment is built from, as the installed catalogue says. */
export interface ScriptEnvironmentInputs {
  scriptId: string;
  /** The script's `python` specifier from script.json. */
  python: string;
  lockText: string;
  wheels: VenvWheel[];
}

export interface ScriptEnvironmentsDeps {
  venvs: VenvManager;
  runtime: () => Promise<PythonRuntime>;
  /** The scripts of the installed catalogue the user may run (none when nothing is installed). */
  scripts: () => Promise<ScriptEnvironmentInputs[]>;
  logError: (message: string) => void;
  /** How long an unreferenced venv is kept after its last use (default 1 hour). */
  garbageGraceMs?: number;
}

/**
 * The environments of the installed catalogue's scripts: their states for the list, and building
 * them all in the background after a sync (then removing venvs nothing needs any more).
 */
export class ScriptEnvironments {
  private readonly running = new Set<Promise<void>>();
  private generation = 0;
  private closed = false;

  constructor(private readonly deps: ScriptEnvironmentsDeps) {}

  /** The spec of one script's venv with the runtime (for the runner and `catalogue.get`). */
  static specOf(
    inputs: Omit<ScriptEnvironmentInputs, 'scriptId'>,
    runtime: PythonRuntime,
  ): VenvSpec {
    return {
      runtime,
      lockText: inputs.lockText,
      wheels: inputs.wheels,
      requiresPython: inputs.python,
    };
  }

  /** Every listed script's environment state, building nothing; all failed when there is no usable Python. */
  async states(): Promise<Map<string, EnvironmentState>> {
    const scripts = await this.deps.scripts();
    if (scripts.length === 0) return new Map(); // nothing to ask Python about
    const runtime = await this.runtimeOrProblem();
    return new Map(
      await Promise.all(
        scripts.map(
          async (s) =>
            [
              s.scriptId,
              typeof runtime === 'string'
                ? { state: 'failed' as const, message: runtime }
                : await this.deps.venvs.stateOf(ScriptEnvironments.specOf(s, runtime)),
            ] as const,
        ),
      ),
    );
  }

  /** One script's environment state, building nothing. */
  async stateOf(inputs: Omit<ScriptEnvironmentInputs, 'scriptId'>): Promise<EnvironmentState> {
    const runtime = await this.runtimeOrProblem();
    return typeof runtime === 'string'
      ? { state: 'failed', message: runtime }
      : this.deps.venvs.stateOf(ScriptEnvironments.specOf(inputs, runtime));
  }

  /**
   * Starts building every environment the installed catalogue needs, in the background, then
   * collects unused venvs. A newer call supersedes an older one: the older one's queued builds
   * are skipped and only the latest collects garbage. Errors are logged, never thrown.
   */
  prepare(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const generation = ++this.generation;
    const task = this.prepareNow(generation).catch((error: unknown) =>
      this.deps.logError(
        `[scriptdesk] preparing Python environments failed: ${(error as Error).stack ?? String(error)}`,
      ),
    );
    this.running.add(task);
    void task.finally(() => this.running.delete(task));
    return task;
  }

  /** Abandons running builds (their staging folders are removed) and waits for background work to end. */
  async close(): Promise<void> {
    this.closed = true;
    await this.deps.venvs.close();
    await Promise.allSettled([...this.running]);
  }

  private async prepareNow(generation: number): Promise<void> {
    const scripts = await this.deps.scripts();
    const runtime = await this.runtimeOrProblem();
    if (typeof runtime === 'string') {
      this.deps.logError(`[scriptdesk] no Python for script environments: ${runtime}`);
      return;
    }
    const specs: ScriptVenvSpec[] = scripts.map((s) => ({
      scriptId: s.scriptId,
      ...ScriptEnvironments.specOf(s, runtime),
    }));
    await this.deps.venvs.prepareAll(specs);
    if (this.closed || generation !== this.generation) return;
    await this.deps.venvs.collectGarbage(
      new Set(specs.map((s) => this.deps.venvs.keyOf(s))),
      this.deps.garbageGraceMs,
    );
  }

  private async runtimeOrProblem(): Promise<PythonRuntime | string> {
    try {
      return await this.deps.runtime();
    } catch (error) {
      return (error as Error).message;
    }
  }
}
