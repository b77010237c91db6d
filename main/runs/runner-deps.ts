import type { AuditJournal } from '../audit/journal.js';
import type { CatalogueService } from '../catalogue/catalogue-service.js';
import type { ApiEvent } from '../contract/api.js';
import type { Identity } from '../identity/identity.js';
import type { PythonRuntime } from '../python/runtime.js';
import type { VenvManager } from '../python/venvs.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { RunStore } from './run-store.js';
import type { RunIntegrity } from './script-integrity.js';

/** What the runner works with; each part of it takes the few of these it needs. */
export interface RunnerDeps {
  catalogue: CatalogueService;
  journal: AuditJournal;
  runs: RunStore;
  venvs: VenvManager;
  runtime: () => Promise<PythonRuntime>;
  secrets: SecretStore;
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
  /** Whether file inputs may be on a Windows network share (machine policy; default no). */
  allowNetworkPaths?: boolean;
}
