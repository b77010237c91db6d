import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Ajv } from 'ajv';
import { validateAgainst } from '../../forms/authority-validator.js';
import { redactSensitive } from '../../forms/redaction.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { AUDIT_TYPES, type AuditJournal } from '../audit/journal.js';
import { CatalogueService, type ResolvedScript } from '../catalogue/catalogue-service.js';
import { sha256Hex } from '../catalogue/hashing.js';
import type { ApiEvent, RunStatus } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import type { Identity } from '../identity/identity.js';
import type { PythonRuntime } from '../python/runtime.js';
import { VenvManager } from '../python/venvs.js';
import { startScriptProcess, type ScriptProcess } from './child-process.js';
import { checkFileInputs } from './file-inputs.js';
import { listOutputs } from './outputs.js';
import type { RunStore, StoredRun } from './run-store.js';
import { APP_VERSION } from '../app/version.js';

/** What the UI or the CLI asks for. */
export interface RunRequest {
  scriptId: string;
  inputs: Record<string, unknown>;
  dryRun?: boolean | undefined;
  reason?: string | undefined;
}

export interface RunnerDeps {
  catalogue: CatalogueService;
  journal: AuditJournal;
  runs: RunStore;
  venvs: VenvManager;
  runtime: () => Promise<PythonRuntime>;
  ajv: Ajv;
  identity: Identity;
  runsDir: string;
  emit: (event: ApiEvent) => void;
  now?: () => Date;
}

interface ActiveRun {
  process: ScriptProcess;
  endedBy: RunStatus | null;
  finished: Promise<StoredRun>;
}

/** The progress protocol: a stdout line `::progress <0-100> <label>`. */
const PROGRESS_LINE = /^::progress\s+(\d{1,3}(?:\.\d+)?)\s*(.*)$/;

/**
 * Runs approved scripts: re-validates inputs against the verified schema, prepares the venv,
 * journals the started event durably, and only then spawns the venv's interpreter with `-I` and
 * no shell; captures output; records the outcome in the journal and the run history.
 */
export class Runner {
  private readonly active = new Map<string, ActiveRun>();
  /** The latest `::progress` of each active run. */
  private readonly progress = new Map<string, { percent: number; label: string }>();
  private readonly now: () => Date;

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Checks the form inputs against the verified schema and the file system; nothing runs. */
  async validateInputs(
    scriptId: string,
    inputs: Record<string, unknown>,
  ): Promise<{ script: ResolvedScript; inputs: Record<string, unknown> }> {
    const script = await this.deps.catalogue.resolve(scriptId, this.deps.identity.user);
    const errors = validateAgainst(this.deps.ajv, script.schema, inputs);
    if (errors.length)
      throw new ApiFailure(
        'invalid_inputs',
        `The inputs for "${script.manifest.title}" are not valid.`,
        errors,
      );
    const files = await checkFileInputs(script.schema, inputs);
    if (files.errors.length)
      throw new ApiFailure(
        'invalid_inputs',
        `A file input of "${script.manifest.title}" cannot be used.`,
        files.errors,
      );
    return { script, inputs: files.inputs };
  }

  /**
   * Checks a whole run request: the inputs, then what the manifest asks of the request itself
   * (dry-run support, a reason). Request problems are `bad_request` without field paths, so they
   * can never be mistaken for an input of the same name.
   */
  private async validateRequest(
    request: RunRequest,
  ): Promise<{ script: ResolvedScript; inputs: Record<string, unknown> }> {
    await this.deps.catalogue.assertRunnable();
    const checked = await this.validateInputs(request.scriptId, request.inputs);
    const { manifest } = checked.script;
    if (request.dryRun && !manifest.supportsDryRun)
      throw new ApiFailure('bad_request', `"${manifest.title}" does not support a dry run.`);
    if (manifest.requireReason && !request.reason?.trim()) {
      throw new ApiFailure(
        'bad_request',
        `"${manifest.title}" needs a reason or ticket number before it can run.`,
      );
    }
    return checked;
  }

  /** Starts a run and returns its id once the process is running; the outcome arrives as events. */
  async start(request: RunRequest): Promise<{ runId: string; finished: Promise<StoredRun> }> {
    const { script, inputs } = await this.validateRequest(request);
    let runtime: PythonRuntime;
    let venvDir: string;
    try {
      runtime = await this.deps.runtime();
      venvDir = await this.deps.venvs.ensure({
        runtime,
        lockText: script.lockText,
        wheels: script.wheels,
      });
    } catch (error) {
      throw new ApiFailure(
        'environment_failed',
        `The Python environment for "${script.manifest.title}" could not be prepared: ${(error as Error).message}`,
      );
    }
    const runId = randomUUID();
    const runDir = path.join(this.deps.runsDir, runId);
    const outputDir = path.join(runDir, 'outputs');
    await mkdir(outputDir, { recursive: true });
    const inputsFile = path.join(runDir, 'inputs.json');
    const handle = await open(inputsFile, 'wx', 0o600);
    await handle.writeFile(JSON.stringify(inputs));
    await handle.close();

    const dryRun = request.dryRun === true;
    const startedAt = this.now().toISOString();
    const subject = `${script.manifest.id}@${script.manifest.version}`;
    const record = {
      runId,
      scriptId: script.manifest.id,
      scriptVersion: script.manifest.version,
      catalogueVersion: script.catalogueVersion,
      user: this.deps.identity.user,
      host: this.deps.identity.host,
      appVersion: APP_VERSION,
      pythonVersion: runtime.version,
      scriptSha256: sha256Hex(JSON.stringify(script.published.files)),
      schemaSha256: script.published.schemaSha256,
      lockSha256: script.published.lockSha256,
      inputs: redactSensitive(script.schema, inputs),
      inputsSha256: sha256Hex(canonicalJson(inputs)),
      dryRun,
      reason: request.reason ?? null,
      startedAt,
    };
    try {
      this.deps.journal.append(AUDIT_TYPES.runStarted, subject, record);
    } catch (error) {
      await rm(runDir, { recursive: true, force: true });
      throw new ApiFailure(
        'journal_unavailable',
        `The run was not started because the audit journal cannot be written (${(error as Error).message}). Free disk space or contact support.`,
      );
    }

    const stored: StoredRun = {
      runId,
      scriptId: script.manifest.id,
      scriptVersion: script.manifest.version,
      title: script.manifest.title,
      status: 'running',
      dryRun,
      startedAt,
      finishedAt: null,
      exitCode: null,
      message: 'Running',
      outputs: [],
      runDir,
    };
    this.deps.runs.insert(stored);
    const child = startScriptProcess({
      executable: VenvManager.interpreter(venvDir),
      args: ['-I', '-u', '-X', 'utf8', CatalogueService.entrypoint(script)],
      cwd: runDir,
      env: this.environment(runDir, inputsFile, outputDir, dryRun, runId),
    });
    const log = createWriteStream(path.join(runDir, 'log.txt'), { flags: 'a', mode: 0o600 });
    child.onLine((stream, line) => {
      const progress = stream === 'stdout' ? PROGRESS_LINE.exec(line) : null;
      if (progress) {
        const percent = Math.min(100, Number(progress[1]));
        this.progress.set(runId, { percent, label: progress[2] ?? '' });
        this.deps.emit({
          name: 'run.progress',
          payload: { runId, percent, label: progress[2] ?? '' },
        });
        return;
      }
      log.write(stream === 'stderr' ? `! ${line}\n` : `${line}\n`);
      this.deps.emit({ name: 'run.log', payload: { runId, stream, line } });
    });
    const timer = setTimeout(
      () => this.stop(runId, 'timeout'),
      script.manifest.timeoutSeconds * 1000,
    );
    const active: ActiveRun = { process: child, endedBy: null, finished: Promise.resolve(stored) };
    active.finished = child.exited
      .catch(() => ({ code: null, signal: null }))
      .then(async (exit) => {
        clearTimeout(timer);
        await new Promise<void>((resolve) => log.end(resolve));
        return this.finish(stored, script, exit.code, active.endedBy, outputDir, subject);
      })
      .finally(() => {
        this.active.delete(runId);
        this.progress.delete(runId);
      });
    this.active.set(runId, active);
    this.deps.emit({ name: 'run.status', payload: stripRun(stored) });
    return { runId, finished: active.finished };
  }

  /** The latest progress of an active run, if it reported any. */
  progressOf(runId: string): { percent: number; label: string } | null {
    return this.progress.get(runId) ?? null;
  }

  /** Asks a running script to stop (cancel); false when it is not running. */
  cancel(runId: string): boolean {
    return this.stop(runId, 'cancelled');
  }

  /** Waits for every active run to end (used at shutdown after cancelling them). */
  async shutdown(): Promise<void> {
    for (const runId of this.active.keys()) this.stop(runId, 'cancelled');
    await Promise.allSettled([...this.active.values()].map((a) => a.finished));
  }

  private stop(runId: string, reason: RunStatus): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    active.endedBy ??= reason;
    active.process.killTree();
    return true;
  }

  private environment(
    runDir: string,
    inputsFile: string,
    outputDir: string,
    dryRun: boolean,
    runId: string,
  ): Record<string, string> {
    const inherited = ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'SYSTEMROOT', 'WINDIR'];
    const env: Record<string, string> = {};
    for (const name of inherited) {
      const value = process.env[name];
      if (value) env[name] = value;
    }
    return {
      ...env,
      PATH:
        process.platform === 'win32' ? (process.env.PATH ?? '') : '/usr/local/bin:/usr/bin:/bin',
      TMPDIR: runDir,
      SCRIPTDESK_RUN_ID: runId,
      SCRIPTDESK_INPUTS: inputsFile,
      SCRIPTDESK_OUTPUT_DIR: outputDir,
      SCRIPTDESK_DRY_RUN: dryRun ? '1' : '0',
    };
  }

  private async finish(
    stored: StoredRun,
    script: ResolvedScript,
    exitCode: number | null,
    endedBy: RunStatus | null,
    outputDir: string,
    subject: string,
  ): Promise<StoredRun> {
    const outputs = await listOutputs(outputDir);
    const { status, message } = endedBy
      ? endedMessage(endedBy, script)
      : statusFromExitCode(exitCode, script);
    const finishedAt = this.now().toISOString();
    const done: StoredRun = { ...stored, status, message, exitCode, finishedAt, outputs };
    this.deps.journal.append(AUDIT_TYPES.runFinished, subject, {
      runId: stored.runId,
      scriptId: stored.scriptId,
      scriptVersion: stored.scriptVersion,
      catalogueVersion: script.catalogueVersion,
      user: this.deps.identity.user,
      host: this.deps.identity.host,
      status,
      exitCode,
      startedAt: stored.startedAt,
      finishedAt,
      outputs,
    });
    this.deps.runs.update(stored.runId, { status, message, exitCode, finishedAt, outputs });
    this.deps.emit({ name: 'run.status', payload: stripRun(done) });
    return done;
  }
}

function endedMessage(
  endedBy: RunStatus,
  script: ResolvedScript,
): { status: RunStatus; message: string } {
  if (endedBy === 'timeout')
    return {
      status: 'timeout',
      message: `Stopped after the time limit of ${script.manifest.timeoutSeconds} s.`,
    };
  return { status: endedBy, message: 'Cancelled by the user.' };
}

/** Turns an exit code into a status and a sentence, using the manifest's exit-code table. */
export function statusFromExitCode(
  code: number | null,
  script: Pick<ResolvedScript, 'manifest'>,
): { status: RunStatus; message: string } {
  if (code === null) return { status: 'failed', message: 'The script was ended by a signal.' };
  const rule = script.manifest.exitCodes[String(code)];
  if (rule?.status === 'success' || (!rule && code === 0))
    return { status: 'succeeded', message: rule?.message ?? 'Finished successfully.' };
  return {
    status: 'failed',
    message: rule?.message ?? `The script failed with exit code ${code}; see the log.`,
  };
}

/** The summary part of a stored run (what events carry). */
export function stripRun(run: StoredRun) {
  const { outputs: _outputs, runDir: _runDir, ...summary } = run;
  return summary;
}
