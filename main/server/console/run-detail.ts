import { eventHash, hasValidSignature, parseEvent, type AuditEvent } from '../../audit/event.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { FlagKind, KeyStatus } from '../../audit/protocol.js';
import type { RunSummary } from './console-types.js';
import { findRun } from './run-queries.js';

/**
 * A run's page: its events as stored (the signed bodies, inputs as recorded with their
 * "[redacted]" values, output hashes) and each event checked again where it stands: the
 * signature, the key's standing, the link to the stored event before it, and the ingest flags
 * recorded at its sequence. The whole chain of the device (key rotations included) is checked by
 * the Integrity page's verify; this is the check of the events shown.
 */

export interface EventCheck {
  signatureValid: boolean;
  /** The standing of the key that signed it on this server; null when the server has no such key. */
  keyStatus: KeyStatus | null;
  /** `linked`: names the stored previous event's hash (or is the first); `gap`: none stored before. */
  link: 'linked' | 'broken' | 'gap';
  flags: { id: number; kind: FlagKind; message: string; receivedAt: string }[];
  /** Everything above holds: valid signature, active key, linked, no flag. */
  verified: boolean;
}

export interface RunEvent {
  sequence: number;
  /** The stored body, parsed; undefined when it is not a well-formed event. */
  event?: AuditEvent;
  check: EventCheck;
}

export interface RunDetail {
  run: RunSummary;
  events: RunEvent[];
}

/** The run's page, or undefined when the server has no such run. */
export async function runDetail(
  store: AuditStore,
  source: string,
  runId: string,
): Promise<RunDetail | undefined> {
  const run = await findRun(store, source, runId);
  if (!run) return undefined;
  const own = [run.sequences.requested, run.sequences.started, run.sequences.finished].filter(
    (n): n is number => n !== null,
  );
  const wanted = [...new Set(own.flatMap((n) => [n - 1, n]))].filter((n) => n >= 1);
  const marks = wanted.map(() => '?').join(', ');
  const rows =
    wanted.length === 0
      ? []
      : await store.select<{ sequence: number; id: string; body: string }>(
          `SELECT sequence, id, body FROM audit_events WHERE source = ? AND sequence IN (${marks})
           ORDER BY sequence, id`,
          [source, ...wanted],
        );
  const keys = new Map(
    (
      await store.select<{ public_key: string; status: KeyStatus }>(
        'SELECT public_key, status FROM audit_devices WHERE source = ?',
        [source],
      )
    ).map((row) => [row.public_key, row.status]),
  );
  const flags =
    own.length === 0
      ? []
      : await store.select<{
          id: number;
          sequence: number;
          kind: FlagKind;
          message: string;
          received_at: string;
        }>(
          `SELECT id, sequence, kind, message, received_at FROM audit_flags
           WHERE source = ? AND sequence IN (${own.map(() => '?').join(', ')}) ORDER BY id`,
          [source, ...own],
        );
  const parsed = rows.map((row) => {
    const result = parseEvent(safeJson(row.body));
    return { sequence: row.sequence, event: result.ok ? result.event : undefined };
  });
  const events: RunEvent[] = [];
  for (const sequence of own.sort((a, b) => a - b)) {
    const before = parsed.filter((row) => row.sequence === sequence - 1);
    for (const row of parsed.filter((candidate) => candidate.sequence === sequence)) {
      const hereFlags = flags
        .filter((flag) => flag.sequence === sequence)
        .map((flag) => ({
          id: flag.id,
          kind: flag.kind,
          message: flag.message,
          receivedAt: flag.received_at,
        }));
      events.push({
        sequence,
        event: row.event,
        check: checkEvent(row.event, before, keys, hereFlags),
      });
    }
  }
  return { run, events };
}

function checkEvent(
  event: AuditEvent | undefined,
  before: { event?: AuditEvent }[],
  keys: Map<string, KeyStatus>,
  flags: EventCheck['flags'],
): EventCheck {
  if (!event)
    return { signatureValid: false, keyStatus: null, link: 'broken', flags, verified: false };
  const signatureValid = hasValidSignature(event);
  const keyStatus = keys.get(event.devicekey) ?? null;
  let link: EventCheck['link'];
  if (event.sequence === 1) link = event.prevhash === '' ? 'linked' : 'broken';
  else if (before.length === 0) link = 'gap';
  else
    link = before.some((previous) => previous.event && eventHash(previous.event) === event.prevhash)
      ? 'linked'
      : 'broken';
  return {
    signatureValid,
    keyStatus,
    link,
    flags,
    verified: signatureValid && keyStatus === 'active' && link === 'linked' && flags.length === 0,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
