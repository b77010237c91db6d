import { randomBytes } from 'node:crypto';
import { lstat, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedScript } from '../catalogue/catalogue-service.js';
import {
  ScriptFolderProblem,
  verifyScriptFolder,
  type VerifiedFiles,
} from '../catalogue/script-folder.js';
import { ApiFailure } from '../contract/errors.js';
import type { PythonRuntime } from '../python/runtime.js';
import type { VenvDifference } from '../python/venv-manifest.js';
import type { VenvManager } from '../python/venvs.js';

/** A run refused because something it would run differs from what the signed catalogue approved. */
export class ScriptTampered extends ApiFailure {
  constructor(
    message: string,
    /** What differs, relative to the data folder, with `/` (journaled with the refusal). */
    readonly file: string,
  ) {
    super('tampered', message);
    this.name = 'ScriptTampered';
  }
}

/** What the journaled refusal adds for a {@link ScriptTampered}: the path that differs. */
export function refusalDetail(refusal: ApiFailure): { path?: string } {
  return refusal instanceof ScriptTampered ? { path: refusal.file } : {};
}

/**
 * A checked run: the entry point's verified bytes (what Python runs) and a check for later. The
 * venv is checked before this exists; the script's folder may still be being checked (`entry`
 * rejects with {@link ScriptTampered} when it differs): the runner starts the interpreter, whose
 * start-up runs no code of the venv's or the script's, and awaits `entry` before the run's start
 * is journaled and its code let through.
 */
export interface VerifiedLaunch {
  entry: Promise<Buffer>;
  /** Checks everything again: a queued run calls it when it is about to start. */
  recheck(): Promise<void>;
}

/** The environment a run was prepared with. */
export interface RunEnvironment {
  runtime: PythonRuntime;
  venvDir: string;
}

const REPAIR = 'Run "scriptdesk sync" or restart ScriptDesk to repair it.';

/**
 * Verify before every run: right before the interpreter is started, the script's folder is checked
 * against the signed catalogue (every listed file, its size and hash, no symbolic links, nothing
 * extra; see `catalogue/script-folder.ts`) and its venv against the manifest recorded when it was
 * built (`python/venv-manifest.ts`). A difference refuses the run with {@link ScriptTampered} and
 * takes the damaged folder or venv out of use, so the next sync (or the next run, for a venv)
 * rebuilds it from the signed catalogue. The entry point's bytes are returned as they were checked:
 * the runner gives Python those bytes, never the file again.
 */
export class RunIntegrity {
  /** Script files found right before, so an unchanged file is not read again (see its type). */
  private readonly known: VerifiedFiles = new Map();

  constructor(
    private readonly options: {
      /** The data folder: paths in refusals are relative to it. */
      home: string;
      venvs: VenvManager;
      logError?: (message: string) => void;
    },
  ) {}

  /**
   * Checks the venv (awaited: a `.pth` file in it would run at the interpreter's start) and starts
   * the check of the script's folder, which the caller awaits through `entry`.
   */
  async verify(script: ResolvedScript, environment: RunEnvironment): Promise<VerifiedLaunch> {
    const entry = this.checkFolder(script);
    // Awaited later, or never when the venv is refused: no unhandled rejection either way.
    entry.catch(() => {});
    await this.checkVenv(script, environment);
    return {
      entry,
      recheck: async () => {
        await Promise.all([this.checkFolder(script), this.checkVenv(script, environment)]);
      },
    };
  }

  private async checkFolder(script: ResolvedScript): Promise<Buffer> {
    try {
      return await verifyScriptFolder(
        path.dirname(script.scriptDir),
        path.basename(script.scriptDir),
        script.published,
        this.known,
      );
    } catch (error) {
      if (!(error instanceof ScriptFolderProblem)) throw error;
      await this.setAside(() => setFolderAside(script.scriptDir, error.file));
      throw this.refusal(script, folderProblem(error), error.file);
    }
  }

  private async checkVenv(script: ResolvedScript, environment: RunEnvironment): Promise<void> {
    const difference = await this.options.venvs.compare(environment.venvDir, environment.runtime);
    if (!difference) return;
    const { venvDir } = environment;
    await this.setAside(() => this.options.venvs.setAside(venvDir));
    throw this.refusal(
      script,
      venvProblem(difference),
      path.join(venvDir, ...difference.path.split('/').filter(Boolean)),
    );
  }

  private refusal(script: ResolvedScript, problem: string, absolute: string): ScriptTampered {
    const relative = path.relative(this.options.home, absolute).split(path.sep).join('/');
    return new ScriptTampered(
      `"${script.manifest.title}" was not run: ${problem}. ${REPAIR}`,
      relative,
    );
  }

  /** Best effort: the refusal stands either way; a failure to tidy up is only logged. */
  private async setAside(task: () => Promise<void>): Promise<void> {
    await task().catch((error: unknown) =>
      this.options.logError?.(
        `[scriptdesk] a changed script folder or venv could not be set aside: ${(error as Error).message}`,
      ),
    );
  }
}

/**
 * Takes a script folder that differs out of use (renamed aside, then removed) so the next sync
 * materialises it again; when the problem is the scripts folder itself (a link, a file), that goes.
 */
async function setFolderAside(scriptDir: string, problem: string): Promise<void> {
  const scriptsDir = path.dirname(scriptDir);
  const damaged = problem === scriptsDir ? scriptsDir : scriptDir;
  const stats = await lstat(damaged).catch(() => null);
  if (!stats) return;
  if (!stats.isDirectory()) return rm(damaged, { force: true });
  const aside = `${damaged}.tampered-${randomBytes(4).toString('hex')}`;
  await rename(damaged, aside);
  await rm(aside, { recursive: true, force: true });
}

function folderProblem(problem: ScriptFolderProblem): string {
  const file = problem.relative;
  if (!file)
    return {
      missing: 'its folder is missing on this computer',
      link: 'its folder on this computer is a symbolic link, not the folder synced from the approved catalogue',
      not_file: 'its folder on this computer is not a folder',
      unreadable: 'its folder on this computer cannot be read',
      changed: 'its folder on this computer differs from the approved catalogue',
      extra: 'its folder on this computer differs from the approved catalogue',
    }[problem.kind];
  return {
    missing: `its file ${file} is missing on this computer`,
    link: `its file ${file} on this computer is a symbolic link, not the approved file`,
    not_file: `its file ${file} on this computer is not a regular file`,
    unreadable: `its file ${file} on this computer cannot be read`,
    changed: `its file ${file} on this computer differs from the approved catalogue (changed after sync)`,
    extra: `its folder on this computer holds ${file}, which is not in the approved catalogue`,
  }[problem.kind];
}

function venvProblem(difference: VenvDifference): string {
  const what = 'its Python environment on this computer differs from the one built for it';
  const file = difference.path;
  switch (difference.change) {
    case 'changed':
      return `${what}: ${file} was changed`;
    case 'added':
      return `${what}: ${file} was added`;
    case 'removed':
      return file ? `${what}: ${file} was removed` : `${what}: it was removed`;
    case 'link':
      return `${what}: ${file || 'its folder'} is now a symbolic link`;
    case 'kind':
      return `${what}: ${file || 'its folder'} is no longer what was built there`;
    case 'interpreter':
      return `${what}: it was built with another Python than this computer's`;
    case 'no_manifest':
      return 'its Python environment on this computer has no record of how it was built';
  }
}
