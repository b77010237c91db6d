import { mkdir } from 'node:fs/promises';
import { loadDeviceSigner } from '../audit/device-key.js';
import { AuditJournal } from '../audit/journal.js';
import { keyLostMessage } from '../audit/key-rotation.js';
import { AUDIT_TOKEN_NAME, AuditReporter } from '../audit/reporter.js';
import { CatalogueService } from '../catalogue/catalogue-service.js';
import { journalSyncs } from './journal-syncs.js';
import { TrustStore } from '../catalogue/trust-store.js';
import { watchInstalls } from '../catalogue/install-watch.js';
import { CatalogueRejected } from '../catalogue/verify.js';
import type { ApiEvent, DeliveryStatus } from '../contract/api.js';
import { createDispatcher, type Dispatch } from '../contract/dispatcher.js';
import { loadIdentity, type Identity } from '../identity/identity.js';
import { resolvePythonRuntime, type PythonRuntime } from '../python/runtime.js';
import { VenvManager } from '../python/venvs.js';
import { ScriptEnvironments } from '../python/script-environments.js';
import { PresetStore } from '../presets/preset-store.js';
import { openSchedules } from '../schedules/schedules.js';
import type { Scheduler } from '../schedules/scheduler.js';
import type { ChooseRequest } from '../files/file-handlers.js';
import { RunStore } from '../runs/run-store.js';
import { Runner } from '../runs/runner.js';
import { RunIntegrity } from '../runs/script-integrity.js';
import { describePolicy, policyFile, readPolicy, type Policy } from '../policy/policy.js';
import { KeytarSecretStore } from '../secrets/keytar-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { openDatabase } from '../storage/database.js';
import { PreferenceStore } from '../storage/preference-store.js';
import { longRunNotice } from '../runs/long-run-notice.js';
import { EventHub } from './event-hub.js';
import type { DesktopShell } from './desktop-shell.js';
import { createHandlers } from './handlers.js';
import { homePaths, type HomePaths } from '../shared/home.js';
import { updatesOffNotice, type UpdateNotice } from '../updates/notice.js';
import { ApiFailure } from '../contract/errors.js';

/** The assembled main side: what the Electron shell, the web host and the CLI all drive. */
export interface ScriptDeskApp {
  dispatch: Dispatch;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** A form validator module the renderer may load (`/validators/<sha256>.js`), or null. */
  validatorModule(sha256: string): Promise<Buffer<ArrayBuffer> | null>;
  close(): Promise<void>;
  /** The parts, for the CLI's admin commands and tests. */
  services: {
    paths: HomePaths;
    identity: Identity;
    catalogue: CatalogueService;
    runner: Runner;
    journal: AuditJournal;
    /** Delivers the journal to the policy's audit endpoint (null: none configured). */
    reporter: AuditReporter | null;
    /** Delivery as shown in the app and by `scriptdesk audit flush`. */
    deliveryStatus(): DeliveryStatus;
    /** Loads the device's signing key from the keychain if it is not loaded yet; throws why not. */
    journalReady(): Promise<void>;
    policy: Policy;
    trust: TrustStore;
    secrets: SecretStore;
    environments: ScriptEnvironments;
    /** Starts scheduled runs (long-running hosts only start it). */
    scheduler: Scheduler;
  };
}

/** How often the desktop app and the web host check for a newer catalogue. */
export const DEFAULT_SYNC_INTERVAL_MS = 15 * 60_000;

export interface AppOptions {
  home: string;
  /** Where internal errors go (never to the caller). Defaults to stderr. */
  logError?: (message: string) => void;
  /**
   * Sync the catalogue from the configured source now and then every this many milliseconds
   * (the desktop app and the web host do; one-shot CLI commands do not).
   */
  autoSyncMs?: number;
  /** The wall clock (tests turn it back and forth). */
  clock?: () => Date;
  /** Where script secrets live (default: the OS keychain through keytar). */
  secrets?: SecretStore;
  /** The machine policy (default: read from the policy file, see main/policy/policy.ts). */
  policy?: Policy;
  /** The desktop shell's file dialog (Electron only; see main/electron/file-dialog.ts). */
  chooseFile?: (request: ChooseRequest) => Promise<string | null>;
  /** The folder the in-page file browser may show (default: the user's home). */
  browseRoot?: string;
  /** The desktop app's save dialog and shell (Electron's); absent in the web host and the CLI. */
  desktop?: DesktopShell;
  /**
   * The packaged app's resources folder (Electron's `process.resourcesPath`), whose `python/`
   * holds the Python the package carries; absent in development, the web host and the CLI.
   */
  resourcesDir?: string;
  /** The desktop app's update state for About (main/updates/); without it, updates are off here. */
  updateNotice?: () => UpdateNotice;
}

/** Opens the data folder and wires every service together. */
export async function openScriptDeskApp(options: AppOptions): Promise<ScriptDeskApp> {
  const paths = homePaths(options.home);
  const { policy, view: policyView } = options.policy
    ? { policy: options.policy, view: describePolicy(options.policy, null, policyFile()) }
    : await readPolicy();
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  const logError = options.logError ?? ((message: string) => process.stderr.write(`${message}\n`));
  const identity = await loadIdentity(paths.device);
  const db = openDatabase(paths.database);
  let journal: AuditJournal;
  try {
    journal = new AuditJournal(db, identity.source, options.clock);
  } catch (error) {
    db.close();
    throw error;
  }
  const runs = new RunStore(db);
  const preferences = new PreferenceStore(db);
  const trust = new TrustStore(paths.trustedKeys);
  const hub = new EventHub();
  // Every run of this process that ends after a long time tells the windows (which show a badge
  // and, in the web host, a browser notification) and the Electron shell (an OS notification).
  hub.subscribe((event) => {
    if (event.name !== 'run.status' || event.payload.finishedAt === null) return;
    const notice = longRunNotice(event.payload, {
      notify: preferences.get(identity.user).notifyLongRuns,
      longRunSeconds: policy.notifications.longRunSeconds,
    });
    if (notice) hub.emit({ name: 'run.notice', payload: notice });
  });
  const secrets = options.secrets ?? new KeytarSecretStore();
  // The device key signs every event. Without it nothing can be journaled, so nothing runs; the
  // app still opens (to show why) and tries the keychain again at the next run.
  let signerLoading: Promise<void> | null = null;
  const journalReady = () =>
    journal.publicKey
      ? Promise.resolve()
      : (signerLoading ??= loadDeviceSigner(secrets, identity.deviceId)
          .then((signer) => {
            const change = journal.setSigner(signer);
            if (change) logError(`[scriptdesk] ${keyLostMessage(change.sequence)}`);
          })
          .catch((error: unknown) => {
            journal.setSigner(null, (error as Error).message);
            throw error;
          })
          .finally(() => (signerLoading = null)));
  // A one-shot command that needs the journal reports the problem itself; the app logs it once.
  await journalReady().catch((error: unknown) => {
    if (options.autoSyncMs !== undefined)
      logError(
        `[scriptdesk] audit events cannot be signed, so no script can run: ${(error as Error).message}`,
      );
  });
  const reporter = policy.audit.endpoint
    ? new AuditReporter({
        journal,
        endpoint: policy.audit.endpoint,
        token: () => secrets.get(AUDIT_TOKEN_NAME),
        onChange: () => hub.emit({ name: 'audit.status', payload: deliveryStatus() }),
      })
    : null;
  const deliveryStatus = (): DeliveryStatus =>
    reporter?.status() ?? { endpoint: null, nextAttemptAt: null, ...journal.deliveryState() };
  const journalSync = journalSyncs(journal);
  // Only long-running hosts build ahead; one-shot CLI commands stay fast (a run builds on demand).
  const prepareInBackground = options.autoSyncMs !== undefined;
  // The installed version the environments were last prepared for (long-running hosts).
  let installedVersion: number | undefined;
  const catalogue = new CatalogueService({
    paths,
    trust,
    ...(options.clock ? { clock: options.clock } : {}),
    // Every installed or refused catalogue is journaled: no sync when that cannot be done.
    recordable: journalReady,
    onSync: (outcome) => {
      journalSync(outcome);
      if (outcome.ok && outcome.result.kind === 'updated')
        installedVersion = outcome.result.document.version;
      // Build the new catalogue's environments now, so the first Run never waits for pip; after a
      // sync with nothing new too, which rebuilds a venv that no longer matches what was built.
      if (prepareInBackground && outcome.ok) void environments.prepare();
    },
  });
  /** Tells every window the catalogue's status, and returns it (undefined when it failed). */
  const publishStatus = async () => {
    try {
      const status = await catalogue.status();
      hub.emit({ name: 'catalogue.status', payload: status });
      return status;
    } catch (error) {
      logError(`[scriptdesk] catalogue status failed: ${(error as Error).stack ?? String(error)}`);
      return undefined;
    }
  };
  let runtime: Promise<PythonRuntime> | undefined;
  const pythonRuntime = () =>
    (runtime ??= resolvePythonRuntime({
      policy: { file: policyFile(), python: policy.python },
      ...(options.resourcesDir ? { resourcesDir: options.resourcesDir } : {}),
    }).catch((error: unknown) => {
      runtime = undefined;
      throw error;
    }));
  const venvs = new VenvManager(paths.venvs, {
    manifestsDir: paths.venvManifests,
    onStatus: (scriptId, environment) =>
      hub.emit({ name: 'environment.status', payload: { scriptId, environment } }),
  });
  const environments = new ScriptEnvironments({
    venvs,
    runtime: pythonRuntime,
    scripts: () => catalogue.environmentInputsFor(identity.user),
    logError,
  });
  const runner = new Runner({
    catalogue,
    journal,
    runs,
    venvs,
    runtime: pythonRuntime,
    secrets,
    identity,
    runsDir: paths.runs,
    emit: hub.emit,
    maxConcurrentRuns: policy.maxConcurrentRuns,
    maxOutputBytes: policy.maxOutputBytes,
    allowNetworkPaths: policy.files.allowNetworkPaths,
    journalReady,
    journalFile: paths.database,
    logError,
    integrity: new RunIntegrity({ home: paths.home, venvs, logError }),
  });
  // Runs a crash or power loss left unfinished are recorded as interrupted before anything else.
  // If that cannot be written now (a read-only journal), the app still opens; the next start tries again.
  await runner
    .recoverUnfinished()
    .catch((error: unknown) =>
      logError(
        `[scriptdesk] unfinished runs could not be recorded as interrupted: ${(error as Error).message}`,
      ),
    );
  const presets = new PresetStore(db);
  const { scheduler, handlers: scheduleHandlers } = openSchedules({
    ...{ db, catalogue, presets, runner, runs, journal, identity, emit: hub.emit, logError },
    ...(options.clock ? { clock: options.clock } : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let installWatch: { close(): void } | undefined;
  let closed = false;
  const ticks = new Set<Promise<void>>();
  /**
   * Syncs from the configured source, telling every window when it starts and ends. A refused
   * catalogue is recorded in the status and the journal; anything else is a bug and is thrown.
   */
  const syncAndPublish = async () => {
    const failure = catalogue.sync().then(
      () => null,
      (error: unknown) => (error instanceof CatalogueRejected ? null : error),
    );
    await publishStatus(); // "syncing…"
    const unexpected = await failure;
    if (!closed) await publishStatus();
    if (unexpected) throw unexpected;
  };

  const dispatch = createDispatcher(
    createHandlers({
      catalogue,
      runner,
      runs,
      journal,
      identity,
      secrets,
      environments,
      syncAndPublish,
      deliveryStatus,
      presets,
      scheduleHandlers,
      ...(options.chooseFile ? { chooseFile: options.chooseFile } : {}),
      ...(options.browseRoot ? { browseRoot: options.browseRoot } : {}),
      preferences,
      longRunSeconds: policy.notifications.longRunSeconds,
      preferencesChanged: (payload) => hub.emit({ name: 'prefs.changed', payload }),
      desktop: options.desktop ?? null,
      pythonRuntime,
      policyView,
      updateNotice: options.updateNotice ?? (() => updatesOffNotice(policy.updates)),
    }),
    (method, error) =>
      logError(`[scriptdesk] ${method} failed: ${(error as Error).stack ?? String(error)}`),
  );
  if (options.autoSyncMs !== undefined) {
    const syncNow = () => {
      const tick = syncOnce().catch((error: unknown) =>
        logError(
          `[scriptdesk] catalogue sync failed: ${error instanceof ApiFailure ? error.message : ((error as Error).stack ?? String(error))}`,
        ),
      );
      ticks.add(tick);
      void tick.finally(() => ticks.delete(tick));
    };
    const syncOnce = async () => {
      if (closed || (await catalogue.source()) === null || closed) return;
      await syncAndPublish();
    };
    syncNow();
    void environments.prepare(); // the catalogue installed before this start
    // A catalogue installed by another process (`scriptdesk sync`, another window) reaches the
    // open windows, and its environments are built, without a restart. This process's own
    // installs are prepared by onSync, which records their version first.
    installedVersion ??= await catalogue.status().then(
      (status) => status.installed?.version,
      () => undefined,
    );
    installWatch = await watchInstalls(
      paths.catalogue,
      () => {
        if (closed) return;
        void publishStatus().then((status) => {
          const version = status?.installed?.version;
          if (closed || !status || version === installedVersion) return;
          installedVersion = version;
          void environments.prepare();
        });
      },
      logError,
    );
    reporter?.start();
    // Scheduled runs happen while a long-running host (desktop app, web host) runs; a catalogue
    // change pauses, at once, the schedules it broke.
    hub.subscribe((event) => {
      if (event.name === 'catalogue.status') scheduler.poke(true);
    });
    scheduler.start();
    const prune = () => {
      try {
        journal.prune(new Date(Date.now() - policy.audit.retainDeliveredDays * 86_400_000));
      } catch (error) {
        logError(`[scriptdesk] old audit events could not be pruned: ${(error as Error).message}`);
      }
    };
    prune();
    pruneTimer = setInterval(prune, 86_400_000);
    pruneTimer.unref();
    timer = setInterval(syncNow, options.autoSyncMs);
    timer.unref();
  }
  return {
    dispatch,
    subscribe: (listener) => hub.subscribe(listener),
    validatorModule: (sha256) => catalogue.validatorModule(sha256),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      installWatch?.close();
      await scheduler.close();
      // Background venv builds are abandoned (their staging folders removed), not awaited.
      await environments.close();
      // Never close the database under a sync that is journaling.
      await Promise.all([...ticks, catalogue.settled()]);
      await runner.shutdown();
      // After the runs: their last events go now if the endpoint answers, else at the next start.
      await reporter?.stop();
      db.close();
    },
    services: {
      paths,
      identity,
      catalogue,
      runner,
      journal,
      reporter,
      deliveryStatus,
      journalReady,
      policy,
      trust,
      secrets,
      environments,
      scheduler,
    },
  };
}
