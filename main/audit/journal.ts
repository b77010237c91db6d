import { randomUUID } from 'node:crypto';
import type { DeliveryStatus } from '../contract/api.js';
import type { Db } from '../storage/database.js';
import type { ChainStart } from './chain.js';
import type { DeviceSigner } from './device-key.js';
import { MAX_EVENT_BYTES, type AuditEvent } from './event.js';
import { whereOf, type JournalFilter } from './journal-filter.js';
import { chainKeys, keyOf, verifyJournal, type JournalReport } from './journal-verify.js';
import { KEY_ROTATED_TYPE } from './key-rotation.js';

export type { AuditEvent } from './event.js';
export type { JournalFilter } from './journal-filter.js';

/** The event types ScriptDesk writes (reverse-DNS, as CloudEvents recommends). */
export const AUDIT_TYPES = {
  /** A run was accepted: it starts now or waits in the queue. */
  runRequested: 'dev.scriptdesk.run.requested',
  /** A run was refused before anything started (inputs, permission, secrets, environment…). */
  runRefused: 'dev.scriptdesk.run.refused',
  runStarted: 'dev.scriptdesk.run.started',
  runFinished: 'dev.scriptdesk.run.finished',
  runInterrupted: 'dev.scriptdesk.run.interrupted',
  catalogueSynced: 'dev.scriptdesk.catalogue.synced',
  catalogueRejected: 'dev.scriptdesk.catalogue.rejected',
  /** A run was given a secret from the keychain; data: {name, scriptId, runId}, never the value. */
  secretUsed: 'dev.scriptdesk.secret.used',
  /** A script's secret was stored in the keychain; data: {name, scriptId}, never the value. */
  secretSet: 'dev.scriptdesk.secret.set',
  /** A script's secret was removed from the keychain; data: {name, scriptId}. */
  secretCleared: 'dev.scriptdesk.secret.cleared',
  /** A setting of this computer changed; data: {setting, from?, to?} (never a secret value). */
  settingsChanged: 'dev.scriptdesk.settings.changed',
  /** A schedule passed times with no run for them (the computer was off or asleep; `skip`). */
  scheduleMissed: 'dev.scriptdesk.schedule.missed',
  /** ScriptDesk paused a schedule that can no longer run as set (inputs, script, scheduling). */
  schedulePaused: 'dev.scriptdesk.schedule.paused',
  /** The device key changed; data: {previousKey, reason} (see key-rotation.ts). */
  deviceKeyRotated: KEY_ROTATED_TYPE,
} as const;

/** A stored event with its sequence number. */
export interface JournalEntry {
  seq: number;
  event: AuditEvent;
}

/** Delivery to the audit endpoint, as the app and `scriptdesk audit flush` show it. */
export type DeliveryState = Omit<DeliveryStatus, 'endpoint' | 'nextAttemptAt'>;

/** A run's events in the journal, by delivery (see {@link AuditJournal.runDelivery}). */
type RunEventsDelivery = { events: number; pending: number; rejected: number; pruned: boolean };

/** The journal cannot take events: the run (or change) that needs one must not go on. */
export class JournalUnavailable extends Error {
  override name = 'JournalUnavailable';
}

interface Row {
  seq: number;
  body: string;
  hash: string;
}

/** A pending event as the reporter sends it. */
export interface OutboxEvent {
  seq: number;
  id: string;
  body: string;
}

/**
 * The local audit journal and the reporter's outbox. Each event is numbered, chained to the
 * previous one by hash and signed with the device key from the keychain, so editing, deleting or
 * reordering rows shows in {@link verify} and at the endpoint. Appends are synchronous on purpose:
 * a run may start only after its started event is durably on disk (the database runs with
 * `synchronous=FULL`). Rows are never changed except for their delivery state, and only delivered
 * rows older than the retention period are ever removed.
 */
export class AuditJournal {
  private signer: DeviceSigner | null = null;
  private signerProblem = 'the audit signing key has not been loaded yet';
  private readonly last;
  private readonly checkpoint;
  private readonly insert;
  private readonly appendInTransaction: (
    signer: DeviceSigner,
    type: string,
    subject: string,
    data: Record<string, unknown>,
  ) => AuditEvent;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly db: Db,
    private readonly source: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.last = db.prepare<[], Row>(
      'SELECT seq, body, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    this.checkpoint = db.prepare<[], ChainStart>(
      'SELECT sequence, hash FROM audit_checkpoint WHERE id = 1',
    );
    this.insert = db.prepare(
      'INSERT INTO audit_events (seq, id, type, time, subject, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.appendInTransaction = db.transaction(
      (signer: DeviceSigner, type: string, subject: string, data: Record<string, unknown>) => {
        const previous = this.last.get() ?? this.checkpointRow();
        const sequence = (previous?.seq ?? 0) + 1;
        const {
          event: signed,
          hash,
          body,
        } = signer.sign({
          specversion: '1.0',
          id: randomUUID(),
          source: this.source,
          type,
          time: this.now().toISOString(),
          subject,
          datacontenttype: 'application/json',
          sequence,
          prevhash: previous?.hash ?? '',
          data,
        });
        if (Buffer.byteLength(body) > MAX_EVENT_BYTES)
          throw new JournalUnavailable(
            `the ${type} record is larger than ${MAX_EVENT_BYTES / 1024 / 1024} MiB; use shorter inputs`,
          );
        this.insert.run(
          sequence,
          signed.id,
          type,
          signed.time,
          subject,
          body,
          signed.prevhash,
          hash,
        );
        return signed;
      },
    );
    const newest = this.last.get();
    if (newest) {
      const { source: journalSource } = JSON.parse(newest.body) as { source?: unknown };
      if (journalSource !== source)
        throw new Error(
          `the audit journal belongs to device ${String(journalSource)}, not ${source}; restore that device's device.json or move the database away`,
        );
    }
  }

  /**
   * Gives the journal the device's key; null (with why) when the keychain could not provide it.
   * When the key is new to a journal that already holds events (the keychain lost the device's
   * key and a new one was made), the change is journaled first, signed by the new key and naming
   * the key valid at the head of the chain, so verification knows from which event on the new key
   * holds. If that cannot be written the journal takes no key: an unexplained change of key would
   * look like tampering, and the next attempt records it. Returns the change when one was written.
   */
  setSigner(signer: DeviceSigner | null, problem?: string): AuditEvent | null {
    let change: AuditEvent | null = null;
    if (signer) {
      try {
        change = this.recordKeyChange(signer);
      } catch (error) {
        this.signer = null;
        this.signerProblem = `the audit signing key changed and the journal ${this.db.name} could not record it (${(error as Error).message}); make it writable and start ScriptDesk again`;
        throw new JournalUnavailable(this.signerProblem);
      }
      if (change) for (const listener of this.listeners) listener();
    }
    this.signer = signer;
    if (problem) this.signerProblem = problem;
    return change;
  }

  /**
   * Journals a `key_lost` rotation when `signer`'s key has signed nothing in this journal yet and
   * the chain's key at its head is another. That key is the one the chain itself records (its
   * first key, then each change), not merely the newest row's, which anyone able to write the
   * database could have set. A key already seen in the journal is never announced as new: that
   * would let a row someone added decide which key the device vouches for.
   */
  private recordKeyChange(signer: DeviceSigner): AuditEvent | null {
    return this.db.transaction(() => {
      const newest = this.last.get();
      // The usual start: the newest event is the keychain key's own, nothing to walk.
      if (!newest || keyOf(newest.body) === signer.publicKey) return null;
      const { headKey, seen } = chainKeys(this.db, this.checkpoint.get() ?? null);
      if (headKey === null || headKey === signer.publicKey || seen.has(signer.publicKey))
        return null;
      return this.appendInTransaction(signer, AUDIT_TYPES.deviceKeyRotated, 'device', {
        previousKey: headKey,
        reason: 'key_lost',
      });
    })();
  }

  /**
   * A keyed digest of `text` under this device's key (see {@link DeviceSigner.digest}): how a run
   * record names its full inputs without letting anyone guess a redacted value from it.
   */
  digest(text: string): string {
    if (!this.signer) throw new JournalUnavailable(this.signerProblem);
    return this.signer.digest(text);
  }

  get publicKey(): string | null {
    return this.signer?.publicKey ?? null;
  }

  /** Called after every append (the reporter wakes up). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends one signed, chained event and returns it; throws {@link JournalUnavailable} when it
   * could not be written, and then the caller must not go on. Inside a caller's transaction the
   * event is durable when that transaction commits.
   */
  append(type: string, subject: string, data: Record<string, unknown>): AuditEvent {
    const signer = this.signer;
    if (!signer) throw new JournalUnavailable(this.signerProblem);
    const event = this.appendInTransaction(signer, type, subject, data);
    for (const listener of this.listeners) listener();
    return event;
  }

  private checkpointRow(): Row | undefined {
    const checkpoint = this.checkpoint.get();
    return checkpoint && { seq: checkpoint.sequence, hash: checkpoint.hash, body: '' };
  }

  /** The newest events first, at most `limit`, optionally filtered. */
  list(limit: number, filter: JournalFilter = {}): JournalEntry[] {
    const { where, params } = whereOf(filter);
    const rows = this.db
      .prepare<unknown[], Row>(
        `SELECT seq, body, hash FROM audit_events ${where} ORDER BY seq DESC LIMIT ?`,
      )
      .all(...params, limit);
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body) as AuditEvent }));
  }

  /** Every matching event's stored text in sequence order, a page at a time (for export). */
  *bodies(filter: JournalFilter = {}): Generator<string> {
    const { where, params } = whereOf(filter, 'seq > ?');
    const page = this.db.prepare<unknown[], Row>(
      `SELECT seq, body, hash FROM audit_events ${where} ORDER BY seq LIMIT 1000`,
    );
    let after = 0;
    for (;;) {
      const rows = page.all(after, ...params);
      if (rows.length === 0) return;
      for (const row of rows) yield row.body;
      after = rows[rows.length - 1]!.seq;
    }
  }

  /** The oldest events the endpoint has not acknowledged, in order: at most `limit` and about `maxBytes`. */
  pending(limit: number, maxBytes: number): OutboxEvent[] {
    const rows = this.db
      .prepare<[number], OutboxEvent>(
        'SELECT seq, id, body FROM audit_events WHERE delivery IS NULL ORDER BY seq LIMIT ?',
      )
      .all(limit);
    let bytes = 0;
    const batch: OutboxEvent[] = [];
    for (const row of rows) {
      bytes += Buffer.byteLength(row.body) + 1;
      if (batch.length > 0 && bytes > maxBytes) break;
      batch.push(row);
    }
    return batch;
  }

  /**
   * Records what the endpoint answered for one batch, in one transaction: acknowledged events
   * are delivered, refused ones rejected with the reason.
   */
  recordDelivery(
    outcome: { delivered: number[]; rejected: { seq: number; reason: string }[] },
    at: Date = this.now(),
  ): void {
    const time = at.toISOString();
    const deliver = this.db.prepare(
      "UPDATE audit_events SET delivery = 'delivered', delivered_at = ? WHERE seq = ? AND delivery IS NULL",
    );
    const reject = this.db.prepare(
      "UPDATE audit_events SET delivery = 'rejected', delivered_at = ?, delivery_note = ? WHERE seq = ? AND delivery IS NULL",
    );
    this.db.transaction(() => {
      for (const seq of outcome.delivered) deliver.run(time, seq);
      for (const { seq, reason } of outcome.rejected) reject.run(time, reason, seq);
      this.setDeliveryState({
        last_attempt_at: time,
        ...(outcome.delivered.length ? { last_delivery_at: time } : {}),
        last_error: null,
      });
    })();
  }

  /** Records a failed attempt (the endpoint unreachable or refusing); `error` must hold no secret. */
  recordFailure(error: string, at: Date = this.now()): void {
    this.setDeliveryState({ last_attempt_at: at.toISOString(), last_error: error });
  }

  private setDeliveryState(values: Record<string, string | null>): void {
    this.db.prepare('INSERT OR IGNORE INTO audit_delivery (id) VALUES (1)').run();
    const columns = Object.keys(values);
    this.db
      .prepare(
        `UPDATE audit_delivery SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = 1`,
      )
      .run(...columns.map((c) => values[c]));
  }

  deliveryState(): DeliveryState {
    const counts = this.db
      .prepare<[], { pending: number; rejected: number; oldest: string | null }>(
        "SELECT (SELECT count(*) FROM audit_events WHERE delivery IS NULL) AS pending, (SELECT count(*) FROM audit_events WHERE delivery = 'rejected') AS rejected, (SELECT min(time) FROM audit_events WHERE delivery IS NULL) AS oldest",
      )
      .get()!;
    const state = this.db
      .prepare<
        [],
        {
          last_delivery_at: string | null;
          last_attempt_at: string | null;
          last_error: string | null;
        }
      >('SELECT last_delivery_at, last_attempt_at, last_error FROM audit_delivery WHERE id = 1')
      .get();
    return {
      pending: counts.pending,
      rejected: counts.rejected,
      oldestPending: counts.oldest,
      lastDeliveryAt: state?.last_delivery_at ?? null,
      lastAttemptAt: state?.last_attempt_at ?? null,
      lastError: state?.last_error ?? null,
    };
  }

  /**
   * Checks the whole local chain against the device key from the keychain (see
   * {@link verifyJournal}); starts after the checkpoint pruning left, if any.
   */
  verify(deviceKey: string): JournalReport {
    return verifyJournal(this.db, this.checkpoint.get() ?? null, deviceKey);
  }

  /**
   * How a run's events stand with the endpoint: how many are still in the journal, how many of
   * them wait to be delivered and how many it refused; `pruned` says whether delivered events were
   * ever removed (so a run with none left may have been delivered and pruned).
   */
  runDelivery(runId: string): RunEventsDelivery {
    const counts = this.db
      .prepare<[string], { events: number; pending: number | null; rejected: number | null }>(
        `SELECT count(*) AS events, sum(delivery IS NULL) AS pending, sum(delivery = 'rejected') AS rejected
         FROM audit_events WHERE json_extract(body, '$.data.runId') = ?`,
      )
      .get(runId)!;
    const pruned = this.checkpoint.get() !== undefined;
    return { ...counts, pending: counts.pending ?? 0, rejected: counts.rejected ?? 0, pruned };
  }

  /**
   * Removes delivered events older than `before`, oldest first and never past an undelivered one
   * or the newest event, and remembers where the chain continues so {@link verify} still checks
   * what is left. Returns how many were removed.
   */
  prune(before: Date): number {
    return this.db.transaction(() => {
      const boundary = this.db
        .prepare<[string], { seq: number | null }>(
          'SELECT max(seq) AS seq FROM audit_events WHERE seq < (SELECT coalesce(min(seq), 9e18) FROM audit_events WHERE delivery IS NULL OR time >= ?) AND seq < (SELECT max(seq) FROM audit_events)',
        )
        .get(before.toISOString());
      const through = boundary?.seq;
      if (!through) return 0;
      const last = this.db
        .prepare<[number], Row>('SELECT seq, body, hash FROM audit_events WHERE seq = ?')
        .get(through)!;
      const removed = this.db
        .prepare('DELETE FROM audit_events WHERE seq <= ?')
        .run(through).changes;
      this.db
        .prepare(
          'INSERT INTO audit_checkpoint (id, sequence, hash, pruned_at) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash, pruned_at = excluded.pruned_at',
        )
        .run(last.seq, last.hash, this.now().toISOString());
      return removed;
    })();
  }
}
