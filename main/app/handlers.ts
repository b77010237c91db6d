import path from 'node:path';
import type { CatalogueService } from '../catalogue/catalogue-service.js';
import { summarise } from '../catalogue/script-summary.js';
import type { DeliveryStatus, Preferences, RunDelivery } from '../contract/api.js';
import type { Handlers } from '../contract/dispatcher.js';
import { ApiFailure } from '../contract/errors.js';
import type { AuditJournal } from '../audit/journal.js';
import type { Identity } from '../identity/identity.js';
import type { ScriptEnvironments } from '../python/script-environments.js';
import type { RunStore, StoredRun } from '../runs/run-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { PreferenceStore } from '../storage/preference-store.js';
import { stripRun } from '../runs/run-outcome.js';
import { canonicalJson } from '../audit/canonical-json.js';
import { redactSensitive } from '../../forms/redaction.js';
import type { Runner } from '../runs/runner.js';
import { readLogTail } from '../runs/log-tail.js';
import { readListedLines, readLogChunk, readLogLines, searchLog } from '../runs/log-reader.js';
import { RunLogs } from '../runs/run-logs.js';
import { TAIL_LINES } from '../runs/run-log.js';
import { createOutputHandlers, outputsFolder } from './output-handlers.js';
import type { DesktopShell } from './desktop-shell.js';
import { createSecretHandlers } from './secret-handlers.js';
import { createPresetHandlers } from '../presets/preset-handlers.js';
import { createFileHandlers, type ChooseRequest } from '../files/file-handlers.js';
import type { PresetStore } from '../presets/preset-store.js';
import { APP_VERSION } from '../shared/version.js';
import type { EffectivePolicy } from '../policy/policy.js';
import type { PythonRuntime } from '../python/runtime.js';
import type { UpdateNotice } from '../contract/about-api.js';

/** Largest log a window may download: it is assembled in the window's memory. */
export const MAX_LOG_DOWNLOAD_BYTES = 256 * 1024 * 1024;

export interface HandlerDeps {
  catalogue: CatalogueService;
  runner: Runner;
  runs: RunStore;
  journal: AuditJournal;
  identity: Identity;
  /** The OS keychain holding script secrets. */
  secrets: SecretStore;
  /** The scripts' Python environments: their states, and the script.json `python` check. */
  environments: ScriptEnvironments;
  /** Syncs from the configured source and pushes the status to every window. */
  syncAndPublish: () => Promise<void>;
  /** Delivery of the journal to the audit endpoint. */
  deliveryStatus: () => DeliveryStatus;
  /** The user's saved presets. */
  presets: PresetStore;
  /** The desktop shell's file dialog (Electron only). */
  chooseFile?: (request: ChooseRequest) => Promise<string | null>;
  /** The folder the in-page file browser may show (default: the user's home). */
  browseRoot?: string;
  /** Runs longer than this many seconds tell the user when they end (machine policy). */
  longRunSeconds: number;
  /** Each user's preferences (theme, notifications, favourites). */
  preferences: PreferenceStore;
  /** Tells every window the user's preferences changed. */
  preferencesChanged: (preferences: Preferences) => void;
  /** The desktop app's dialogs and shell; null in the web host. */
  desktop: DesktopShell | null;
  /** The Python venvs are built from (resolved once, on first use). */
  pythonRuntime: () => Promise<PythonRuntime>;
  /** The machine policy in force since the app started, setting by setting. */
  policyView: EffectivePolicy;
  /** `schedules.*` (main/schedules/). */
  scheduleHandlers: Pick<Handlers, `schedules.${string}` & keyof Handlers>;
  /** Where the desktop app's updates are (off in the web host). */
  updateNotice: () => UpdateNotice;
}

/** The implementation of every API method. Inputs arrive validated; permissions are checked here. */
export function createHandlers(deps: HandlerDeps): Handlers {
  const {
    catalogue,
    runner,
    runs,
    journal,
    identity,
    environments,
    syncAndPublish,
    deliveryStatus,
    preferences,
    preferencesChanged,
  } = deps;
  const runOf = (runId: string): StoredRun => {
    const run = runs.get(runId);
    if (!run) throw new ApiFailure('not_found', `There is no run ${runId} on this device.`);
    return run;
  };
  /** The newest log lines of a run: from memory while it runs here, else from its log file. */
  const logTailOf = async (run: StoredRun): Promise<{ logTail: string[]; logSeq: number }> => {
    const live = runner.logTailOf(run.runId);
    if (live) return { logTail: live.lines, logSeq: live.seq };
    const lines = await readLogTail(path.join(run.runDir, 'log.txt'), TAIL_LINES);
    return { logTail: lines, logSeq: run.finishedAt === null ? 0 : run.logLines };
  };
  /** Whether a run's audit events reached the endpoint (see RunDeliverySchema). */
  const deliveryOf = (runId: string): RunDelivery => {
    const { events, pending, rejected, pruned } = journal.runDelivery(runId);
    if (deliveryStatus().endpoint === null) return { state: 'local', events };
    if (rejected > 0) return { state: 'refused', events };
    if (pending > 0) return { state: 'pending', events };
    return { state: events > 0 || pruned ? 'delivered' : 'unknown', events };
  };
  const logs = new RunLogs((runId) => runner.logIndexOf(runId));
  return {
    'app.info': async () => {
      let status = null;
      try {
        const installed = await catalogue.installed();
        if (installed) {
          const { name, version, issuedAt, expires } = installed.document;
          status = { name, version, issuedAt, expires };
        }
      } catch {
        status = null; // the UI learns why from catalogue.list
      }
      return {
        appVersion: APP_VERSION,
        user: identity.user,
        host: identity.host,
        catalogue: status,
        longRunSeconds: deps.longRunSeconds,
        preferences: preferences.get(identity.user),
        desktop: deps.desktop !== null,
      };
    },
    'app.about': async () => {
      const runtime = await deps.pythonRuntime().then(
        ({ executable, version, source }) => ({
          ok: true as const,
          executable,
          version,
          source: source ?? 'unknown',
        }),
        (error: unknown) => ({ ok: false as const, problem: (error as Error).message }),
      );
      return { runtime, policy: deps.policyView, updates: deps.updateNotice() };
    },
    'catalogue.status': () => catalogue.status(),
    'catalogue.sync': async () => {
      if ((await catalogue.source()) === null)
        throw new ApiFailure(
          'catalogue_unavailable',
          'This device has no catalogue source yet; ask your administrator how to connect it.',
        );
      // A refused catalogue is not a failed call: the status says why, and the old catalogue stays.
      await syncAndPublish();
      return catalogue.status();
    },
    'catalogue.list': async () => {
      const scripts = await catalogue.listFor(identity.user);
      const states = await environments.states();
      return {
        scripts: scripts.map((s) => ({ ...s, environment: states.get(s.id) ?? s.environment })),
        recent: runs.recentScripts(scripts.map((s) => s.id)),
      };
    },
    'catalogue.get': async ({ scriptId }) => {
      const script = await catalogue.resolve(scriptId, identity.user);
      return {
        script: summarise(
          script.manifest,
          await environments.stateOf({ ...script, python: script.manifest.python }),
        ),
        provenance: script.provenance ?? null,
        schema: script.schema,
        uiSchema: script.uiSchema,
        validator: { sha256: (await catalogue.validator(script)).sha256 },
      };
    },
    'run.validate': async ({ scriptId, inputs }) => {
      try {
        await runner.validateInputs(scriptId, inputs);
        return { valid: true, errors: [] };
      } catch (error) {
        if (error instanceof ApiFailure && error.code === 'invalid_inputs')
          return { valid: false, errors: error.fields ?? [] };
        throw error;
      }
    },
    'run.start': async (request) => {
      const { runId } = await runner.start(request);
      return { runId };
    },
    'run.get': async ({ runId }) => {
      const run = runOf(runId);
      return {
        ...stripRun(run),
        queuePosition: runner.queuePositionOf(runId),
        progress: runner.progressOf(runId),
        ...(await logTailOf(run)),
        logLevels: runner.logIndexOf(runId)?.levels ?? run.logLevels,
        outputs: run.outputs,
        outputDir: outputsFolder(run),
        inputs: run.inputs,
        reason: run.reason,
        user: run.user,
        delivery: deliveryOf(runId),
      };
    },
    'run.logLines': async ({ runId, from, count, only }) => {
      const { file, index } = await logs.of(runOf(runId));
      if (only !== 'problems')
        return { lines: await readLogLines(file, index, from, count), total: index.lines };
      const seqs: number[] = [];
      for (let at = from - 1; seqs.length < count && at < index.problems; at++)
        seqs.push(index.problemAt(at)!);
      return { lines: await readListedLines(file, index, seqs), total: index.problems };
    },
    'run.logSearch': async ({ runId, query, from, limit }) => {
      const { file, index } = await logs.of(runOf(runId));
      return searchLog(file, index, query, from, limit);
    },
    'run.logDownload': async ({ runId, offset }) => {
      const run = runOf(runId);
      const { file, index } = await logs.of(run);
      if (index.bytes > MAX_LOG_DOWNLOAD_BYTES)
        throw new ApiFailure(
          'unsupported',
          `The log of this run is ${megabytes(index.bytes)}, more than can be downloaded here (${megabytes(MAX_LOG_DOWNLOAD_BYTES)}). It is the file log.txt in the run folder: ${run.runDir}`,
        );
      const chunk = await readLogChunk(file, index, offset);
      return { fileName: `${run.scriptId}-${runId}.log`, size: index.bytes, ...chunk };
    },
    'run.list': async ({ limit, offset, startedFrom, startedBefore, ...filter }) => {
      // One spelling of each instant, so text order is time order (the store keeps toISOString's).
      const instant = (value: string | undefined) =>
        value === undefined ? undefined : new Date(value).toISOString();
      const page = runs.search(
        { ...filter, startedFrom: instant(startedFrom), startedBefore: instant(startedBefore) },
        limit ?? 100,
        offset ?? 0,
      );
      return {
        runs: page.runs.map((run) => ({
          ...stripRun(run),
          reason: run.reason,
          user: run.user,
          scheduleId: run.scheduleId,
        })),
        total: page.total,
      };
    },
    'run.scripts': async () => ({ scripts: runs.scripts() }),
    'run.matchingDryRun': async ({ scriptId, inputs }) => {
      const script = await catalogue.resolve(scriptId, identity.user);
      // As run-spec.ts records a run's inputs: sensitive values redacted, compared canonically.
      const wanted = canonicalJson(redactSensitive(script.schema, inputs));
      const run = runs.latestDryRunWith(scriptId, (recorded) => canonicalJson(recorded) === wanted);
      return {
        run: run && {
          runId: run.runId,
          status: run.status,
          startedAt: run.startedAt,
          scriptVersion: run.scriptVersion,
        },
      };
    },
    'run.delivery': async ({ runId }) => {
      runOf(runId);
      return deliveryOf(runId);
    },
    'run.cancel': async ({ runId }) => {
      runOf(runId);
      return { cancelled: runner.cancel(runId) };
    },
    ...createOutputHandlers(deps),
    ...createSecretHandlers(deps),
    ...createPresetHandlers(deps),
    ...deps.scheduleHandlers,
    ...createFileHandlers(deps),
    'audit.status': async () => deliveryStatus(),
    'prefs.get': async () => preferences.get(identity.user),
    'prefs.set': async (change) => {
      const next = preferences.set(identity.user, change);
      preferencesChanged(next);
      return next;
    },
    'audit.list': async ({ limit }) => ({
      events: journal.list(limit ?? 100).map(({ seq, event }) => ({
        seq,
        id: event.id,
        type: event.type,
        time: event.time,
        subject: event.subject,
        data: event.data,
      })),
    }),
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MB`;
}
