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
