import {
  rotationNotice,
  rotationReasonText,
  rotationTime,
  type KeyRotation,
} from '../audit/key-rotation.js';
import type { Device } from '../audit/protocol.js';

// Plain text: the CLI's one writer (terminal-output.ts) escapes what a terminal would act on.

/** `audit verify`'s line for a key change it accepted: a notice, not a failure. */
export function rotationNoticeLine(rotation: KeyRotation): string {
  return `notice: ${rotationNotice(rotation)}`;
}

/** Under a key in `audit devices`: the key change the device announced with it. */
export function replacedKeyLine(rotation: NonNullable<Device['keys'][number]['rotation']>): string {
  return `replaces key ${rotation.previousKey} from event ${rotation.sequence} (${rotationTime(rotation.time)}): ${rotationReasonText(rotation.reason)}`;
}
