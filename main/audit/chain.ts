import { eventHash, hasValidSignature, parseEvent, type AuditEvent } from './event.js';

/**
 * What can be wrong with a device's chain, each reported at the sequence number where it shows:
 *
 * - `invalid`: the stored text is not a well-formed event;
 * - `signature`: the signature does not match the event (it was edited after signing);
 * - `key`: signed by a key that is not the device's;
 * - `gap`: sequence numbers are missing (events were deleted or never arrived);
 * - `order`: a sequence number at or below one already seen (reordered or replayed);
 * - `prevhash`: the event does not name the previous event's hash (something before it changed).
 */
export type ChainProblemKind = 'invalid' | 'signature' | 'key' | 'gap' | 'order' | 'prevhash';

export interface ChainProblem {
  sequence: number;
  kind: ChainProblemKind;
  message: string;
}

export interface ChainReport {
  /** Events looked at. */
  checked: number;
  /** Sorted by sequence; empty when the chain is intact. */
  problems: ChainProblem[];
  /** The last event's sequence and hash (where the next event must continue). */
  head: { sequence: number; hash: string };
}

/** Where a chain continues from: the start (0, "") or a checkpoint left by pruning. */
export interface ChainStart {
  sequence: number;
  hash: string;
}

export interface CheckChainOptions {
  /** Default: the start of the chain (sequence 0, hash ""). */
  after?: ChainStart;
  /** Whether a `devicekey` is the device's own (registered, not revoked) key. */
  isDeviceKey: (devicekey: string) => boolean;
}

/** One stored event: its JSON text and, where the store numbers rows itself, that number. */
export interface StoredEvent {
  body: string;
  /** The store's own position for the row (the local journal's `seq`); compared with `sequence`. */
  position?: number;
}

/**
 * Walks one device's events in stored order and reports every place the chain is broken. The
 * chain is intact when every event is well-formed, signed by the device's key, numbered one more
 * than the previous and names the previous event's hash.
 */
export function checkChain(events: Iterable<StoredEvent>, options: CheckChainOptions): ChainReport {
  const problems: ChainProblem[] = [];
  let head = options.after ?? { sequence: 0, hash: '' };
  let checked = 0;
  for (const stored of events) {
    checked++;
    const expected = head.sequence + 1;
    let json: unknown;
    try {
      json = JSON.parse(stored.body);
    } catch {
      json = undefined;
    }
    const parsed = parseEvent(json);
    if (!parsed.ok) {
      const at = stored.position ?? expected;
      problems.push({
        sequence: at,
        kind: 'invalid',
        message: `not a valid event (${parsed.message})`,
      });
      head = { sequence: at, hash: '' };
      continue;
    }
    const event: AuditEvent = parsed.event;
    const at = event.sequence;
    if (stored.position !== undefined && stored.position !== event.sequence) {
      problems.push({
        sequence: Math.min(stored.position, event.sequence),
        kind: 'order',
        message: `row ${stored.position} holds event ${event.sequence}: rows were reordered`,
      });
    }
    if (!hasValidSignature(event)) {
      problems.push({
        sequence: at,
        kind: 'signature',
        message: `event ${at} does not match its signature: it was changed after it was written`,
      });
    } else if (!options.isDeviceKey(event.devicekey)) {
      problems.push({
        sequence: at,
        kind: 'key',
        message: `event ${at} is signed by a key that is not this device's`,
      });
    }
    if (at > expected) {
      problems.push({
        sequence: expected,
        kind: 'gap',
        message:
          at - expected === 1
            ? `event ${expected} is missing`
            : `events ${expected} to ${at - 1} are missing`,
      });
    } else if (at < expected) {
      problems.push({
        sequence: at,
        kind: 'order',
        message: `event ${at} comes after event ${head.sequence}: out of order or repeated`,
      });
    } else if (event.prevhash !== head.hash) {
      problems.push({
        sequence: at,
        kind: 'prevhash',
        message: `event ${at} does not follow event ${head.sequence}: the chain is broken there`,
      });
    }
    // An event from the past does not move the head: what follows must continue the newest one.
    if (at >= expected) head = { sequence: at, hash: eventHash(event) };
  }
  problems.sort((a, b) => a.sequence - b.sequence);
  return { checked, problems, head };
}
