import type { AuditJournal } from '../audit/journal.js';
import type { CatalogueService } from '../catalogue/catalogue-service.js';
import type { ApiEvent } from '../contract/api.js';
import type { Identity } from '../identity/identity.js';
import type { PresetStore } from '../presets/preset-store.js';
import type { Runner } from '../runs/runner.js';
import type { RunStore } from '../runs/run-store.js';
import type { Db } from '../storage/database.js';
import { createScheduleHandlers } from './schedule-handlers.js';
import { ScheduleStore } from './schedule-store.js';
import { Scheduler } from './scheduler.js';

/** The schedules part of the app: its store, its scheduler and its API handlers, wired once. */
export function openSchedules(deps: {
  db: Db;
  catalogue: CatalogueService;
  presets: PresetStore;
  runner: Runner;
  runs: RunStore;
  journal: AuditJournal;
  identity: Identity;
  emit: (event: ApiEvent) => void;
  logError: (message: string) => void;
  clock?: () => Date;
}) {
  const store = new ScheduleStore(deps.db);
  const check = {
    catalogue: deps.catalogue,
    presets: deps.presets,
    runner: deps.runner,
    user: deps.identity.user,
  };
  const scheduler = new Scheduler({ ...deps, store, check });
  const handlers = createScheduleHandlers({
    store,
    scheduler,
    check,
    runs: deps.runs,
    ...(deps.clock ? { now: deps.clock } : {}),
  });
  return { store, scheduler, handlers };
}
