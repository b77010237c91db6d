import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import {
  eventHash,
  publicKeyBase64,
  signEvent,
  type AuditEvent,
  type UnsignedEvent,
} from '../../main/audit/event.js';
import {
  KEY_ROTATED_TYPE,
  rotationStatement,
  type KeyRotationReason,
} from '../../main/audit/key-rotation.js';

/** What a test may choose about the next event; everything else follows the chain. */
export interface NextEvent {
  type?: string;
  subject?: string;
  time?: string;
  id?: string;
  data?: Record<string, unknown>;
  /** Sign with this key (and carry it as `devicekey`) instead of the device's own. */
  privateKey?: KeyObject;
  /** Name this as the previous event's hash instead of the real one (a broken link). */
  prevhash?: string;
}

/**
 * A device as the audit endpoint sees it: its own Ed25519 key and a journal whose events are
 * numbered 1, 2, 3…, each naming the previous one's hash and signed for real, exactly as
 * `main/audit` writes them.
 */
export interface TestDevice {
  source: string;
  privateKey: KeyObject;
  /** `devicekey` of its events: the raw public key, base64. */
  key: string;
  /** The next event of the chain (the chain moves on even if the test never sends it). */
  next(options?: NextEvent): AuditEvent;
  /** The next `count` events, with `data(i)` for the i-th (from 0). */
  events(count: number, data?: (index: number) => Record<string, unknown>): AuditEvent[];
  /** Where the next event goes: its sequence and the `prevhash` it will name. */
  upcoming(): { sequence: number; prevhash: string };
}

/** A fresh Ed25519 private key. */
export function newDeviceKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** A new device with its own key, starting its chain at sequence 1. */
export function testDevice(source = `device-${randomUUID()}`): TestDevice {
  const privateKey = newDeviceKey();
  let sequence = 0;
  let prevhash = '';
  const next = (options: NextEvent = {}): AuditEvent => {
    sequence++;
    const key = options.privateKey ?? privateKey;
    const unsigned: UnsignedEvent = {
      specversion: '1.0',
      id: options.id ?? randomUUID(),
      source,
      type: options.type ?? 'dev.scriptdesk.run.finished',
      // One minute apart from a fixed day, so tests can filter by time.
      time: options.time ?? new Date(Date.UTC(2026, 0, 1) + sequence * 60_000).toISOString(),
      subject: options.subject ?? 'probe@1.0.0',
      datacontenttype: 'application/json',
      sequence,
      prevhash: options.prevhash ?? prevhash,
      devicekey: publicKeyBase64(key),
      data: options.data ?? runData(),
    };
    prevhash = eventHash(unsigned);
    return signEvent(unsigned, key);
  };
  return {
    source,
    privateKey,
    key: publicKeyBase64(privateKey),
    next,
    events: (count, data) =>
      Array.from({ length: count }, (_, index) => next(data ? { data: data(index) } : {})),
    upcoming: () => ({ sequence: sequence + 1, prevhash }),
  };
}

/**
 * The next event of `device`: a key-rotation event signed by `newKey`, naming `previousKey` (a
 * base64 public key). With `confirmedBy`, the previous key's signature of the change is added,
 * as a planned rotation carries it.
 */
export function rotationEvent(
  device: TestDevice,
  newKey: KeyObject,
  options: { previousKey: string; reason?: KeyRotationReason; confirmedBy?: KeyObject },
): AuditEvent {
  const { sequence, prevhash } = device.upcoming();
  const statement = rotationStatement({
    source: device.source,
    sequence,
    prevhash,
    devicekey: publicKeyBase64(newKey),
  });
  return device.next({
    type: KEY_ROTATED_TYPE,
    subject: 'device',
    privateKey: newKey,
    data: {
      previousKey: options.previousKey,
      reason: options.reason ?? 'key_lost',
      ...(options.confirmedBy
        ? { previousKeySignature: sign(null, statement, options.confirmedBy).toString('base64') }
        : {}),
    },
  });
}

/** The `data` of a run event, as the runner writes it. */
export function runData(fields: Partial<Record<'user' | 'scriptId' | 'status', string>> = {}) {
  return {
    runId: randomUUID(),
    user: 'alice',
    scriptId: 'probe',
    status: 'succeeded',
    exitCode: 0,
    ...fields,
  };
}

/** The event with its data changed after signing: the signature no longer matches. */
export function tampered(event: AuditEvent): AuditEvent {
  return { ...event, data: { ...event.data, status: 'succeeded', exitCode: 0, edited: true } };
}

/** The same event re-signed with other content under the same id and place in the chain. */
export function rewritten(event: AuditEvent, privateKey: KeyObject): AuditEvent {
  const { signature: _signature, ...unsigned } = event;
  return signEvent({ ...unsigned, data: { ...event.data, status: 'failed' } }, privateKey);
}
