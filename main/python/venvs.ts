import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../shared/hashing.js';
import type { EnvironmentState } from '../contract/api.js';
import type { PythonRuntime } from './runtime.js';
import { Semaphore } from './semaphore.js';
import { buildVenv, VenvBuildError, venvInterpreter, type VenvWheel } from './venv-build.js';
import { collectVenvGarbage, LAST_USED, type GarbageReport } from './venv-garbage.js';
import { recordVenvManifest, type VenvDifference } from './venv-manifest.js';
import { VenvManifests } from './venv-manifests.js';
import { pythonMismatch } from './version-specifier.js';

/** What a venv is built from: the runtime, the exact lock text and the wheels it pins. */
export interface VenvSpec {
  runtime: PythonRuntime;
  lockText: string;
  /** The wheel files: their real file names, where their verified bytes are, and their cap. */
  wheels: VenvWheel[];
  /**
   * The script's `python` specifier from script.json (">=3.9"; "" means any). Checked against the
   * runtime before anything is built; not part of the venv's identity. Absent: not checked.
   */
  requiresPython?: string | undefined;
}

/** One script's venv, for {@link VenvManager.prepareAll}. */
export interface ScriptVenvSpec extends VenvSpec {
  scriptId: string;
}

/** A venv in use: it is not collected as garbage until `release()` is called. */
export interface VenvLease {
  dir: string;
  release(): void;
}

export interface VenvManagerOptions {
  /** Told when a script's environment changes state (the app emits `environment.status`). */
  onStatus?: (scriptId: string, environment: EnvironmentState) => void;
  /** Most builds {@link VenvManager.prepareAll} runs at once (default 2). */
  maxBackgroundBuilds?: number;
  /** Where each venv's manifest is kept (default: `venv-manifests` beside `venvsDir`). */
  manifestsDir?: string;
}

export { VenvBuildError, type VenvWheel };

interface Build {
  promise: Promise<string>;
  abort: AbortController;
}

/** How often a held lease re-marks its venv as used, so another process's GC never takes it. */
const LEASE_REFRESH_MS = 10 * 60_000;
const READY: EnvironmentState = { state: 'ready', message: null };
const BUILDING: EnvironmentState = { state: 'building', message: null };
const PENDING: EnvironmentState = { state: 'pending', message: null };
const failed = (message: string): EnvironmentState => ({ state: 'failed', message });

/**
 * Builds and caches one venv per distinct (runtime, lock): content-addressed folders under
 * `venvsDir`, shared by every script with the same lock. Builds happen in a staging folder that
 * is renamed into place only when complete, so a half-built venv is never used. Keeps each key's
 * state (building, failed with pip's reason) for this process, builds a catalogue's venvs in the
 * background, and removes venvs nothing needs any more.
 */
export class VenvManager {
  private readonly building = new Map<string, Build>();
  /** Keys whose last build in this process failed, with the reason. */
  private readonly failures = new Map<string, string>();
  private readonly leases = new Map<string, number>();
  /** Staging folders of builds running in this process (never garbage, however old). */
  private readonly staging = new Set<string>();
  /** The scripts of the catalogue last given to prepareAll, by venv key; and their own problem. */
  private scriptsByKey = new Map<string, Set<string>>();
  private scriptProblems = new Map<string, string>();
  private wanted = new Set<string>();
  /** The state each script was last reported in. */
  private readonly reported = new Map<string, string>();
  private readonly slots: Semaphore;
  private readonly manifests: VenvManifests;
  private closed = false;

  constructor(
    private readonly venvsDir: string,
    private readonly options: VenvManagerOptions = {},
  ) {
    this.slots = new Semaphore(options.maxBackgroundBuilds ?? 2);
    this.manifests = new VenvManifests(
      options.manifestsDir ?? path.join(path.dirname(venvsDir), 'venv-manifests'),
    );
  }

  /** The venv folder name for `spec`: a hash of the runtime executable, its version and the lock. */
  keyOf(spec: VenvSpec): string {
    return sha256Hex(
      `${spec.runtime.executable}\u0000${spec.runtime.version}\u0000${spec.lockText}`,
    ).slice(0, 32);
  }

  /** The interpreter of a venv folder. */
  static interpreter(venvDir: string): string {
    return venvInterpreter(venvDir);
  }

  /**
   * The state of `spec`'s environment, building nothing: failed when the runtime does not
   * satisfy its `requiresPython`; ready when the venv exists; building while a build runs;
   * failed with the reason when the last build of it in this process failed; else pending.
   */
  async stateOf(spec: VenvSpec): Promise<EnvironmentState> {
    const mismatch = this.mismatchOf(spec);
    if (mismatch) return failed(mismatch);
    const key = this.keyOf(spec);
    if (await this.isBuilt(key)) return READY;
    if (this.building.has(key)) return BUILDING;
    const failure = this.failures.get(key);
    return failure ? failed(failure) : PENDING;
  }

  /**
   * Returns the ready venv folder for `spec`, building it first if needed (one build at a time
   * per key; a key that failed before is tried again). Throws {@link VenvBuildError}.
   */
  async ensure(spec: VenvSpec): Promise<string> {
    if (this.closed) throw new VenvBuildError('ScriptDesk is closing');
    const mismatch = this.mismatchOf(spec);
    if (mismatch) throw new VenvBuildError(mismatch);
    const key = this.keyOf(spec);
    const target = this.dirOf(key);
    if (await this.isBuilt(key)) {
      await markUsed(target).catch(() => {}); // best effort: a read-only venv still runs
      return target;
    }
    return this.buildOnce(key, spec);
  }

  /**
   * {@link ensure}, then holds the venv until `release()`: it is never collected as garbage while
   * held, and its `.last-used` marker is refreshed so no other ScriptDesk process collects it.
   */
  async lease(spec: VenvSpec): Promise<VenvLease> {
    const key = this.keyOf(spec);
    // Counted before the build, so a collection running meanwhile cannot take it.
    this.leases.set(key, (this.leases.get(key) ?? 0) + 1);
    let dir: string;
    try {
      dir = await this.ensure(spec);
    } catch (error) {
      this.unlease(key);
      throw error;
    }
    const refresh = setInterval(() => void markUsed(dir).catch(() => {}), LEASE_REFRESH_MS);
    refresh.unref();
    let released = false;
    return {
      dir,
      release: () => {
        if (released) return;
        released = true;
        clearInterval(refresh);
        this.unlease(key);
      },
    };
  }

  /**
   * Builds, in the background, every distinct venv of `specs` (a whole catalogue), at most
   * `maxBackgroundBuilds` at once, reporting each script whose state changes. Resolves when all
   * are settled; a failure only marks its own key failed. Queued keys a later call no longer
   * needs are skipped.
   */
  async prepareAll(specs: readonly ScriptVenvSpec[]): Promise<void> {
    const byKey = new Map<string, ScriptVenvSpec>();
    this.scriptsByKey = new Map();
    this.scriptProblems = new Map();
    for (const spec of specs) {
      const key = this.keyOf(spec);
      const scripts = this.scriptsByKey.get(key) ?? new Set<string>();
      this.scriptsByKey.set(key, scripts.add(spec.scriptId));
      const mismatch = this.mismatchOf(spec);
      if (mismatch) this.scriptProblems.set(spec.scriptId, mismatch);
      else if (!byKey.has(key)) byKey.set(key, spec);
    }
    this.wanted = new Set(byKey.keys());
    const current = new Set(specs.map((s) => s.scriptId));
    for (const scriptId of this.reported.keys())
      if (!current.has(scriptId)) this.reported.delete(scriptId);
    for (const spec of specs) this.report(spec.scriptId, await this.stateOf(spec));
    await Promise.all(
      [...byKey].map(async ([key, spec]) => {
        const release = await this.slots.acquire();
        try {
          if (this.closed || !this.wanted.has(key)) return;
          if (await this.isIntact(key, spec)) return;
          await this.buildOnce(key, spec).catch(() => {}); // recorded as the key's failure
        } finally {
          release();
        }
      }),
    );
  }

  /**
   * Removes venv folders not in `keep`, not leased or building in this process, and not used for
   * `graceMs` (default 1 hour: protects runs of another ScriptDesk process, such as the CLI), and
   * staging folders older than that (left by a crash). Keep the grace period well above the
   * 10 minutes in which a held lease re-marks its venv.
   */
  async collectGarbage(keep: ReadonlySet<string>, graceMs = 60 * 60_000): Promise<GarbageReport> {
    const report = await collectVenvGarbage(this.venvsDir, {
      graceMs,
      inUse: (key) => keep.has(key) || (this.leases.get(key) ?? 0) > 0 || this.building.has(key),
      isOwnStaging: (dir) => this.staging.has(dir),
    });
    const present = new Set(await readdir(this.venvsDir).catch(() => []));
    await this.manifests.removeWhere((key) => !present.has(key) && !this.building.has(key));
    return report;
  }

  /**
   * How the venv at `dir` differs from what was built there (see `venv-manifest.ts`): null when it
   * is exactly as built for `runtime`. Cheap: one lstat per file, a hash only where one moved.
   */
  compare(dir: string, runtime: PythonRuntime): Promise<VenvDifference | null> {
    return this.manifests.compare(dir, runtime.executable);
  }

  /**
   * Takes a venv that differs from its manifest out of use at once (renamed aside, then removed,
   * its manifest with it): the next lease or background build builds it again from the signed lock.
   */
  async setAside(dir: string): Promise<void> {
    const key = path.basename(dir);
    const trash = `${dir}.trash-${randomBytes(4).toString('hex')}`;
    await this.manifests.remove(key);
    try {
      await rename(dir, trash);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return;
    }
    await rm(trash, { recursive: true, force: true });
  }

  /** Stops every build (removing its staging folder) and refuses new ones; waits for them to end. */
  async close(): Promise<void> {
    this.closed = true;
    const builds = [...this.building.values()];
    for (const build of builds) build.abort.abort();
    await Promise.allSettled(builds.map((b) => b.promise));
  }

  private dirOf(key: string): string {
    return path.join(this.venvsDir, key);
  }

  /** Built completely (by a version that keeps manifests): its interpreter and manifest exist. */
  private async isBuilt(key: string): Promise<boolean> {
    return (
      (await isFile(VenvManager.interpreter(this.dirOf(key)))) && (await this.manifests.has(key))
    );
  }

  /** Built and still as built; a venv that differs is set aside so it is built again. */
  private async isIntact(key: string, spec: VenvSpec): Promise<boolean> {
    if (!(await this.isBuilt(key))) return false;
    if ((await this.compare(this.dirOf(key), spec.runtime)) === null) return true;
    await this.setAside(this.dirOf(key));
    return false;
  }

  private mismatchOf(spec: VenvSpec): string | null {
    return spec.requiresPython === undefined
      ? null
      : pythonMismatch(spec.requiresPython, spec.runtime.version);
  }

  private unlease(key: string): void {
    const count = (this.leases.get(key) ?? 1) - 1;
    if (count > 0) this.leases.set(key, count);
    else this.leases.delete(key);
  }

  private buildOnce(key: string, spec: VenvSpec): Promise<string> {
    const existing = this.building.get(key);
    if (existing) return existing.promise;
    const abort = new AbortController();
    const promise = this.build(spec, this.dirOf(key), abort.signal).then(
      (dir) => {
        this.building.delete(key);
        this.failures.delete(key);
        this.announce(key, READY);
        return dir;
      },
      (error: unknown) => {
        this.building.delete(key);
        if (abort.signal.aborted) throw error; // closing: not the lock's fault, nothing to report
        const reason = (error as Error).message;
        this.failures.set(key, reason);
        this.announce(key, failed(reason));
        throw error;
      },
    );
    this.building.set(key, { promise, abort });
    this.announce(key, BUILDING);
    return promise;
  }

  private async build(spec: VenvSpec, target: string, signal: AbortSignal): Promise<string> {
    await mkdir(this.venvsDir, { recursive: true });
    const staging = `${target}.staging-${randomBytes(4).toString('hex')}`;
    this.staging.add(staging);
    try {
      await buildVenv(spec, staging, signal);
      await writeFile(path.join(staging, LAST_USED), '');
      const manifest = await recordVenvManifest(staging, spec.runtime.executable);
      const key = path.basename(target);
      try {
        await rename(staging, target);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
        // Another process finished the same venv first: theirs is as good as ours.
        if (await this.isBuilt(key)) {
          await rm(staging, { recursive: true, force: true });
          return target;
        }
        // A venv without a manifest (built before manifests, or set aside half-way): replace it.
        await this.setAside(target);
        await rename(staging, target);
      }
      await this.manifests.save(key, manifest);
      return target;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    } finally {
      this.staging.delete(staging);
    }
  }

  /** Tells the owner about each script of `key` whose state this changes. */
  private announce(key: string, state: EnvironmentState): void {
    for (const scriptId of this.scriptsByKey.get(key) ?? []) {
      const problem = this.scriptProblems.get(scriptId);
      this.report(scriptId, problem ? failed(problem) : state);
    }
  }

  /** Reports a script's state when it differs from what was last reported (the first is silent: the list shows it). */
  private report(scriptId: string, state: EnvironmentState): void {
    const text = `${state.state}\u0000${state.message ?? ''}`;
    const before = this.reported.get(scriptId);
    this.reported.set(scriptId, text);
    if (before !== undefined && before !== text) this.options.onStatus?.(scriptId, state);
  }
}

/** Marks a venv as just used, for garbage collection in this and other processes. */
async function markUsed(dir: string): Promise<void> {
  const marker = path.join(dir, LAST_USED);
  const now = new Date();
  try {
    await utimes(marker, now, now);
  } catch {
    await writeFile(marker, '');
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
