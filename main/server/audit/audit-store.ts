import type { AlertQueue } from './alert-queue.js';
import type { SqlDialect } from './duration-buckets.js';
import type { EventKey } from './event-rows.js';
import type { CheckedEvent, IngestOptions } from './ingest-plan.js';
import type { Device, EventFilters, EventResult, Flag, KeyStatus } from '../../audit/protocol.js';

/**
 * Where the audit endpoint keeps events, device keys, chain heads and flags. Two implementations
 * (SQLite, PostgreSQL) behave the same: the ingest rules live once in `ingest-plan.ts`, and each
 * store only loads what a batch needs and writes the plan back in one transaction.
 *
 * Events are append-only in both (the database itself refuses UPDATE and DELETE on them).
 */
export interface AuditStore {
  /** Where the data lives, fit to print: a file path or a URL with its password replaced. */
  readonly location: string;
  /** Which SQL the store speaks, for the few console queries whose SQL differs. */
  readonly dialect: SqlDialect;
  /** The webhook queue and the devices' last reports, in the same database. */
  readonly alerts: AlertQueue;
  /** Judges and stores one batch atomically; returns one result per offered event, in order. */
  ingest(batch: readonly CheckedEvent[], options: IngestOptions): Promise<EventResult[]>;
  /** One page of events matching the filters, in the order asked for. */
  events(query: EventPageQuery): Promise<StoredEventRow[]>;
  /** One page of a device's events in (sequence, id) order, for checking its chain. */
  chain(source: string, after: ChainCursor | undefined, limit: number): Promise<ChainRow[]>;
  /** Devices with their keys and counts; only `source` when given. Sorted by source. */
  devices(source?: string): Promise<Device[]>;
  /** Approves or revokes keys of a device; see {@link KeyChange}. */
  changeKeys(change: KeyChange): Promise<KeyChangeOutcome>;
  /** One page of flags in the order they were recorded. */
  flags(query: FlagPageQuery): Promise<Flag[]>;
  /**
   * Runs one read-only SELECT the console builds (`?` placeholders, values only as parameters,
   * SQL text only from code). Numbers come back as numbers in both stores.
   */
  select<Row>(sql: string, params: readonly unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

export interface EventPageQuery extends EventFilters {
  order: 'asc' | 'desc';
  /** Only events strictly past this key in `order`. */
  after?: EventKey;
  limit: number;
}

export interface StoredEventRow extends EventKey {
  receivedAt: string;
  /** The canonical JSON the device signed, byte for byte. */
  body: string;
}

export interface ChainCursor {
  sequence: number;
  id: string;
}

export interface ChainRow extends ChainCursor {
  body: string;
}

export interface FlagPageQuery {
  source?: string;
  /** Only flags with a greater id. */
  afterId?: number;
  limit: number;
}

/**
 * `approve`: pending keys become active (all of them when `key` is absent); a revoked key comes
 * back only when named. `revoke`: the key, or every key of the device, becomes revoked.
 */
export interface KeyChange {
  action: 'approve' | 'revoke';
  source: string;
  key?: string;
  /** When it happened (ISO 8601 UTC). */
  at: string;
  /** Who asked, for the admin log: `admin-api` (the admin token) or `console:admin`. */
  actor: string;
}

export type KeyChangeOutcome =
  | { ok: true; changed: { key: string; status: KeyStatus }[] }
  | { ok: false; missing: 'device' | 'key' };
