import { randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Ajv } from 'ajv';
import { validateAgainst } from '../../forms/authority-validator.js';
import { redactSensitive } from '../../forms/redaction.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { AUDIT_TYPES, JournalUnavailable, type AuditJournal } from '../audit/journal.js';
import { CatalogueService, type ResolvedScript } from '../catalogue/catalogue-service.js';
import { sha256Hex } from '../shared/hashing.js';
import type { ApiEvent, RunStatus } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import type { Identity } from '../identity/identity.js';
import type { PythonRuntime } from '../python/runtime.js';
import { ScriptEnvironments } from '../python/script-environments.js';
import { VenvManager } from '../python/venvs.js';
import { KeychainUnavailable, type SecretStore } from '../secrets/secret-store.js';
import { buildArgs } from './argv-template.js';
import { interpreterArgs } from './bootstrap.js';
import {
  startScriptProcess,
  type OutputChunk,
  type OutputStream,
  type ScriptProcess,
} from './child-process.js';
import { checkFileInputs } from './file-inputs.js';
import { listOutputs } from './outputs.js';
import {
  isStillRunning,
  processIdentity,
  SELF,
  signalProcessGroup,
} from '../shared/process-identity.js';
import { RunLog } from './run-log.js';
import type { RunStore, StoredRun } from './run-store.js';
import { secretScrubber } from './scrubber.js';
import {
  refusalDetail,
  ScriptTampered,
  type RunIntegrity,
  type VerifiedLaunch,
} from './script-integrity.js';
import { APP_VERSION } from '../shared/version.js';

/** What the UI or the CLI asks for. */
export interface RunRequest {
  scriptId: string;
  inputs: Record<string, unknown>;
  dryRun?: boolean | undefined;
  reason?: string | undefined;
  /** The user confirmed a real run of a destructive script. */
  confirmed?: boolean | undefined;
}

export interface RunnerDeps {
  catalogue: CatalogueService;
  journal: AuditJournal;
  runs: RunStore;
  venvs: VenvManager;
  runtime: () => Promise<PythonRuntime>;
  secrets: SecretStore;
  ajv: Ajv;
  identity: Identity;
  runsDir: string;
  emit: (event: ApiEvent) => void;
  /** How many scripts may run at once; later runs wait in a queue (machine policy). */
  maxConcurrentRuns: number;
  /** Most bytes a run may write to stdout and stderr together (machine policy). */
  maxOutputBytes: number;
  now?: () => Date;
  /** Resolves when the journal can sign events (the device key loaded); throws why not. */
  journalReady?: () => Promise<void>;
  /** The journal's database file, named in messages about it. */
  journalFile?: string;
  /** Where problems that must not fail a call go (a journal write failing after a run ended). */
  logError?: (message: string) => void;
  /** Verify before every run: the script's files and venv against the signed catalogue. */
  integrity: RunIntegrity;
}

/** Why a run was ended from outside rather than by its script. */
type Ending = 'timeout' | 'cancelled' | 'output_limit' | 'shutdown';

/** Everything a run needs to start, prepared before it is queued or started. */
interface PreparedRun {
  stored: StoredRun;
  script: ResolvedScript;
  subject: string;
  /** The `run.started` audit record (inputs redacted). */
  record: Record<string, unknown>;
  executable: string;
  args: string[];
  env: Record<string, string>;
  secrets: ReadonlyMap<string, string>;
  releaseVenv: () => void;
  done: (run: StoredRun) => void;
  /** The entry point's checked bytes (what Python runs) and the check a queued run repeats. */
  verified: VerifiedLaunch;
}

interface ActiveRun {
  process: ScriptProcess;
  endedBy: Ending | null;
  log: RunLog;
  progress: { percent: number; label: string } | null;
  finished: Promise<StoredRun>;
}

/** The progress protocol: a stdout line `::progress <0-100> <label>`. */
const PROGRESS_LINE = /^::progress\s+(\d{1,3}(?:\.\d+)?)\s*(.*)$/;

/**
 * Runs approved scripts: re-validates inputs against the verified schema, reads the declared
 * secrets, prepares the venv, then starts the venv's interpreter with `-I` and no shell, held at
 * the bootstrap's gate while the started event is journaled durably; only then does the script's
 * code run (a refused journal kills the waiting interpreter). At most `maxConcurrentRuns` run at
 * once; the rest wait in a queue in request order. Output streams to the run's log file, capped;
 * the outcome is journaled.
 */
export class Runner {
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue: PreparedRun[] = [];
  private readonly now: () => Date;
  private closing = false;
  /** The head of the queue is being checked again before it starts. */
  private rechecking = false;

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
    if (manifest.destructive && !request.dryRun && request.confirmed !== true) {
      throw new ApiFailure(
        'bad_request',
        `"${manifest.title}" changes things outside its output folder; confirm the run first${manifest.supportsDryRun ? ' (or do a dry run to see what it would do)' : ''}. From the command line: --yes.`,
      );
    }
    if (manifest.requireReason && !request.reason?.trim()) {
      throw new ApiFailure(
        'bad_request',
        `"${manifest.title}" needs a reason or ticket number before it can run.`,
      );
    }
    return checked;
  }

  /**
   * Starts a run, or queues it when `maxConcurrentRuns` are running, and returns its id; the
   * outcome arrives as events and in `finished`. Everything that can refuse the run (inputs,
   * secrets, the environment, the journal) is checked before this returns.
   */
  async start(request: RunRequest): Promise<{ runId: string; finished: Promise<StoredRun> }> {
    if (this.closing)
      throw new ApiFailure('unsupported', 'ScriptDesk is closing; run it again after it restarts.');
    await this.journalReady();
    let checked: Awaited<ReturnType<Runner['validateRequest']>>;
    let secrets: Map<string, string>;
    let environment: Awaited<ReturnType<Runner['prepareEnvironment']>>;
    let verified: VerifiedLaunch;
    try {
      checked = await this.validateRequest(request);
      secrets = await this.readSecrets(checked.script);
      environment = await this.prepareEnvironment(checked.script);
      verified = await this.deps.integrity.verify(checked.script, environment).catch((error) => {
        environment.release();
        throw error;
      });
    } catch (error) {
      if (error instanceof ApiFailure) this.journalRefusal(request, error);
      throw error;
    }
    const { script, inputs } = checked;
    const { runtime, venvDir, release } = environment;
    const runId = randomUUID();
    const runDir = path.join(this.deps.runsDir, runId);
    let finished!: Promise<StoredRun>;
    try {
      const outputDir = path.join(runDir, 'outputs');
      const inputsFile = path.join(runDir, 'inputs.json');
      await writeRunFolder(runDir, outputDir, inputsFile, inputs);

      const dryRun = request.dryRun === true;
      const { manifest } = script;
      const startedAt = this.now().toISOString();
      let done!: (run: StoredRun) => void;
      finished = new Promise<StoredRun>((resolve) => (done = resolve));
      const prepared: PreparedRun = {
        stored: {
          runId,
          scriptId: manifest.id,
          scriptVersion: manifest.version,
          title: manifest.title,
          status: 'queued',
          dryRun,
          startedAt,
          finishedAt: null,
          exitCode: null,
          message: 'Waiting for a free slot',
          outputs: [],
          runDir,
          logLines: 0,
        },
        script,
        subject: `${manifest.id}@${manifest.version}`,
        record: {
          runId,
          scriptId: manifest.id,
          scriptVersion: manifest.version,
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
          secrets: [...secrets.keys()],
          dryRun,
          confirmed: request.confirmed === true,
          reason: request.reason ?? null,
        },
        executable: VenvManager.interpreter(venvDir),
        args: interpreterArgs(
          CatalogueService.entrypoint(script),
          buildArgs(manifest.args, inputs, dryRun),
        ),
        env: {
          ...allowedEnvironment(),
          TMPDIR: runDir,
          SCRIPTDESK_RUN_ID: runId,
          SCRIPTDESK_INPUTS: inputsFile,
          SCRIPTDESK_OUTPUT_DIR: outputDir,
          SCRIPTDESK_DRY_RUN: dryRun ? '1' : '0',
          ...Object.fromEntries(secrets),
        },
        secrets,
        releaseVenv: release,
        done,
        verified,
      };
      const startsNow = this.active.size < this.deps.maxConcurrentRuns && this.queue.length === 0;
      const requested = () =>
        this.deps.journal.append(AUDIT_TYPES.runRequested, prepared.subject, {
          runId,
          scriptId: manifest.id,
          scriptVersion: manifest.version,
          user: this.deps.identity.user,
          host: this.deps.identity.host,
          dryRun,
          reason: request.reason ?? null,
          requestedAt: startedAt,
          queued: !startsNow,
          ahead: startsNow ? 0 : this.queue.length,
        });
      if (startsNow) {
        prepared.stored.status = 'running';
        prepared.stored.message = 'Running';
        const child = this.spawnGated(prepared);
        this.recordOrKill(
          child,
          () => {
            this.deps.runs.insert(prepared.stored, SELF);
            requested();
          },
          prepared,
        );
        this.launch(prepared, child);
      } else {
        this.record(() => {
          this.deps.runs.insert(prepared.stored, SELF);
          requested();
        });
        this.queue.push(prepared);
        this.deps.emit({ name: 'run.status', payload: stripRun(prepared.stored) });
      }
    } catch (error) {
      release();
      await rm(runDir, { recursive: true, force: true });
      throw error;
    }
    return { runId, finished };
  }

  /** The refusal of a run whose events the journal could not take, saying why and what to do. */
  private journalFailure(error: unknown): ApiFailure {
    return new ApiFailure(
      'journal_unavailable',
      `The run was not started because the audit journal cannot be written: ${journalProblem(error, this.deps.journalFile)}`,
    );
  }

  /** Refuses every run up front, with the reason, while the journal cannot sign (no device key). */
  private async journalReady(): Promise<void> {
    try {
      await this.deps.journalReady?.();
    } catch (error) {
      throw this.journalFailure(error);
    }
  }

  /**
   * Records a refused run request: who asked for which script and why it was refused. The
   * message names fields at most, never input values. A journal that cannot take it is logged.
   */
  private journalRefusal(request: RunRequest, refusal: ApiFailure, runId?: string): void {
    try {
      this.deps.journal.append(AUDIT_TYPES.runRefused, request.scriptId, {
        ...(runId ? { runId } : {}),
        ...refusalDetail(refusal),
        scriptId: request.scriptId,
        user: this.deps.identity.user,
        host: this.deps.identity.host,
        code: refusal.code,
        message: refusal.message,
        fields: (refusal.fields ?? []).map((field) => field.path),
        dryRun: request.dryRun === true,
        reason: request.reason ?? null,
      });
    } catch (error) {
      this.deps.logError?.(
        `[scriptdesk] a refused run of ${request.scriptId} could not be journaled: ${(error as Error).message}`,
      );
    }
  }

  /**
   * Journals what a run needs journaled before it may go on, durably and in one transaction with
   * its run-history row; when the journal cannot be written the run does not start.
   */
  private record(write: () => void, startedRun?: PreparedRun): void {
    try {
      this.deps.runs.transaction(() => {
        write();
        if (startedRun) this.journalStarted(startedRun);
      });
    } catch (error) {
      throw this.journalFailure(error);
    }
  }

  /**
   * Records a run's start while its interpreter is starting, held at the bootstrap's gate: the
   * flush to disk overlaps Python's own start-up instead of adding to it. The process is recorded
   * with the start. If the journal refuses, the process is killed before any of the script ran.
   */
  private recordOrKill(child: ScriptProcess, write: () => void, run: PreparedRun): void {
    try {
      this.record(() => {
        write();
        const identity = processIdentity(child.pid);
        if (identity) this.deps.runs.setProcess(run.stored.runId, identity);
      }, run);
    } catch (error) {
      child.killTree(0);
      throw error;
    }
  }

  /** Starts a run's interpreter, waiting at the bootstrap's gate until {@link launch} lets it through. */
  private spawnGated(run: PreparedRun): ScriptProcess {
    return startScriptProcess({
      executable: run.executable,
      args: run.args,
      cwd: run.stored.runDir,
      env: run.env,
      maxOutputBytes: this.deps.maxOutputBytes,
      scrub: secretScrubber(run.secrets) ?? undefined,
      gatedSource: run.verified.entry,
    });
  }

  private journalStarted(run: PreparedRun): void {
    this.deps.journal.append(AUDIT_TYPES.runStarted, run.subject, {
      ...run.record,
      startedAt: run.stored.startedAt,
    });
    for (const name of run.secrets.keys())
      this.deps.journal.append(AUDIT_TYPES.secretUsed, run.subject, {
        name,
        scriptId: run.stored.scriptId,
        runId: run.stored.runId,
        user: this.deps.identity.user,
      });
  }

  /** Supervises a run whose start is journaled, and lets its script run. */
  private launch(run: PreparedRun, child: ScriptProcess): void {
    const { stored, script } = run;
    const { runId } = stored;
    stored.status = 'running';
    stored.message = 'Running';
    const log = new RunLog(path.join(stored.runDir, 'log.txt'), runId, (payload) =>
      this.deps.emit({ name: 'run.log', payload }),
    );
    const active: ActiveRun = {
      process: child,
      endedBy: null,
      log,
      progress: null,
      finished: Promise.resolve(stored),
    };
    child.onOutput((stream, chunk) => this.onOutput(active, runId, stream, chunk));
    child.onOutputLimit(() => this.stop(runId, 'output_limit'));
    const timer = setTimeout(
      () => this.stop(runId, 'timeout'),
      script.manifest.timeoutSeconds * 1000,
    );
    active.finished = child.exited
      .catch(() => ({ code: null, signal: null }))
      .then(async (exit) => {
        clearTimeout(timer);
        await log.close().catch(() => {});
        return this.finish(run, exit.code, exit.signal, active.endedBy, log.lines);
      })
      .finally(() => {
        this.active.delete(runId);
        run.releaseVenv();
        this.startQueued();
      });
    void active.finished.then(run.done);
    this.active.set(runId, active);
    child.release();
    this.deps.emit({ name: 'run.status', payload: stripRun(stored) });
  }

  private onOutput(
    active: ActiveRun,
    runId: string,
    stream: OutputStream,
    chunk: OutputChunk,
  ): Promise<void> | undefined {
    let logged = chunk;
    if (stream === 'stdout' && chunk.bytes.includes('::progress')) {
      const kept: string[] = [];
      const text = chunk.bytes.toString('utf8', 0, chunk.bytes.length - 1);
      for (const line of text.split('\n')) {
        const progress = line.startsWith('::progress') ? PROGRESS_LINE.exec(line) : null;
        if (!progress) {
          kept.push(line);
          continue;
        }
        active.progress = { percent: Math.min(100, Number(progress[1])), label: progress[2] ?? '' };
        this.deps.emit({ name: 'run.progress', payload: { runId, ...active.progress } });
      }
      logged = {
        bytes: Buffer.from(kept.length ? `${kept.join('\n')}\n` : '', 'utf8'),
        lines: kept.length,
      };
    }
    return active.log.write(stream, logged);
  }

  /**
   * Starts queued runs while there are free slots. The next one is verified again first (its
   * files may have changed while it waited), staying at the head of the queue meanwhile: it can
   * still be cancelled, and later requests still queue behind it. One check at a time.
   */
  private startQueued(): void {
    const next = this.queue[0];
    if (this.closing || this.rechecking || !next) return;
    if (this.active.size >= this.deps.maxConcurrentRuns) return;
    this.rechecking = true;
    void next.verified.recheck().then(
      () => this.startChecked(next, null),
      (error: unknown) => this.startChecked(next, error),
    );
  }

  /** Starts `next` after its check, unless it was cancelled or ScriptDesk began closing meanwhile. */
  private startChecked(next: PreparedRun, refusal: unknown): void {
    this.rechecking = false;
    if (this.closing || this.queue[0] !== next) return this.startQueued();
    this.queue.shift();
    next.stored.startedAt = this.now().toISOString();
    let child: ScriptProcess;
    try {
      if (refusal) throw refusal;
      child = this.spawnGated(next);
      this.recordOrKill(
        child,
        () =>
          this.deps.runs.update(next.stored.runId, {
            status: 'running',
            message: 'Running',
            startedAt: next.stored.startedAt,
          }),
        next,
      );
    } catch (error) {
      if (error instanceof ScriptTampered) {
        const { scriptId, dryRun, runId } = next.stored;
        const reason = next.record.reason as string | null;
        this.journalRefusal(
          { scriptId, inputs: {}, dryRun, reason: reason ?? undefined },
          error,
          runId,
        );
      }
      this.endUnstarted(next, 'failed', (error as Error).message);
      this.emitQueuePositions();
      return this.startQueued();
    }
    this.launch(next, child);
    this.emitQueuePositions();
    this.startQueued();
  }

  private emitQueuePositions(): void {
    for (const run of this.queue)
      this.deps.emit({ name: 'run.status', payload: stripRun(run.stored) });
  }

  /** Where a queued run is in the queue (0: it starts next), or null when it is not queued. */
  queuePositionOf(runId: string): number | null {
    const index = this.queue.findIndex((run) => run.stored.runId === runId);
    return index === -1 ? null : index;
  }

  /** The latest progress of an active run, if it reported any. */
  progressOf(runId: string): { percent: number; label: string } | null {
    return this.active.get(runId)?.progress ?? null;
  }

  /** The newest log lines of an active run from memory (null when it is not running here). */
  logTailOf(runId: string): { lines: string[]; seq: number } | null {
    return this.active.get(runId)?.log.tailLines() ?? null;
  }

  /** Stops a running script or takes a queued run out of the queue; false when it is neither. */
  cancel(runId: string): boolean {
    const index = this.queue.findIndex((run) => run.stored.runId === runId);
    if (index !== -1) {
      const [run] = this.queue.splice(index, 1);
      this.endUnstarted(run!, 'cancelled', 'Cancelled before it started.');
      this.emitQueuePositions();
      return true;
    }
    return this.stop(runId, 'cancelled');
  }

  /** Ends every queued run and stops every running one (app shutdown), waiting until they are recorded. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const run of this.queue.splice(0))
      this.endUnstarted(run, 'cancelled', 'ScriptDesk was closed before this run started.');
    for (const runId of this.active.keys()) this.stop(runId, 'shutdown');
    await Promise.allSettled([...this.active.values()].map((a) => a.finished));
  }

  private stop(runId: string, reason: Ending): boolean {
    const active = this.active.get(runId);
    if (!active) return false;
    active.endedBy ??= reason;
    active.process.killTree();
    return true;
  }

  /** Records the end of a run that never started (cancelled in the queue, or its start failed). */
  private endUnstarted(run: PreparedRun, status: RunStatus, message: string): void {
    const finishedAt = this.now().toISOString();
    const done: StoredRun = { ...run.stored, status, message, finishedAt };
    try {
      this.deps.runs.transactionWithoutFlush(() => {
        this.deps.journal.append(AUDIT_TYPES.runFinished, run.subject, {
          ...this.finishedRecord(done, run),
          startedAt: null,
        });
        this.deps.runs.update(done.runId, { status, message, finishedAt });
      });
    } catch (error) {
      this.deps.logError?.(
        `[scriptdesk] run ${done.runId} ended before it started but could not be recorded: ${(error as Error).message}`,
      );
    }
    run.releaseVenv();
    this.deps.emit({ name: 'run.status', payload: stripRun(done) });
    run.done(done);
  }

  private finishedRecord(run: StoredRun, prepared: PreparedRun): Record<string, unknown> {
    return {
      runId: run.runId,
      scriptId: run.scriptId,
      scriptVersion: run.scriptVersion,
      catalogueVersion: prepared.script.catalogueVersion,
      user: this.deps.identity.user,
      host: this.deps.identity.host,
      status: run.status,
      exitCode: run.exitCode,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      outputs: run.outputs,
    };
  }

  private async finish(
    run: PreparedRun,
    exitCode: number | null,
    signal: NodeJS.Signals | null,
    endedBy: Ending | null,
    logLines: number,
  ): Promise<StoredRun> {
    const outputs = await listOutputs(path.join(run.stored.runDir, 'outputs'));
    const { status, message } = endedBy
      ? endedMessage(endedBy, run.script, this.deps.maxOutputBytes)
      : statusFromExitCode(exitCode, signal, run.script);
    const ending = {
      status,
      message,
      exitCode,
      finishedAt: this.now().toISOString(),
      outputs,
      logLines,
    };
    const done: StoredRun = { ...run.stored, ...ending };
    try {
      // Not flushed: a run's end gates nothing, and if a power loss undid it the next start
      // would find the run unfinished and record it as interrupted (see transactionWithoutFlush).
      this.deps.runs.transactionWithoutFlush(() => {
        this.deps.journal.append(AUDIT_TYPES.runFinished, run.subject, {
          ...this.finishedRecord(done, run),
          dryRun: done.dryRun,
        });
        this.deps.runs.update(done.runId, ending);
      });
    } catch (error) {
      // The run has ended either way; the next start finds it unfinished and records it then.
      this.deps.logError?.(
        `[scriptdesk] the end of run ${done.runId} could not be recorded: ${(error as Error).message}`,
      );
    }
    this.deps.emit({ name: 'run.status', payload: stripRun(done) });
    return done;
  }

  /** Reads every secret the script declares; refuses the run when one is missing. */
  private async readSecrets(script: ResolvedScript): Promise<Map<string, string>> {
    const values = new Map<string, string>();
    const missing: string[] = [];
    const { title } = script.manifest;
    for (const name of script.manifest.secrets) {
      let value: string | null;
      try {
        value = await this.deps.secrets.get(name);
      } catch (error) {
        if (!(error instanceof KeychainUnavailable)) throw error;
        throw new ApiFailure(
          'keychain_unavailable',
          `"${title}" needs secrets from the keychain, which cannot be reached: ${error.message}`,
        );
      }
      if (value === null || value === '') missing.push(name);
      else values.set(name, value);
    }
    if (missing.length) {
      const names = missing.join(', ');
      throw new ApiFailure(
        'secret_missing',
        `"${title}" needs the secret${missing.length > 1 ? 's' : ''} ${names}, which ${missing.length > 1 ? 'are' : 'is'} not set on this computer yet.`,
      );
    }
    return values;
  }

  /** The runtime and a lease on the script's venv (built now if it is not ready). */
  private async prepareEnvironment(
    script: ResolvedScript,
  ): Promise<{ runtime: PythonRuntime; venvDir: string; release: () => void }> {
    try {
      const runtime = await this.deps.runtime();
      const lease = await this.deps.venvs.lease(
        ScriptEnvironments.specOf(
          { python: script.manifest.python, lockText: script.lockText, wheels: script.wheels },
          runtime,
        ),
      );
      return { runtime, venvDir: lease.dir, release: () => lease.release() };
    } catch (error) {
      throw new ApiFailure(
        'environment_failed',
        `"${script.manifest.title}" is unavailable on this computer: its Python environment could not be prepared (${(error as Error).message}).`,
      );
    }
  }

  /**
   * Finds runs a crash or power loss left unfinished (no ScriptDesk process owns them any more),
   * stops their script if it is somehow still running, and records them as interrupted. Runs
   * owned by another live ScriptDesk process (the CLI beside the app) are left alone.
   */
  async recoverUnfinished(): Promise<StoredRun[]> {
    const recovered: StoredRun[] = [];
    for (const run of this.deps.runs.unfinished()) {
      if (this.active.has(run.runId) || this.queue.some((q) => q.stored.runId === run.runId))
        continue;
      if (run.owner && isStillRunning(run.owner)) continue;
      const stillRunning = run.process !== null && isStillRunning(run.process);
      if (stillRunning) signalProcessGroup(run.process!.pid, 'SIGKILL');
      const outputs = await listOutputs(path.join(run.runDir, 'outputs'));
      const finishedAt = this.now().toISOString();
      const message =
        run.status === 'queued'
          ? 'ScriptDesk stopped before this queued run started.'
          : stillRunning
            ? 'ScriptDesk stopped during this run; the script was still going and was stopped when ScriptDesk started again. Its result is unknown.'
            : 'ScriptDesk stopped during this run (a crash or power loss); its result is unknown.';
      const done: StoredRun = { ...run, status: 'interrupted', message, finishedAt, outputs };
      this.deps.runs.transaction(() => {
        this.deps.journal.append(
          AUDIT_TYPES.runInterrupted,
          `${run.scriptId}@${run.scriptVersion}`,
          {
            runId: run.runId,
            scriptId: run.scriptId,
            scriptVersion: run.scriptVersion,
            user: this.deps.identity.user,
            host: this.deps.identity.host,
            status: 'interrupted',
            wasQueued: run.status === 'queued',
            processStillRunning: stillRunning,
            startedAt: run.startedAt,
            detectedAt: finishedAt,
            outputs,
          },
        );
        this.deps.runs.update(run.runId, { status: 'interrupted', message, finishedAt, outputs });
      });
      recovered.push(done);
    }
    return recovered;
  }
}

/**
 * The only variables a script inherits: the user's identity, locale and time zone, a fixed PATH
 * (and on Windows what the OS itself needs). The runner adds TMPDIR, the SCRIPTDESK_* variables
 * and the script's declared secrets; nothing else of the app's environment reaches a script.
 */
export const INHERITED_VARIABLES = ['HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ'] as const;

function allowedEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  const names: readonly string[] =
    process.platform === 'win32'
      ? [...INHERITED_VARIABLES, 'SYSTEMROOT', 'WINDIR']
      : INHERITED_VARIABLES;
  for (const name of names) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  env.PATH =
    process.platform === 'win32' ? (process.env.PATH ?? '') : '/usr/local/bin:/usr/bin:/bin';
  return env;
}

function endedMessage(
  endedBy: Ending,
  script: ResolvedScript,
  maxOutputBytes: number,
): { status: RunStatus; message: string } {
  switch (endedBy) {
    case 'timeout':
      return {
        status: 'timeout',
        message: `Stopped after the time limit of ${script.manifest.timeoutSeconds} s.`,
      };
    case 'output_limit':
      return {
        status: 'output_limit',
        message: `Stopped because the script wrote more than ${formatBytes(maxOutputBytes)} of output; the log keeps the first ${formatBytes(maxOutputBytes)}.`,
      };
    case 'shutdown':
      return {
        status: 'interrupted',
        message: 'Stopped because ScriptDesk was closed during the run.',
      };
    case 'cancelled':
      return { status: 'cancelled', message: 'Cancelled by the user.' };
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}

const RULE_STATUS = {
  success: 'succeeded',
  expected: 'expected',
  retriable: 'retriable',
  failed: 'failed',
} as const satisfies Record<string, RunStatus>;

/** Turns an exit code into a status and a sentence, using the manifest's exit-code table. */
export function statusFromExitCode(
  code: number | null,
  signal: NodeJS.Signals | null,
  script: Pick<ResolvedScript, 'manifest'>,
): { status: RunStatus; message: string } {
  if (code === null)
    return {
      status: 'failed',
      message: `The script was ended by the signal ${signal ?? 'unknown'} (it crashed or something outside ScriptDesk stopped it); see the log.`,
    };
  const rule = script.manifest.exitCodes[String(code)];
  if (!rule)
    return code === 0
      ? { status: 'succeeded', message: 'Finished successfully.' }
      : {
          status: 'failed',
          message: `The script failed with exit code ${code}; see the log.`,
        };
  const defaults = {
    success: 'Finished successfully.',
    expected: `Finished without a result (exit code ${code}).`,
    retriable: `A temporary problem stopped the script (exit code ${code}); try again later.`,
    failed: `The script failed with exit code ${code}; see the log.`,
  };
  return { status: RULE_STATUS[rule.status], message: rule.message ?? defaults[rule.status] };
}

/** The summary part of a stored run (what events carry). */
export function stripRun(run: StoredRun) {
  const { outputs: _outputs, runDir: _runDir, logLines: _logLines, ...summary } = run;
  return summary;
}

/**
 * Why the journal could not be written, for the person who asked for the run: what happened and
 * what to do, from SQLite's error code. Never includes anything of the event.
 */
export function journalProblem(error: unknown, file = 'the journal'): string {
  if (error instanceof JournalUnavailable) return `${error.message.replace(/\.$/, '')}.`;
  const raw = (error as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : '';
  if (code === 'SQLITE_FULL') return 'the disk is full. Free some space and run it again.';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_CANTOPEN') ||
    code === 'SQLITE_PERM'
  )
    return `${file} is read-only. Ask IT to make it writable for you, then run it again.`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return `${file} is locked by another program. Close it (or wait a moment) and run it again.`;
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return `${file} is damaged. Contact support before running anything else; nothing was run.`;
  if (code.startsWith('SQLITE_IOERR'))
    return `${file} could not be written (${code}: the file may be read-only, or the disk full or failing). Make sure it is writable and the disk has space, then run it again.`;
  return `${(error as Error).message.replace(/\.$/, '')}. Contact support if this keeps happening.`;
}

/**
 * Creates the run folder with its outputs folder and the 0600 inputs file. A disk that is full or
 * read-only refuses the run in words the user can act on.
 */
async function writeRunFolder(
  runDir: string,
  outputDir: string,
  inputsFile: string,
  inputs: Record<string, unknown>,
): Promise<void> {
  try {
    await mkdir(outputDir, { recursive: true, mode: 0o700 });
    const handle = await open(inputsFile, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(inputs));
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'the disk is full. Free some space and run it again.'
        : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
          ? 'it is read-only. Ask IT to make it writable for you, then run it again.'
          : null;
    if (!why) throw error;
    throw new ApiFailure(
      'storage_unavailable',
      `The run was not started because its folder ${runDir} cannot be written: ${why}`,
    );
  }
}
