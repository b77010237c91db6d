import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../storage/database.js';

/** A CloudEvents 1.0 event as ScriptDesk writes it. */
export interface AuditEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  /** Per-device sequence number: gaps and reordering are detectable. */
  sequence: number;
  /** Hash of the previous event's body ("" for the first). */
  prevhash: string;
  data: Record<string, unknown>;
}

/** The event types ScriptDesk writes (reverse-DNS, as CloudEvents recommends). */
export const AUDIT_TYPES = {
  runStarted: 'dev.scriptdesk.run.started',
  runFinished: 'dev.scriptdesk.run.finished',
  runQueued: 'dev.scriptdesk.run.queued',
  runInterrupted: 'dev.scriptdesk.run.interrupted',
  catalogueSynced: 'dev.scriptdesk.catalogue.synced',
  catalogueRejected: 'dev.scriptdesk.catalogue.rejected',
  /** A script's secret was stored in the keychain; data: {name, scriptId}, never the value. */
  secretSet: 'dev.scriptdesk.secret.set',
  /** A script's secret was removed from the keychain; data: {name, scriptId}. */
  secretCleared: 'dev.scriptdesk.secret.cleared',
} as const;

/** A stored event with its sequence number. */
export interface JournalEntry {
  seq: number;
  event: AuditEvent;
}

interface Row {
  seq: number;
  body: string;
  hash: string;
}

/**
 * The local audit journal: append-only, each event chained to the previous by hash. Appends are
 * synchronous on purpose — a run may start only after its started event is durably on disk.
 */
export class AuditJournal {
  private readonly last;
  private readonly insert;

  constructor(
    private readonly db: Db,
    private readonly source: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.last = db.prepare<[], Row>(
      'SELECT seq, body, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    this.insert = db.prepare(
      'INSERT INTO audit_events (seq, id, type, time, subject, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** Appends one event and returns it; throws if it could not be written (the caller must not proceed). */
  append(type: string, subject: string, data: Record<string, unknown>): AuditEvent {
    return this.db.transaction(() => {
      const previous = this.last.get();
      const event: AuditEvent = {
        specversion: '1.0',
        id: randomUUID(),
        source: this.source,
        type,
        time: this.now().toISOString(),
        subject,
        datacontenttype: 'application/json',
        sequence: (previous?.seq ?? 0) + 1,
        prevhash: previous?.hash ?? '',
        data,
      };
      const body = JSON.stringify(event);
      const hash = createHash('sha256').update(body).digest('hex');
      this.insert.run(
        event.sequence,
        event.id,
        type,
        event.time,
        subject,
        body,
        event.prevhash,
        hash,
      );
      return event;
    })();
  }

  /** The newest events first, at most `limit`. */
  list(limit: number): JournalEntry[] {
    const rows = this.db
      .prepare<[number], Row>('SELECT seq, body, hash FROM audit_events ORDER BY seq DESC LIMIT ?')
      .all(limit);
    return rows.map((row) => ({ seq: row.seq, event: JSON.parse(row.body) as AuditEvent }));
  }
}
