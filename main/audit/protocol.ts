import { z } from 'zod';
import { AuditEventSchema } from './event.js';
import { KeyRotationSchema } from './key-rotation.js';

/**
 * The audit endpoint's wire format, shared by the server (which writes it) and `scriptdesk audit
 * … --server` (which checks what it reads). Types are derived from these schemas, never written
 * twice.
 */

/** Why an offered event was not stored. */
export const REFUSAL_REASONS = [
  'invalid',
  'bad_signature',
  'conflict',
  'key_pending',
  'key_revoked',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What the endpoint records about a device's delivery: gaps, breaks and refusals. */
export const FLAG_KINDS = [
  'conflict',
  'gap',
  'order',
  'prevhash',
  'signature',
  'key',
  'revoked',
  'invalid',
] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** A device key's standing: only `active` keys get events stored. */
export const KEY_STATUSES = ['active', 'pending', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

/** How a device seen for the first time is registered (`scriptdesk server --devices`). */
export const DEVICE_MODES = ['auto', 'approve'] as const;
export type DeviceMode = (typeof DEVICE_MODES)[number];

/** The outcome of one offered event, in request order. */
export const EventResultSchema = z.object({
  /** The event's id, or null when the offered value had no readable id. */
  id: z.string().nullable(),
  status: z.enum(['stored', 'duplicate', 'refused']),
  reason: z.enum(REFUSAL_REASONS).optional(),
  /** True when the device should keep the event and send it again later (key not yet approved). */
  retry: z.boolean().optional(),
  /** The flag the event raised, when it was stored but something about its place is wrong. */
  flagged: z.enum(FLAG_KINDS).optional(),
  message: z.string().optional(),
});
export type EventResult = z.infer<typeof EventResultSchema>;

/** The body of every answer to `POST /v1/events` that got as far as looking at the events. */
export const IngestResponseSchema = z.object({
  results: z.array(EventResultSchema),
  stored: z.number().int(),
  duplicates: z.number().int(),
  refused: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponseSchema>;

/** Every error answer: a closed-ish code for programs and a sentence for people. */
export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** `GET /v1/admin/events`: newest first; `next` is the `after` of the following page. */
export const EventListSchema = z.object({
  events: z.array(AuditEventSchema),
  next: z.string().nullable(),
});
export type EventList = z.infer<typeof EventListSchema>;

export const DeviceKeySchema = z.object({
  key: z.string(),
  status: z.enum(KEY_STATUSES),
  firstSeen: z.string(),
  changedAt: z.string(),
  /**
   * Present when the key arrived with a key-rotation event: the key it replaces, where and why, as
   * the device stated it (what an admin weighs before approving; verify checks it in the chain).
   */
  rotation: KeyRotationSchema.omit({ key: true }).optional(),
});

/** One device as `GET /v1/admin/devices` lists it. */
export const DeviceSchema = z.object({
  source: z.string(),
  keys: z.array(DeviceKeySchema),
  /** Events stored for the device. */
  events: z.number().int(),
  /** The highest sequence number stored (0: none yet): where the device's chain continues. */
  headSequence: z.number().int(),
  /** Flags recorded for the device (they are never closed; see `verify`). */
  flags: z.number().int(),
});
export type Device = z.infer<typeof DeviceSchema>;
export const DevicesResponseSchema = z.object({ devices: z.array(DeviceSchema) });

/** `POST /v1/admin/devices/approve|revoke`: the keys whose status changed. */
export const KeyChangeResponseSchema = z.object({
  source: z.string(),
  changed: z.array(z.object({ key: z.string(), status: z.enum(KEY_STATUSES) })),
});
export type KeyChangeResponse = z.infer<typeof KeyChangeResponseSchema>;

export const FlagSchema = z.object({
  id: z.number().int(),
  source: z.string().nullable(),
  sequence: z.number().int().nullable(),
  eventId: z.string().nullable(),
  kind: z.enum(FLAG_KINDS),
  message: z.string(),
  /** For `conflict`: the offered body that was refused (the stored one is kept). */
  body: z.string().nullable(),
  receivedAt: z.string(),
});
export type Flag = z.infer<typeof FlagSchema>;
export const FlagsResponseSchema = z.object({
  flags: z.array(FlagSchema),
  next: z.string().nullable(),
});
export type FlagsResponse = z.infer<typeof FlagsResponseSchema>;

/** `GET /v1/admin/verify`: the stored chain of each device checked again, and its ingest flags. */
export const VerifyResponseSchema = z.object({
  devices: z.array(
    z.object({
      source: z.string(),
      checked: z.number().int(),
      intact: z.boolean(),
      problems: z.array(
        z.object({
          sequence: z.number().int(),
          kind: z.enum(['invalid', 'signature', 'key', 'gap', 'order', 'prevhash']),
          message: z.string(),
        }),
      ),
      flags: z.array(
        z.object({
          sequence: z.number().int().nullable(),
          kind: z.enum(FLAG_KINDS),
          message: z.string(),
          receivedAt: z.string(),
        }),
      ),
      /** The key changes the chain records and that hold (notices, not problems); absent before. */
      rotations: z.array(KeyRotationSchema).default([]),
    }),
  ),
});
export type VerifyResponse = z.infer<typeof VerifyResponseSchema>;

/** The query filters the list and export share. */
export interface EventFilters {
  source?: string;
  script?: string;
  user?: string;
  status?: string;
  type?: string;
  /** Event time at or after this instant (ISO 8601 with offset). */
  since?: string;
  /** Event time before this instant. */
  until?: string;
}
