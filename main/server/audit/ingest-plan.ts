import { createHash } from 'node:crypto';
import {
  AuditEventSchema,
  eventBody,
  eventHash,
  hasValidSignature,
  MAX_EVENT_BYTES,
  parseEvent,
  type AuditEvent,
} from '../../audit/event.js';
import { rotationOf, type KeyRotation } from '../../audit/key-rotation.js';
import type { QueuedAlert } from './alert-queue.js';
import type { EventRow, FlagDraft } from './event-rows.js';
import type { DeviceMode, EventResult, FlagKind, KeyStatus } from '../../audit/protocol.js';

/**
 * The ingest rules, as pure functions: what to do with each offered event given what the store
 * holds. Both stores run exactly this, inside one transaction per batch, so they cannot drift.
 */

/** One offered event after the checks that need no database (shape, size, own signature). */
export type CheckedEvent =
  | {
      kind: 'invalid';
      /** Whatever of id/source/sequence could be read safely, for the result and the flag. */
      id: string | null;
      source: string | null;
      sequence: number | null;
      message: string;
    }
  | { kind: 'bad_signature'; event: AuditEvent }
  | { kind: 'signed'; event: AuditEvent; row: EventRow };

export interface IngestOptions {
  /** How a device seen for the first time is registered. */
  devices: DeviceMode;
  /** Alerts the plan raises, written in the batch's transaction (see `main/server/alerts/`). */
  alerts?: (plan: IngestPlan, receivedAt: string) => QueuedAlert[];
  /** The `ScriptDesk-Backlog` the device sent: events its journal held undelivered, this batch included. */
  backlog?: number;
}

/** What the store holds for the sources and ids of one batch, loaded inside its transaction. */
export interface IngestSnapshot {
  /** source → (device key → status); absent: the source was never seen. */
  keys: Map<string, Map<string, KeyStatus>>;
  /** source → where its chain continues; absent: nothing stored yet. */
  heads: Map<string, ChainHead>;
  /** {@link eventSlot}(source, id) → the stored body. */
  bodies: Map<string, string>;
}

export interface ChainHead {
  sequence: number;
  hash: string;
}

/** What one batch changes: every write the store makes, in one transaction. */
export interface IngestPlan {
  results: EventResult[];
  newKeys: NewKey[];
  events: EventRow[];
  /** The final head of each source whose chain moved. */
  heads: Map<string, ChainHead>;
  flags: FlagDraft[];
}

/** A device key seen for the first time; `rotation` when a key-rotation event brought it. */
export interface NewKey {
  source: string;
  key: string;
  status: KeyStatus;
  rotation: Omit<KeyRotation, 'key'> | null;
}

/** The key of an event in {@link IngestSnapshot.bodies}. */
export const eventSlot = (source: string, id: string) => `${source}\u0000${id}`;

/** The sources and (source, id) pairs a store must load for {@link planBatch}. */
export function batchNeeds(batch: readonly CheckedEvent[]): {
  sources: string[];
  events: { source: string; id: string }[];
} {
  const signed = batch.flatMap((item) => (item.kind === 'signed' ? [item.event] : []));
  return {
    // Sorted: PostgreSQL locks the sources in this order, so two batches cannot deadlock.
    sources: [...new Set(signed.map((event) => event.source))].sort(),
    events: signed.map(({ source, id }) => ({ source, id })),
  };
}

/**
 * Checks one offered JSON value: the CloudEvents envelope, well-formed text, size, and that the
 * signature matches the key the event carries. Whether that key is the device's is for
 * {@link planBatch}: a badly signed event is refused before it can register anything.
 */
export function checkEvent(json: unknown): CheckedEvent {
  const parsed = parseEvent(json);
  if (!parsed.ok) return invalid(json, parsed.message);
  const event = parsed.event;
  for (const name of ['id', 'source', 'subject'] as const) {
    // A lone surrogate has no UTF-8 form: stored as U+FFFD, two ids could become one.
    if (LONE_SURROGATE.test(event[name])) return invalid(json, `${name}: must be valid Unicode`);
  }
  const time = utcTime(event.time);
  if (time === undefined) return invalid(json, 'time: not a real date and time');
  let body: string;
  try {
    body = eventBody(event);
  } catch {
    return invalid(json, 'data: cannot be written as JSON');
  }
  if (Buffer.byteLength(body, 'utf8') > MAX_EVENT_BYTES)
    return invalid(json, `event: larger than ${MAX_EVENT_BYTES} bytes as JSON`);
  if (!hasValidSignature(event)) return { kind: 'bad_signature', event };
  return {
    kind: 'signed',
    event,
    row: {
      source: event.source,
      id: event.id,
      sequence: event.sequence,
      type: event.type,
      time,
      subject: event.subject,
      user: column(event.data.user),
      script: column(event.data.scriptId),
      status: column(event.data.status),
      body,
      hash: eventHash(event),
    },
  };
}

// The `u` flag makes a surrogate pair one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

/** The event's instant as UTC text with milliseconds, so text order is time order. */
function utcTime(time: string): string | undefined {
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * A data field as a query column. The body keeps the exact value; the column drops what a
 * PostgreSQL text cannot hold (NUL) or UTF-8 cannot encode (lone surrogates), in both stores.
 */
function column(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex -- NUL is exactly what PostgreSQL text refuses
  return value.replace(/\u0000|\p{Cs}/gu, '\uFFFD');
}

/** An invalid event, keeping only the attributes that pass the envelope's own rules. */
function invalid(json: unknown, message: string): CheckedEvent {
  const fields = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
  const readable = <T>(
    schema: { safeParse(value: unknown): { success: boolean; data?: T } },
    value: unknown,
  ) => {
    const result = schema.safeParse(value);
    return result.success ? (result.data as T) : null;
  };
  const shape = AuditEventSchema.shape;
  const id = readable<string>(shape.id, fields.id);
  const source = readable<string>(shape.source, fields.source);
  return {
    kind: 'invalid',
    id: id !== null && !LONE_SURROGATE.test(id) ? id : null,
    source: source !== null && !LONE_SURROGATE.test(source) ? source : null,
    sequence: readable<number>(shape.sequence, fields.sequence),
    message,
  };
}

/**
 * Judges each checked event of a batch, in order, against the snapshot (which it updates as it
 * goes, so later events of the batch see earlier ones):
 *
 * 1. an identical event already stored → `duplicate` (whatever its key's standing now);
 * 2. the device key: a new source registers it (`active`, or `pending` with `--devices approve`);
 *    a new key of a known source becomes `pending` and is flagged, unless it arrives with a
 *    key-rotation event naming a key the device already has (the announced change is recorded
 *    with the key for the admin, and waiting for approval is its normal course); pending and
 *    revoked keys are refused with `retry`, so the device keeps its events until an admin decides;
 * 3. the same id with another body → refused `conflict`, flagged with the offered body;
 * 4. chain continuity against the device's head: a gap, a wrong `prevhash` or an event at or
 *    below the head is flagged, and the event is stored anyway (nothing is lost); the head only
 *    moves forward.
 */
export function planBatch(
  batch: readonly CheckedEvent[],
  snapshot: IngestSnapshot,
  options: IngestOptions,
): IngestPlan {
  const plan: IngestPlan = { results: [], newKeys: [], events: [], heads: new Map(), flags: [] };
  const fingerprints = new Set<string>();

  function flag(draft: Omit<FlagDraft, 'fingerprint' | 'body'> & { body?: string }): FlagKind {
    const body = draft.body ?? null;
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          draft.kind,
          draft.source,
          draft.sequence,
          draft.eventId,
          draft.message,
          body,
        ]),
      )
      .digest('hex');
    if (!fingerprints.has(fingerprint)) {
      fingerprints.add(fingerprint);
      plan.flags.push({ ...draft, body, fingerprint });
    }
    return draft.kind;
  }

  function judge(item: CheckedEvent): EventResult {
    if (item.kind === 'invalid') {
      if (item.source !== null || item.id !== null)
        flag({
          kind: 'invalid',
          source: item.source,
          sequence: item.sequence,
          eventId: item.id,
          message: `not a valid event (${item.message})`,
        });
      return refused(item.id, 'invalid', `not a valid ScriptDesk audit event: ${item.message}`);
    }
    const { event } = item;
    const at = { source: event.source, sequence: event.sequence, eventId: event.id };
    if (item.kind === 'bad_signature') {
      flag({
        ...at,
        kind: 'signature',
        message: `event ${event.sequence} does not match its signature: it was changed after it was signed`,
      });
      return refused(event.id, 'bad_signature', MESSAGES.badSignature);
    }

    const slot = eventSlot(event.source, event.id);
    const storedBody = snapshot.bodies.get(slot);
    if (storedBody === item.row.body) return { id: event.id, status: 'duplicate' };

    let keys = snapshot.keys.get(event.source);
    if (!keys) snapshot.keys.set(event.source, (keys = new Map()));
    let keyStatus = keys.get(event.devicekey);
    if (keyStatus === undefined) {
      const firstKey = keys.size === 0;
      keyStatus = firstKey && options.devices === 'auto' ? 'active' : 'pending';
      const rotation = announcedChange(event, item.row.time);
      const announced = rotation !== null && keys.has(rotation.previousKey);
      keys.set(event.devicekey, keyStatus);
      plan.newKeys.push({
        source: event.source,
        key: event.devicekey,
        status: keyStatus,
        rotation,
      });
      if (announced)
        return { ...refused(event.id, 'key_pending', MESSAGES.rotatedKey), retry: true };
      if (!firstKey) {
        const flagged = flag({
          ...at,
          kind: 'key',
          message: `event ${event.sequence} is signed by a key this device has not used before; the key waits for an admin's approval`,
        });
        return { ...refused(event.id, 'key_pending', MESSAGES.newKey), retry: true, flagged };
      }
    }
    if (keyStatus === 'pending')
      return { ...refused(event.id, 'key_pending', MESSAGES.pendingKey), retry: true };
    if (keyStatus === 'revoked') {
      const flagged = flag({
        ...at,
        kind: 'revoked',
        message: `event ${event.sequence} is signed by a revoked key`,
      });
      return { ...refused(event.id, 'key_revoked', MESSAGES.revokedKey), retry: true, flagged };
    }

    if (storedBody !== undefined) {
      const flagged = flag({
        ...at,
        kind: 'conflict',
        message: `event ${event.sequence} reuses the id of a stored event with other content; the stored event is kept`,
        body: item.row.body,
      });
      return { ...refused(event.id, 'conflict', MESSAGES.conflict), flagged };
    }

    const head = plan.heads.get(event.source) ??
      snapshot.heads.get(event.source) ?? { sequence: 0, hash: '' };
    const expected = head.sequence + 1;
    let flagged: FlagKind | undefined;
    let message: string | undefined;
    if (event.sequence > expected) {
      const missing =
        event.sequence - expected === 1
          ? `event ${expected} is missing`
          : `events ${expected} to ${event.sequence - 1} are missing`;
      message =
        head.sequence === 0
          ? `${missing} (event ${event.sequence} is the first received from this device)`
          : `${missing} (event ${event.sequence} arrived after event ${head.sequence})`;
      flagged = flag({ ...at, sequence: expected, kind: 'gap', message });
    } else if (event.sequence < expected) {
      message = `event ${event.sequence} arrived after event ${head.sequence}: out of order or repeated`;
      flagged = flag({ ...at, kind: 'order', message });
    } else if (event.prevhash !== head.hash) {
      message = `event ${event.sequence} does not name the hash of event ${head.sequence}: the chain is broken there`;
      flagged = flag({ ...at, kind: 'prevhash', message });
    }
    plan.events.push(item.row);
    snapshot.bodies.set(slot, item.row.body);
    if (event.sequence > head.sequence)
      plan.heads.set(event.source, { sequence: event.sequence, hash: item.row.hash });
    return {
      id: event.id,
      status: 'stored',
      ...(flagged ? { flagged, message: `stored, and flagged for the admin: ${message}` } : {}),
    };
  }

  for (const item of batch) plan.results.push(judge(item));
  return plan;
}

/** The key change a key-rotation event announces (time in UTC, as the event rows keep it). */
function announcedChange(event: AuditEvent, time: string): NewKey['rotation'] {
  const rotation = rotationOf(event);
  return (
    rotation && {
      previousKey: rotation.previousKey,
      sequence: rotation.sequence,
      time,
      reason: rotation.reason,
    }
  );
}

function refused(id: string | null, reason: EventResult['reason'], message: string): EventResult {
  return { id, status: 'refused', reason, message };
}

/** What a refused event's sender reads: the problem and what to do, never the event's content. */
const MESSAGES = {
  badSignature:
    'the event does not match its signature (it was changed after it was signed); it is not stored and the admin sees it flagged',
  newKey:
    "this device key is new for this device and waits for an admin's approval (scriptdesk audit approve); keep the event and send it again later",
  rotatedKey:
    "this device's key changed (this event records the change) and the new key waits for an admin's approval (scriptdesk audit approve); keep the event and send it again later",
  pendingKey:
    "this device key waits for an admin's approval (scriptdesk audit approve); keep the event and send it again later",
  revokedKey:
    'an admin revoked this device key; keep the event and send it again after the admin approves the key again or the device gets a new one',
  conflict:
    'another event with this id and different content is already stored; the stored event is kept and this one is flagged for the admin',
} as const;
