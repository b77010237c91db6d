import { mkdir } from 'node:fs/promises';
import { createAuthorityAjv } from '../../forms/authority-validator.js';
import { AUDIT_TYPES, AuditJournal } from '../audit/journal.js';
import { CatalogueService, type SyncListener } from '../catalogue/catalogue-service.js';
import { TrustStore } from '../catalogue/trust-store.js';
import type { ApiEvent } from '../contract/api.js';
import { createDispatcher, type Dispatch } from '../contract/dispatcher.js';
import { loadIdentity, type Identity } from '../identity/identity.js';
import { resolvePythonRuntime, type PythonRuntime } from '../python/runtime.js';
import { VenvManager } from '../python/venvs.js';
import { RunStore } from '../runs/run-store.js';
import { Runner } from '../runs/runner.js';
import { openDatabase } from '../storage/database.js';
import { EventHub } from './event-hub.js';
import { createHandlers } from './handlers.js';
import { homePaths, type HomePaths } from './home.js';

/** The assembled main side: what the Electron shell, the web host and the CLI all drive. */
export interface ScriptDeskApp {
  dispatch: Dispatch;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  close(): Promise<void>;
  /** The parts, for the CLI's admin commands and tests. */
  services: {
    paths: HomePaths;
    identity: Identity;
    catalogue: CatalogueService;
    runner: Runner;
    journal: AuditJournal;
    trust: TrustStore;
  };
}

export interface AppOptions {
  home: string;
  /** Where internal errors go (never to the caller). Defaults to stderr. */
  logError?: (message: string) => void;
}

/** Opens the data folder and wires every service together. */
export async function openScriptDeskApp(options: AppOptions): Promise<ScriptDeskApp> {
  const paths = homePaths(options.home);
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  const logError = options.logError ?? ((message: string) => process.stderr.write(`${message}\n`));
  const identity = await loadIdentity(paths.device);
  const db = openDatabase(paths.database);
  const journal = new AuditJournal(db, identity.source);
  const runs = new RunStore(db);
  const trust = new TrustStore(paths.trustedKeys);
  const catalogue = new CatalogueService(paths, trust, () => new Date(), journalSyncs(journal));
  const hub = new EventHub();
  let runtime: Promise<PythonRuntime> | undefined;
  const runner = new Runner({
    catalogue,
    journal,
    runs,
    venvs: new VenvManager(paths.venvs),
    runtime: () =>
      (runtime ??= resolvePythonRuntime().catch((error: unknown) => {
        runtime = undefined;
        throw error;
      })),
    ajv: createAuthorityAjv(),
    identity,
    runsDir: paths.runs,
    emit: hub.emit,
  });
  const dispatch = createDispatcher(
    createHandlers({ catalogue, runner, runs, journal, identity }),
    (method, error) =>
      logError(`[scriptdesk] ${method} failed: ${(error as Error).stack ?? String(error)}`),
  );
  return {
    dispatch,
    subscribe: (listener) => hub.subscribe(listener),
    async close() {
      await runner.shutdown();
      db.close();
    },
    services: { paths, identity, catalogue, runner, journal, trust },
  };
}

function journalSyncs(journal: AuditJournal): SyncListener {
  return (outcome) => {
    if (outcome.ok) {
      if (outcome.result.kind === 'unchanged') return;
      const { document, previousVersion, blobsFetched, keyId } = outcome.result;
      journal.append(AUDIT_TYPES.catalogueSynced, `catalogue@${document.version}`, {
        from: outcome.location,
        version: document.version,
        previousVersion,
        keyId,
        blobsFetched,
        expires: document.expires,
      });
    } else {
      journal.append(AUDIT_TYPES.catalogueRejected, 'catalogue', {
        from: outcome.location,
        reason: outcome.error.reason,
        message: outcome.error.message,
      });
    }
  };
}
