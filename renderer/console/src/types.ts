/**
 * The shapes of the console API's answers that the pages read (the server's own types live in
 * main/server/console/, which the page cannot import: they pull in Node).
 */

export type Role = 'admin' | 'auditor';

export interface SessionInfo {
  role: Role;
  expiresAt: string;
}

export interface RunSummary {
  source: string;
  runId: string;
  time: string;
  scriptId: string | null;
  scriptVersion: string | null;
  user: string | null;
  host: string | null;
  status: string | null;
  exitCode: number | null;
  reason: string | null;
  catalogueVersion: number | null;
  dryRun: boolean | null;
  startedAt: string | null;
  finishedAt: string | null;
  sequences: { requested: number | null; started: number | null; finished: number | null };
}

export interface RunPage {
  runs: RunSummary[];
  next: string | null;
}

export interface FlagEntry {
  id: number;
  kind: string;
  sequence?: number | null;
  message: string;
  receivedAt: string;
}

export interface RunEvent {
  sequence: number;
  event?: {
    id: string;
    type: string;
    time: string;
    devicekey: string;
    data: Record<string, unknown>;
  };
  check: {
    signatureValid: boolean;
    keyStatus: 'active' | 'pending' | 'revoked' | null;
    link: 'linked' | 'broken' | 'gap';
    flags: FlagEntry[];
    verified: boolean;
  };
}

export interface RunDetail {
  run: RunSummary;
  events: RunEvent[];
}

export interface IntegrityReport {
  meanings: Record<string, { meaning: string; action: string }>;
  devices: { source: string; counts: Record<string, number>; flags: FlagEntry[] }[];
}

export interface DeviceInfo {
  source: string;
  keys: { key: string; status: 'active' | 'pending' | 'revoked'; firstSeen: string }[];
  events: number;
  headSequence: number;
  flags: number;
  lastSeen: string | null;
  backlog: number | null;
}

export interface AdminLogEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  source: string;
  key: string | null;
  outcome: string;
}

export interface Insights {
  since: string;
  until: string;
  scripts: {
    scriptId: string | null;
    runs: number;
    finished: number;
    succeeded: number;
    failed: number;
    successRate: number | null;
    medianMs: number | null;
    p95Ms: number | null;
  }[];
  perDay: { day: string; runs: number; failed: number }[];
  failures: { status: string; exitCode: number | null; runs: number }[];
  users: { user: string | null; runs: number; failed: number; lastRun: string }[];
  devices: { source: string; runs: number; failed: number; lastRun: string }[];
  adoption: { source: string; catalogueVersion: number | null; runs: number; lastRun: string }[];
}
