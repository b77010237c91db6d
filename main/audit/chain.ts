import { eventHash, hasValidSignature, parseEvent, type AuditEvent } from './event.js';
import { previousKeyConfirms, rotationOf, type KeyRotation } from './key-rotation.js';

/**
 * What can be wrong with a device's chain, each reported at the sequence number where it shows:
 *
 * - `invalid`: the stored text is not a well-formed event;
 * - `signature`: the signature does not match the event (it was edited after signing);
 * - `key`: signed by a key that is not the device's, or not the device's key valid at that
 *   sequence (the key before a rotation, after it);
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
  /** The last event's sequence and hash (where the next event must continue), and the key then. */
  head: ChainStart;
  /** The key changes the chain records and that hold, in order. */
  rotations: KeyRotation[];
}

/** Where a chain continues from: the start (0, "") or a checkpoint left by pruning. */
export interface ChainStart {
  sequence: number;
  hash: string;
  /** The device key valid for the next event, when known (a page boundary). */
  key?: string;
}

export interface CheckChainOptions {
  /** Default: the start of the chain (sequence 0, hash ""). */
  after?: ChainStart;
  /**
   * The key valid at the first event, when something more trusted than the chain says so (the
   * device's key history, anchored in its keychain). Default: `after.key`, else the first event's
   * own key, which then must pass {@link isDeviceKey} like every key.
   */
  firstKey?: string;
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
 * chain is intact when every event is well-formed, signed by the device's key valid at its
 * sequence, numbered one more than the previous and names the previous event's hash.
 *
 * The valid key starts as {@link CheckChainOptions.firstKey} and changes only at a key-rotation
 * event that names the valid key as its previous key, is signed by a key of the device (and, for
 * a planned rotation, by the previous key too) and is not out of order. So the previous key is
 * trusted for the events before the rotation because the chain carried it there, never because
 * something was added later; and an event signed by it after the rotation is a problem.
 */
export function checkChain(events: Iterable<StoredEvent>, options: CheckChainOptions): ChainReport {
  const problems: ChainProblem[] = [];
  const rotations: KeyRotation[] = [];
  let head: ChainStart = options.after ?? { sequence: 0, hash: '' };
  let key: string | null = options.after?.key ?? options.firstKey ?? null;
  /** Each key a rotation retired, with the sequence of that rotation (for the message). */
  const retired = new Map<string, number>();
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
    } else {
      key ??= event.devicekey;
      const rotation = at >= expected ? rotationOf(event) : null;
      if (
        rotation &&
        rotation.previousKey === key &&
        event.devicekey !== key &&
        options.isDeviceKey(event.devicekey)
      ) {
        if (previousKeyConfirms(event, rotation)) {
          const { previousKeySignature: _signature, ...change } = rotation;
          rotations.push(change);
          retired.set(key, at);
          key = event.devicekey;
        } else {
          problems.push({
            sequence: at,
            kind: 'signature',
            message: `event ${at} records a planned key change that the previous key did not sign`,
          });
        }
      } else if (event.devicekey !== key || !options.isDeviceKey(event.devicekey)) {
        problems.push({ sequence: at, kind: 'key', message: keyMessage(at, event.devicekey) });
      }
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
  return { checked, problems, head: key === null ? head : { ...head, key }, rotations };

  function keyMessage(at: number, devicekey: string): string {
    if (!options.isDeviceKey(devicekey))
      return `event ${at} is signed by a key that is not this device's`;
    const retiredAt = retired.get(devicekey);
    return retiredAt !== undefined
      ? `event ${at} is signed by the key this device replaced at event ${retiredAt}: only events before ${retiredAt} may carry it`
      : `event ${at} is signed by a key of this device that was not the valid one at event ${at}`;
  }
}
