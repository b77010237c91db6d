import { AUDIT_TYPES } from '../audit/journal.js';
import type { ResolvedScript } from '../catalogue/catalogue-service.js';
import type { RunRequest } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import { ScriptEnvironments } from '../python/script-environments.js';
import { KeychainUnavailable } from '../secrets/secret-store.js';
import { checkFileInputs } from './file-inputs.js';
import { assertInputBounds } from './input-bounds.js';
import { journalFailure } from './run-records.js';
import type { AdmittedRun } from './run-spec.js';
import { refusalDetail } from './script-integrity.js';
import type { RunnerDeps } from './runner-deps.js';
import { triggerRecord, USER_TRIGGER, type RunTrigger } from './run-trigger.js';

type AdmissionDeps = Pick<
  RunnerDeps,
  | 'catalogue'
  | 'identity'
  | 'secrets'
  | 'venvs'
  | 'runtime'
  | 'journal'
  | 'journalReady'
  | 'journalFile'
  | 'logError'
  | 'integrity'
  | 'allowNetworkPaths'
>;

/**
 * Decides whether a run may start: the journal can sign, the catalogue is usable, the user may
 * run the script, the inputs hold against the verified schema and the file system, the request
 * meets the manifest (dry run, confirmation, reason), the secrets are set and the environment is
 * ready. Every refusal is an {@link ApiFailure} in words the user can act on, and is journaled.
 */
export class RunAdmission {
  constructor(private readonly deps: AdmissionDeps) {}

  /** Checks the form inputs against the verified schema and the file system; nothing runs. */
  async validateInputs(
    scriptId: string,
    inputs: Record<string, unknown>,
  ): Promise<{ script: ResolvedScript; inputs: Record<string, unknown> }> {
    assertInputBounds(inputs);
    const script = await this.deps.catalogue.resolve(scriptId, this.deps.identity.user);
    const validator = await this.deps.catalogue.validator(script);
    const errors = validator.check(inputs, script.uiSchema);
    if (errors.length)
      throw new ApiFailure(
        'invalid_inputs',
        `The inputs for "${script.manifest.title}" are not valid.`,
        errors,
      );
    const files = await checkFileInputs(script.schema, inputs, {
      allowNetworkPaths: this.deps.allowNetworkPaths ?? false,
    });
    if (files.errors.length)
      throw new ApiFailure(
        'invalid_inputs',
        `A file input of "${script.manifest.title}" cannot be used.`,
        files.errors,
      );
    return { script, inputs: files.inputs };
  }

  /**
   * Admits a run request or refuses it (journaling the refusal). The last check is the script's
   * files and venv against the signed catalogue (verify before every run). On success the caller holds a
   * lease on the script's venv and must call `release` when the run is over.
   */
  async admit(request: RunRequest, trigger: RunTrigger = USER_TRIGGER): Promise<AdmittedRun> {
    await this.journalReady();
    try {
      const { script, inputs } = await this.validateRequest(request);
      const secrets = await this.readSecrets(script);
      const environment = await this.prepareEnvironment(script);
      const verified = await this.deps.integrity.verify(script, environment).catch((error) => {
        environment.release();
        throw error;
      });
      return { script, inputs, secrets, ...environment, verified };
    } catch (error) {
      if (error instanceof ApiFailure) this.journalRefusal(request, error, undefined, trigger);
      throw error;
    }
  }

  /** Refuses every run up front, with the reason, while the journal cannot sign (no device key). */
  private async journalReady(): Promise<void> {
    try {
      await this.deps.journalReady?.();
    } catch (error) {
      throw journalFailure(error, this.deps.journalFile);
    }
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
   * Records a refused run request: who asked for which script and why it was refused. The
   * message names fields at most, never input values. A journal that cannot take it is logged.
   */
  journalRefusal(
    request: RunRequest,
    refusal: ApiFailure,
    runId?: string,
    trigger: RunTrigger = USER_TRIGGER,
  ): void {
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
        ...triggerRecord(trigger),
      });
    } catch (error) {
      this.deps.logError?.(
        `[scriptdesk] a refused run of ${request.scriptId} could not be journaled: ${(error as Error).message}`,
      );
    }
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
  ): Promise<Pick<AdmittedRun, 'runtime' | 'venvDir' | 'release'>> {
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
}
