import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { redactSensitive } from '../../forms/redaction.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { CatalogueService, type ResolvedScript } from '../catalogue/catalogue-service.js';
import type { RunRequest } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import type { Identity } from '../identity/identity.js';
import type { PythonRuntime } from '../python/runtime.js';
import { VenvManager } from '../python/venvs.js';
import { scriptEnvironment, temporaryFolderVariables } from '../platform/environment.js';
import { HOST_OS } from '../platform/os.js';
import { sha256Hex } from '../shared/hashing.js';
import { APP_VERSION } from '../shared/version.js';
import { buildArgs } from './argv-template.js';
import { interpreterArgs } from './bootstrap.js';
import { RUN_MARKER_VARIABLE } from './run-processes.js';
import type { StoredRun } from './run-store.js';
import { scheduleOf, type RunTrigger } from './run-trigger.js';
import type { VerifiedLaunch } from './script-integrity.js';

/** Everything a run needs to start, prepared before it is queued or started. */
export interface PreparedRun {
  stored: StoredRun;
  script: ResolvedScript;
  subject: string;
  /** The `run.started` audit record (inputs redacted). */
  record: Record<string, unknown>;
  executable: string;
  /** The Python the venv was made from (its `bin/python` is this interpreter). */
  runtime: PythonRuntime;
  args: string[];
  env: Record<string, string>;
  secrets: ReadonlyMap<string, string>;
  releaseVenv: () => void;
  done: (run: StoredRun) => void;
  /** The entry point's checked bytes (what Python runs) and the check a queued run repeats. */
  verified: VerifiedLaunch;
  /** Who asked for it: a person or a schedule. */
  trigger: RunTrigger;
  /**
   * Writes the run folder's outputs folder and 0600 inputs file (the folder itself exists: it is
   * the interpreter's working directory). A run starting now calls it while its interpreter
   * starts, a queued one when it is queued.
   */
  writeFiles: () => void;
}

/** What admission established about a request: all a run spec is made from. */
export interface AdmittedRun {
  script: ResolvedScript;
  /** The inputs as checked (file inputs resolved to real paths). */
  inputs: Record<string, unknown>;
  secrets: ReadonlyMap<string, string>;
  runtime: PythonRuntime;
  venvDir: string;
  release: () => void;
  /** The script's files and venv as checked against the signed catalogue. */
  verified: VerifiedLaunch;
}

/**
 * Writes a run's folder (outputs folder, 0600 inputs file) and describes the run: its history
 * row, its audit record, the interpreter command line and the environment the script gets.
 */
export async function prepareRun(options: {
  runId: string;
  runDir: string;
  request: RunRequest;
  admitted: AdmittedRun;
  identity: Identity;
  now: () => Date;
  /** The device's keyed digest (never a plain hash: that would let a redacted PIN be guessed). */
  digest: (text: string) => string;
  done: (run: StoredRun) => void;
  trigger: RunTrigger;
}): Promise<PreparedRun> {
  const { runId, runDir, request, admitted, identity, done } = options;
  const { script, inputs, secrets, runtime } = admitted;
  const outputDir = path.join(runDir, 'outputs');
  const inputsFile = path.join(runDir, 'inputs.json');
  storageStep(runDir, () => mkdirSync(runDir, { recursive: true, mode: 0o700 }));
  const startedAt = options.now().toISOString();
  const dryRun = request.dryRun === true;
  const { manifest } = script;
  const journaledInputs = redactSensitive(script.schema, inputs) as Record<string, unknown>;
  const reason = request.reason ?? null;
  return {
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
      logLevels: null,
      inputs: journaledInputs,
      reason,
      user: identity.user,
      scheduleId: scheduleOf(options.trigger),
    },
    trigger: options.trigger,
    script,
    subject: `${manifest.id}@${manifest.version}`,
    record: {
      runId,
      scriptId: manifest.id,
      scriptVersion: manifest.version,
      catalogueVersion: script.catalogueVersion,
      // Only when the catalogue recorded one, so older catalogues' records keep their shape.
      ...(script.catalogueCommit ? { catalogueCommit: script.catalogueCommit } : {}),
      user: identity.user,
      host: identity.host,
      appVersion: APP_VERSION,
      pythonVersion: runtime.version,
      scriptSha256: sha256Hex(JSON.stringify(script.published.files)),
      schemaSha256: script.published.schemaSha256,
      lockSha256: script.published.lockSha256,
      inputs: journaledInputs,
      inputsHmac: options.digest(canonicalJson(inputs)),
      secrets: [...secrets.keys()],
      dryRun,
      confirmed: request.confirmed === true,
      reason,
    },
    executable: VenvManager.interpreter(admitted.venvDir),
    runtime,
    args: interpreterArgs(
      CatalogueService.entrypoint(script),
      buildArgs(manifest.args, inputs, dryRun),
    ),
    env: {
      ...inheritedEnvironment(),
      ...Object.fromEntries(temporaryFolderVariables(HOST_OS).map((name) => [name, runDir])),
      [RUN_MARKER_VARIABLE]: runId,
      SCRIPTDESK_INPUTS: inputsFile,
      SCRIPTDESK_OUTPUT_DIR: outputDir,
      SCRIPTDESK_DRY_RUN: dryRun ? '1' : '0',
      ...Object.fromEntries(secrets),
    },
    secrets,
    releaseVenv: admitted.release,
    done,
    verified: admitted.verified,
    writeFiles: () =>
      storageStep(runDir, () => {
        mkdirSync(outputDir, { mode: 0o700 });
        writeFileSync(inputsFile, JSON.stringify(inputs), { flag: 'wx', mode: 0o600 });
      }),
  };
}

/**
 * What a script starts with from the user's environment: the variables the platform module names
 * for this OS (identity, locale, time zone; on Windows what the OS needs) and a fixed PATH. The
 * runner adds the temporary folder, the SCRIPTDESK_* variables and the script's declared secrets;
 * nothing else of the app's environment reaches a script.
 */
export function inheritedEnvironment(): Record<string, string> {
  return scriptEnvironment(HOST_OS, process.env);
}

/**
 * One write to the run folder. A disk that is full or read-only refuses the run in words the user
 * can act on. Synchronous: the folders and the inputs file (at most `INPUT_LIMITS.maxBytes`) cost
 * less than their thread-pool round trips.
 */
function storageStep(runDir: string, write: () => void): void {
  try {
    write();
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
