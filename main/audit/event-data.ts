import { z } from 'zod';
import { OutputEntrySchema, REJECTION_REASONS, RUN_STATUSES } from '../contract/api.js';
import { ERROR_CODES } from '../contract/errors.js';
import { AuditEventSchema } from './event.js';
import { AUDIT_TYPES } from './journal.js';
import { KeyRotationDataSchema } from './key-rotation.js';

/*
 * The `data` of every event type ScriptDesk writes, published as `schemas/audit-event.schema.json`
 * so collectors and auditors know each field. Objects are open (a newer ScriptDesk may add a
 * field); the fields listed are always present. Secret values, tokens and keys never appear: a
 * secret is named, an input marked `x-sensitive` is replaced by "[redacted]" and only the hash of
 * the full inputs tells them apart.
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const instant = z.iso.datetime({ offset: true });
const who = {
  user: z.string().describe('The OS account that asked for it.'),
  host: z.string().describe('The computer it ran on.'),
};
const script = {
  runId: z.string().uuid(),
  scriptId: z.string(),
  scriptVersion: z.string(),
};

/**
 * Who asked for a run, on `run.requested` and `run.refused`. Optional: events written before
 * schedules existed have none, and were all a person's.
 */
const trigger = {
  trigger: z
    .enum(['user', 'schedule'])
    .optional()
    .describe('Who asked: a person (user) or a schedule. Absent in older events: a person.'),
  scheduleId: z.string().uuid().optional().describe('With trigger schedule: which schedule.'),
  dueAt: instant.optional().describe('With trigger schedule: the time the schedule was due.'),
  late: z
    .boolean()
    .optional()
    .describe(
      'With trigger schedule: true when it runs late, for times passed while the computer was off or asleep (missed policy run-once).',
    ),
  catchingUp: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('With trigger schedule: how many passed times this one run stands in for.'),
};

const RunRequested = z.looseObject({
  ...trigger,
  ...script,
  ...who,
  dryRun: z.boolean(),
  reason: z.string().nullable().describe('The reason or ticket the user gave, if any.'),
  requestedAt: instant,
  queued: z.boolean().describe('True when it had to wait for a free slot.'),
  ahead: z.number().int().min(0).describe('Runs ahead of it in the queue.'),
});

const RunRefused = z.looseObject({
  ...trigger,
  scriptId: z.string(),
  ...who,
  code: z.enum(ERROR_CODES).describe('Why it was refused, as the API error code.'),
  message: z.string().describe('What the user was told (names fields, never their values).'),
  fields: z.array(z.string()).describe('JSON Pointers of the inputs that were refused.'),
  dryRun: z.boolean(),
  reason: z.string().nullable(),
  path: z
    .string()
    .optional()
    .describe(
      'With code tampered: the file or folder, relative to the data folder, that differs from the signed catalogue or from the venv as built.',
    ),
  runId: z
    .string()
    .uuid()
    .optional()
    .describe('Present when a queued run was refused as it was about to start.'),
});

/** Which signed catalogue a run came from: its version and, when it recorded one, its commit. */
const catalogue = {
  catalogueVersion: z.number().int(),
  catalogueCommit: z
    .string()
    .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/)
    .optional()
    .describe(
      'The git commit the catalogue was built from (its signed provenance); absent when the catalogue recorded none.',
    ),
};

const RunStarted = z.looseObject({
  ...script,
  ...who,
  ...catalogue,
  appVersion: z.string(),
  pythonVersion: z.string(),
  scriptSha256: sha256.describe('Hash of the script files as published.'),
  schemaSha256: sha256.describe('Hash of the form schema the inputs were checked against.'),
  lockSha256: sha256.describe('Hash of the pinned dependency lock.'),
  inputs: z
    .record(z.string(), z.unknown())
    .describe('The inputs, with every x-sensitive field replaced by "[redacted]".'),
  inputsHmac: sha256.describe(
    'HMAC-SHA256 of the full inputs (canonical JSON), sensitive ones included, under a key derived from the device key: the device can confirm given inputs were these; nobody can test guesses of a redacted value against it.',
  ),
  secrets: z.array(z.string()).describe('Names of the secrets given to the script; never values.'),
  dryRun: z.boolean(),
  confirmed: z.boolean().describe('The user confirmed a real run of a destructive script.'),
  reason: z.string().nullable(),
  startedAt: instant,
});

const RunFinished = z.looseObject({
  ...script,
  ...who,
  ...catalogue,
  status: z.enum(RUN_STATUSES),
  exitCode: z.number().int().nullable(),
  startedAt: instant
    .nullable()
    .describe('null when the run ended before it started (cancelled in the queue).'),
  finishedAt: instant,
  outputs: z
    .array(OutputEntrySchema)
    .describe(
      'Files the run wrote, with sizes and SHA-256; a symbolic link or other non-file it left is listed with its kind and a note, never followed or hashed.',
    ),
});

const RunInterrupted = z.looseObject({
  ...script,
  ...who,
  status: z.literal('interrupted'),
  wasQueued: z.boolean(),
  processStillRunning: z.boolean(),
  startedAt: instant,
  detectedAt: instant,
  outputs: z.array(OutputEntrySchema),
});

const CatalogueSynced = z.looseObject({
  from: z.string(),
  version: z.number().int(),
  previousVersion: z.number().int().nullable(),
  keyId: z.string(),
  blobsFetched: z.number().int(),
  expires: instant,
});

const CatalogueRejected = z.looseObject({
  from: z.string(),
  reason: z.enum(REJECTION_REASONS),
  message: z.string(),
});

const SecretUsed = z.looseObject({
  name: z.string(),
  scriptId: z.string(),
  runId: z.string().uuid(),
  user: z.string(),
});
const SecretChanged = z.looseObject({ name: z.string(), scriptId: z.string() });
const SettingsChanged = z.looseObject({
  setting: z.string().describe('Which setting, e.g. audit.token.'),
  change: z.string().describe('What happened to it, e.g. set or cleared; never a secret value.'),
});

const schedule = {
  scheduleId: z.string().uuid(),
  scriptId: z.string(),
  ...who,
};

const ScheduleMissed = z.looseObject({
  ...schedule,
  missedPolicy: z.literal('skip'),
  times: z
    .array(instant)
    .describe('The times passed with no run, oldest first (at most 100 listed).'),
  count: z.number().int().min(1).describe('How many times were passed (counted up to 1000).'),
  more: z.boolean().describe('True when even more times were passed than counted.'),
});

const SchedulePaused = z.looseObject({
  ...schedule,
  reason: z.string().describe('What the user is told (names fields, never their values).'),
});

const DATA_BY_TYPE = [
  [AUDIT_TYPES.runRequested, RunRequested],
  [AUDIT_TYPES.runRefused, RunRefused],
  [AUDIT_TYPES.runStarted, RunStarted],
  [AUDIT_TYPES.runFinished, RunFinished],
  [AUDIT_TYPES.runInterrupted, RunInterrupted],
  [AUDIT_TYPES.catalogueSynced, CatalogueSynced],
  [AUDIT_TYPES.catalogueRejected, CatalogueRejected],
  [AUDIT_TYPES.secretUsed, SecretUsed],
  [AUDIT_TYPES.secretSet, SecretChanged],
  [AUDIT_TYPES.secretCleared, SecretChanged],
  [AUDIT_TYPES.settingsChanged, SettingsChanged],
  [AUDIT_TYPES.scheduleMissed, ScheduleMissed],
  [AUDIT_TYPES.schedulePaused, SchedulePaused],
  [AUDIT_TYPES.deviceKeyRotated, KeyRotationDataSchema],
] as const;

/** A ScriptDesk audit event with the `data` its type promises. */
export const ScriptDeskEventSchema = z
  .discriminatedUnion(
    'type',
    DATA_BY_TYPE.map(([type, data]) =>
      AuditEventSchema.extend({ type: z.literal(type), data }),
    ) as unknown as [
      ReturnType<typeof AuditEventSchema.extend>,
      ...ReturnType<typeof AuditEventSchema.extend>[],
    ],
  )
  .meta({
    title: 'ScriptDesk audit event',
    description:
      "A CloudEvents 1.0 event as ScriptDesk journals and delivers it: sequence, prevhash, devicekey and signature make each device's events a signed chain; data depends on type.",
  });
