/**
 * Shapes of console API answers that the console's pages read as well. This file imports
 * nothing, so the pages (browser code) can import its types without pulling in Node.
 */

/** One run as the console lists it. */
export interface RunSummary {
  source: string;
  runId: string;
  time: string;
  scriptId: string | null;
  scriptVersion: string | null;
  user: string | null;
  host: string | null;
  /** null while the run has no finished event stored. */
  status: string | null;
  exitCode: number | null;
  reason: string | null;
  catalogueVersion: number | null;
  dryRun: boolean | null;
  startedAt: string | null;
  finishedAt: string | null;
  sequences: { requested: number | null; started: number | null; finished: number | null };
}

/** The Insights page's figures over a date range. */
export interface Insights {
  since: string;
  until: string;
  scripts: {
    scriptId: string | null;
    runs: number;
    succeeded: number;
    failed: number;
    /** Runs with a finished (or interrupted) event stored. */
    finished: number;
    /** succeeded / finished, 0..1; null with no finished run. */
    successRate: number | null;
    medianMs: number | null;
    p95Ms: number | null;
  }[];
  perDay: { day: string; runs: number; failed: number }[];
  failures: { status: string; exitCode: number | null; runs: number }[];
  users: { user: string | null; runs: number; failed: number; lastRun: string }[];
  devices: { source: string; runs: number; failed: number; lastRun: string }[];
  adoption: {
    source: string;
    catalogueVersion: number | null;
    runs: number;
    lastRun: string;
  }[];
}

/**
 * One (alert, target) delivery as the console lists it: the rows of `GET /v1/admin/alerts`
 * (`AlertDelivery` in `../audit/alert-queue.ts`, which this must stay assignable from).
 */
export interface ConsoleAlertDelivery {
  alertId: string;
  /** run-failed, integrity, device-pending or device-silent. */
  kind: string;
  source: string | null;
  /** What raised it (device, script, runId, status, flag, ...): never secrets or raw inputs. */
  facts: Record<string, unknown>;
  createdAt: string;
  /** The target's name from the server config: never its URL or secret. */
  target: string;
  state: 'pending' | 'delivering' | 'delivered' | 'failed-retrying' | 'gave-up';
  attempts: number;
  nextAt: string;
  lastError: string | null;
  updatedAt: string;
}

/** A page of the Alerts page, newest first; `enabled` false: the server has no alerts config. */
export interface ConsoleAlertPage {
  enabled: boolean;
  deliveries: ConsoleAlertDelivery[];
  next: string | null;
}

/** What the navigation shows: whether alerts are on, and how many deliveries are failing. */
export interface ConsoleAlertSummary {
  enabled: boolean;
  failing: number;
}
