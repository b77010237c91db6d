import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from '../../main/dev/postgres-cluster.js';
import { POSTGRES_CLUSTER } from './os-needs.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test run's PostgreSQL cluster (trust authentication, 127.0.0.1). */
    postgresUrl: string;
  }
}

/**
 * Vitest global setup: one throwaway PostgreSQL cluster for the whole run, so the audit server's
 * PostgreSQL store is tested for real. Tests get its URL with `inject('postgresUrl')`, and a
 * database of their own with `freshPostgresDatabase()` (postgres-database.ts). Without the
 * PostgreSQL binaries the run fails, naming the package to install: CI must not skip these.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!POSTGRES_CLUSTER.met) {
    // Elsewhere the PostgreSQL store's tests are skipped with the reason (AUDIT_STORES).
    project.provide('postgresUrl', '');
    return async () => {};
  }
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
