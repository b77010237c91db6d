import {
  rotationNotice,
  rotationReasonText,
  rotationTime,
  type KeyRotation,
} from '../audit/key-rotation.js';
import type { Device } from '../audit/protocol.js';

/** Control characters in a field would move the terminal's cursor or colour; show them escaped. */
export function printable(value: unknown): string {
  return String(value ?? '').replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** `audit verify`'s line for a key change it accepted: a notice, not a failure. */
export function rotationNoticeLine(rotation: KeyRotation): string {
  return `notice: ${printable(rotationNotice(rotation))}`;
}

/** Under a key in `audit devices`: the key change the device announced with it. */
export function replacedKeyLine(rotation: NonNullable<Device['keys'][number]['rotation']>): string {
  return printable(
    `replaces key ${rotation.previousKey} from event ${rotation.sequence} (${rotationTime(rotation.time)}): ${rotationReasonText(rotation.reason)}`,
  );
}
