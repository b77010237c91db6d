import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { AuditEventSchema, hasValidSignature, isSignedBy, type AuditEvent } from './event.js';

/**
 * Device key history. A device signs its events with one key at a time; when that key changes
 * (the keychain lost it, or a planned rotation), the first event signed by the new key is a
 * key-rotation event naming the previous key. Each event is then checked with the key valid at its
 * sequence: the chain's first key up to the first rotation, each rotation's new key after it.
 */

/** The event type of a key change (reverse-DNS, as every ScriptDesk type). */
export const KEY_ROTATED_TYPE = 'dev.scriptdesk.device.key-rotated';

/**
 * Why the key changed. `key_lost`: the keychain no longer held the key that signed the newest
 * event, so a new key was made and only it signs the change. `rotated`: a planned change; the
 * previous key signs it too ({@link rotationStatement}).
 */
export const KEY_ROTATION_REASONS = ['key_lost', 'rotated'] as const;
export type KeyRotationReason = (typeof KEY_ROTATION_REASONS)[number];

const publicKey = AuditEventSchema.shape.devicekey;
const signature = AuditEventSchema.shape.signature;

/** The `data` of a key-rotation event (published in `schemas/audit-event.schema.json`). */
export const KeyRotationDataSchema = z.looseObject({
  previousKey: publicKey.describe(
    'The public key (raw 32 bytes, base64, as devicekey) that signed the events before this one.',
  ),
  reason: z
    .enum(KEY_ROTATION_REASONS)
    .describe(
      'key_lost: the keychain no longer held the previous key, so only the new key signs this event; rotated: a planned change, signed by the previous key too.',
    ),
  previousKeySignature: signature
    .optional()
    .describe(
      "Required with rotated: the previous key's Ed25519 signature (base64) over the canonical JSON of {key, prevhash, purpose, sequence, source}, where key is this event's devicekey and purpose its type.",
    ),
});

/** A key change as verification reports it. */
export const KeyRotationSchema = z.object({
  /** The sequence of the rotation event: the first event the new key signs. */
  sequence: z.number().int(),
  time: z.string(),
  previousKey: z.string(),
  key: z.string(),
  reason: z.enum(KEY_ROTATION_REASONS),
});
export type KeyRotation = z.infer<typeof KeyRotationSchema>;

/** A rotation as an event records it, with the previous key's signature when there is one. */
export interface RecordedRotation extends KeyRotation {
  previousKeySignature?: string;
}

/** The rotation an event records, or null when it is not a well-formed key-rotation event. */
export function rotationOf(event: AuditEvent): RecordedRotation | null {
  if (event.type !== KEY_ROTATED_TYPE) return null;
  const data = KeyRotationDataSchema.safeParse(event.data);
  if (!data.success || data.data.previousKey === event.devicekey) return null;
  return {
    sequence: event.sequence,
    time: event.time,
    previousKey: data.data.previousKey,
    key: event.devicekey,
    reason: data.data.reason,
    ...(data.data.previousKeySignature === undefined
      ? {}
      : { previousKeySignature: data.data.previousKeySignature }),
  };
}

/**
 * The bytes the previous key signs in a planned rotation: the new key bound to its place in this
 * device's chain, so the signature cannot be replayed for another key, device or position.
 */
export function rotationStatement(
  event: Pick<AuditEvent, 'source' | 'sequence' | 'prevhash' | 'devicekey'>,
): Buffer {
  return Buffer.from(
    canonicalJson({
      key: event.devicekey,
      prevhash: event.prevhash,
      purpose: KEY_ROTATED_TYPE,
      sequence: event.sequence,
      source: event.source,
    }),
    'utf8',
  );
}

/**
 * Whether the previous key's own signature, where the rotation needs or carries one, is right. A
 * planned rotation (`rotated`) must carry it; a `key_lost` one cannot, but is checked if it does.
 */
export function previousKeyConfirms(event: AuditEvent, rotation: RecordedRotation): boolean {
  if (rotation.previousKeySignature === undefined) return rotation.reason === 'key_lost';
  return isSignedBy(rotationStatement(event), rotation.previousKeySignature, rotation.previousKey);
}

/**
 * The device's keys as its own journal can prove them, found backward from the key in the
 * keychain (the only thing an attacker with write access to the database cannot forge): a
 * rotation counts only when it is signed by a key already proven, and then proves the key it
 * names as previous. `firstKey` is the key valid at the oldest event still in the journal.
 */
export function keyHistory(
  rotationsInOrder: readonly AuditEvent[],
  currentKey: string,
): { firstKey: string; keys: Set<string> } {
  let key = currentKey;
  const keys = new Set([currentKey]);
  for (let i = rotationsInOrder.length - 1; i >= 0; i--) {
    const event = rotationsInOrder[i]!;
    const rotation = rotationOf(event);
    if (!rotation || event.devicekey !== key || !hasValidSignature(event)) continue;
    if (!previousKeyConfirms(event, rotation)) continue;
    key = rotation.previousKey;
    keys.add(key);
  }
  return { firstKey: key, keys };
}

/** Why a key changed, in words (for notices and the device list). */
export function rotationReasonText(reason: KeyRotationReason): string {
  return reason === 'key_lost'
    ? 'the previous key was lost from the keychain'
    : 'a planned rotation, signed by the previous key too';
}

/** An event time to the minute, in UTC, as notices show it: `2026-12-06 14:03 UTC`. */
export function rotationTime(time: string): string {
  const date = new Date(time);
  return Number.isNaN(date.getTime())
    ? time
    : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One sentence for people about a key change verification accepted. */
export function rotationNotice(rotation: KeyRotation): string {
  return `the device key changed at event ${rotation.sequence} (${rotationTime(rotation.time)}): ${rotationReasonText(rotation.reason)}; events before it are checked with the earlier key.`;
}

/** What the person at the device reads when the keychain lost the key and the change was journaled. */
export function keyLostMessage(sequence: number): string {
  return `this computer's audit signing key was missing from the OS keychain, so a new one was made; event ${sequence} records the change, and the audit endpoint accepts the new key's events once its administrator approves the key (scriptdesk audit approve)`;
}
