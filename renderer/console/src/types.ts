/**
 * The shapes of the console API's answers that the pages read. Runs and insights come from the
 * server's `console-types.ts`; the rest are written here because the server's types of them
 * reach into Node (the event envelope, the store).
 */

import type { RunSummary } from '../../../main/server/console/console-types';

export type {
  ConsoleAlertDelivery as AlertDelivery,
  ConsoleAlertPage as AlertPage,
  ConsoleAlertSummary as AlertSummary,
  Insights,
  RunSummary,
} from '../../../main/server/console/console-types';

export type Role = 'admin' | 'auditor';

export interface SessionInfo {
  role: Role;
  expiresAt: string;
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
