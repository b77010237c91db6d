import { z } from 'zod';
import { LogLevelsSchema, LogLineSchema, logMethods } from './log-schemas.js';
import { FieldErrorSchema } from './errors.js';
import { fileMethods } from './file-api.js';
import { outputMethods } from './output-api.js';
import { aboutMethods } from './about-api.js';
import { presetMethods } from './preset-api.js';
import { scheduleMethods } from './schedule-api.js';
import {
  historyMethods,
  RunDeliverySchema,
  RunStatusSchema,
  RunSummarySchema,
} from './run-schemas.js';
import { JsonObjectSchema, method, RunIdSchema, ScriptIdSchema } from './schema-parts.js';

export type { Preset, PresetList } from './preset-api.js';
export type { FolderListing } from './file-api.js';
export {
  RUN_DELIVERY_STATES,
  RUN_STATUSES,
  RunDeliverySchema,
  RunListItemSchema,
  RunStatusSchema,
  RunSummarySchema,
  type RunDelivery,
  type RunListItem,
  type RunStatus,
  type RunSummary,
} from './run-schemas.js';
import { PreferencesChangeSchema, PreferencesSchema, RECENT_SCRIPTS } from './preferences.js';

export {
  BACKGROUND_CHOICES,
  MAX_FAVOURITES,
  PreferencesChangeSchema,
  PreferencesSchema,
  RECENT_SCRIPTS,
  THEME_CHOICES,
  type BackgroundChoice,
  type Preferences,
  type ThemeChoice,
} from './preferences.js';

/**
 * The one typed contract between the renderer and main. Every method has a runtime schema for
 * its input and output; TypeScript types are derived from these, never written twice. Adding a
 * method: add it here, add its handler in `main/app/handlers.ts`; both transports pick it up.
 */

/**
 * Whether a script's Python environment is ready: `pending` (not built yet; the first run builds
 * it), `building`, `ready`, or `failed` (the script is unavailable; `message` is pip's reason).
 */
export const ENVIRONMENT_STATES = ['pending', 'building', 'ready', 'failed'] as const;
export const EnvironmentStateSchema = z.object({
  state: z.enum(ENVIRONMENT_STATES),
  message: z.string().nullable(),
});
export type EnvironmentState = z.infer<typeof EnvironmentStateSchema>;

export const ScriptSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string(),
  category: z.string(),
  version: z.string(),
  destructive: z.boolean(),
  supportsDryRun: z.boolean(),
  requireReason: z.boolean(),
  /** Whether analysts may schedule it (script.json `scheduling`, allowed unless false). */
  scheduling: z.boolean(),
  /** The names of the secrets the script gets from the keychain (never their values). */
  secrets: z.array(z.string()),
  environment: EnvironmentStateSchema,
});
export type ScriptSummary = z.infer<typeof ScriptSummarySchema>;

/** A regular file a run left in its outputs folder, as recorded when the run ended. */
export const OutputFileSchema = z.object({
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
});
export type OutputFile = z.infer<typeof OutputFileSchema>;

/**
 * Something in a run's outputs folder that is not a regular file (a symbolic link, a FIFO, a
 * socket): recorded by name so the audit record is complete, but never followed, read or hashed.
 */
export const SkippedOutputSchema = z.object({
  name: z.string(),
  kind: z.enum(['symlink', 'other']),
  /** Why it was not read, in a sentence (for a link: where it points). */
  note: z.string(),
});
export type SkippedOutput = z.infer<typeof SkippedOutputSchema>;

/** One entry of a run's outputs: a hashed file, or a skipped entry saying why. */
export const OutputEntrySchema = z.union([OutputFileSchema, SkippedOutputSchema]);
export type OutputEntry = z.infer<typeof OutputEntrySchema>;

/** True for an output that is a regular file with a recorded size and SHA-256. */
export function isOutputFile(entry: OutputEntry): entry is OutputFile {
  return 'sha256' in entry;
}

export const RunDetailSchema = RunSummarySchema.extend({
  /** For a queued run, how many runs start before it (0: it starts next); null otherwise. */
  queuePosition: z.number().int().nullable(),
  progress: z.object({ percent: z.number(), label: z.string() }).nullable(),
  /** The newest lines of the log (stderr lines start with "! "). */
  logTail: z.array(z.string()),
  /** The `seq` of the last line in `logTail` (0 when empty): `run.log` lines above it are new. */
  logSeq: z.number().int(),
  /** Its error and warning lines so far; null for a run recorded before ScriptDesk counted them. */
  logLevels: LogLevelsSchema.nullable(),
  outputs: z.array(OutputEntrySchema),
  outputDir: z.string(),
  /**
   * The inputs as the audit journal holds them: every sensitive value replaced by "[redacted]",
   * never a secret. Null for runs recorded before ScriptDesk kept them.
   */
  inputs: JsonObjectSchema.nullable(),
  /** The reason or ticket given for the run; null when none was asked for or given. */
  reason: z.string().nullable(),
  /** The OS account that asked for the run; null for runs recorded before it was kept. */
  user: z.string().nullable(),
  /** Whether the run's audit events reached the audit endpoint. */
  delivery: RunDeliverySchema,
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

export const AuditEventSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  type: z.string(),
  time: z.string(),
  subject: z.string(),
  data: JsonObjectSchema,
});
export type AuditEventView = z.infer<typeof AuditEventSchema>;

const Timestamp = z.string().nullable();
/** Delivery of the local journal to the audit endpoint (see main/audit/reporter.ts). */
export const DeliveryStatusSchema = z.object({
  /** null: no endpoint is configured; events stay in the local journal. */
  endpoint: z.string().nullable(),
  /** Events the endpoint has not acknowledged yet. */
  pending: z.number().int().min(0),
  /** Events the endpoint refused for good (it flagged them; they stay in the journal). */
  rejected: z.number().int().min(0),
  /** The oldest pending event's time. */
  oldestPending: Timestamp,
  lastDeliveryAt: Timestamp,
  lastAttemptAt: Timestamp,
  /** Why the last attempt failed (null after a success). Never holds a token. */
  lastError: z.string().nullable(),
  /** When the reporter tries again after a failure (null: it is not waiting). */
  nextAttemptAt: Timestamp,
});
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

/** Where a catalogue was built from, as its signed document records it (see catalogue build). */
export const CatalogueProvenanceSchema = z.object({
  commit: z.string().nullable(),
  branch: z.string().nullable(),
  clean: z.boolean().nullable(),
  builtBy: z.string(),
  builtAt: z.string(),
  testsSkipped: z.boolean(),
});
export type CatalogueProvenanceView = z.infer<typeof CatalogueProvenanceSchema>;

export const CatalogueStatusSchema = z.object({
  name: z.string(),
  version: z.number().int(),
  issuedAt: z.string(),
  expires: z.string(),
});

/** Every reason main refuses a catalogue (also the `reason` of `catalogue.rejected` audit events). */
export const REJECTION_REASONS = [
  'bad_signature',
  'unknown_key',
  'malformed',
  'wrong_type',
  'wrong_audience',
  'app_too_old',
  'rollback',
  'same_version_other_bytes',
  'expired',
  'unsafe_path',
  'bad_blob',
  'too_large',
  'unreachable',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Where the catalogue syncs from and how the last sync went (shown in the app's status bar). */
export const CatalogueSyncStatusSchema = z.object({
  source: z.string().nullable(),
  audience: z.string().nullable(),
  installed: CatalogueStatusSchema.nullable(),
  expired: z.boolean(),
  unusable: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  lastError: z
    .object({ reason: z.enum(REJECTION_REASONS), message: z.string(), at: z.string() })
    .nullable(),
  syncing: z.boolean(),
});
export type CatalogueSyncStatus = z.infer<typeof CatalogueSyncStatusSchema>;

/** What the UI or the CLI asks for when it starts a run (the runner takes exactly this). */
export const RunRequestSchema = z
  .object({
    scriptId: ScriptIdSchema,
    inputs: JsonObjectSchema,
    dryRun: z.boolean().optional(),
    reason: z.string().max(2000).optional(),
    /** The user confirmed a real run of a destructive script (main refuses one without it). */
    confirmed: z.boolean().optional(),
  })
  .strict();
export type RunRequest = z.infer<typeof RunRequestSchema>;

/** A secret's name: the environment variable the script reads it from. */
export const SecretNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'a secret name is an environment variable name like API_TOKEN');
/** The longest secret value the keychain stores for a script. */
export const MAX_SECRET_CHARS = 8192;

export const SecretsStatusSchema = z.object({
  secrets: z.array(z.object({ name: z.string(), set: z.boolean() })),
  /** Whether the OS keychain answered; when it did not, `message` says why and what to do. */
  keychain: z.object({ available: z.boolean(), message: z.string().nullable() }),
});
export type SecretsStatus = z.infer<typeof SecretsStatusSchema>;

/** Every method the renderer may call. The keys are the only names either transport accepts. */
export const methods = {
  'app.info': method(
    z.object({}).strict(),
    z.object({
      appVersion: z.string(),
      user: z.string(),
      host: z.string(),
      catalogue: CatalogueStatusSchema.nullable(),
      /** A run longer than this tells the user when it ends (machine policy; Settings says it). */
      longRunSeconds: z.number().int().min(1),
      /**
       * The user's preferences, as `prefs.get` answers: here too, so the window's first answers
       * hold its theme and favourites without one more request competing for a connection.
       */
      preferences: PreferencesSchema,
      /**
       * True in the desktop app, where main can show the system's save dialog, open files with
       * their default app and show them in the file manager; false in the browser (web host).
       */
      desktop: z.boolean(),
    }),
  ),
  'catalogue.list': method(
    z.object({}).strict(),
    z.object({
      scripts: z.array(ScriptSummarySchema),
      /**
       * Up to {@link RECENT_SCRIPTS} ids of listed scripts this device's user ran, the most
       * recently run first (scripts no longer listed are left out).
       */
      recent: z.array(z.string()).max(RECENT_SCRIPTS),
    }),
  ),
  'catalogue.status': method(z.object({}).strict(), CatalogueSyncStatusSchema),
  /** Syncs now from the source main has configured; the renderer cannot choose the source. */
  'catalogue.sync': method(z.object({}).strict(), CatalogueSyncStatusSchema),
  'catalogue.get': method(
    z.object({ scriptId: ScriptIdSchema }).strict(),
    z.object({
      script: ScriptSummarySchema,
      /** Where the installed catalogue was built from; null when it recorded nothing. */
      provenance: CatalogueProvenanceSchema.nullable(),
      schema: JsonObjectSchema,
      uiSchema: JsonObjectSchema,
      /** The form's precompiled validator: the renderer imports `validatorModulePath(sha256)`. */
      validator: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    }),
  ),
  'run.validate': method(
    z.object({ scriptId: ScriptIdSchema, inputs: JsonObjectSchema }).strict(),
    z.object({ valid: z.boolean(), errors: z.array(FieldErrorSchema) }),
  ),
  'run.start': method(RunRequestSchema, z.object({ runId: z.string() })),
  'run.get': method(z.object({ runId: RunIdSchema }).strict(), RunDetailSchema),
  ...historyMethods,
  'run.cancel': method(
    z.object({ runId: RunIdSchema }).strict(),
    z.object({ cancelled: z.boolean() }),
  ),
  ...outputMethods,
  ...logMethods,
  /** The secrets a script declares and whether each is set in the keychain (never the values). */
  'secrets.status': method(z.object({ scriptId: ScriptIdSchema }).strict(), SecretsStatusSchema),
  /** Stores a secret the script declares in the OS keychain; the value can never be read back. */
  'secrets.set': method(
    z
      .object({
        scriptId: ScriptIdSchema,
        name: SecretNameSchema,
        value: z.string().min(1).max(MAX_SECRET_CHARS),
      })
      .strict(),
    SecretsStatusSchema,
  ),
  /** Removes a secret the script declares from the keychain. */
  'secrets.clear': method(
    z.object({ scriptId: ScriptIdSchema, name: SecretNameSchema }).strict(),
    SecretsStatusSchema,
  ),
  ...presetMethods,
  ...scheduleMethods,
  ...aboutMethods,
  ...fileMethods,
  'audit.list': method(
    z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    z.object({ events: z.array(AuditEventSchema) }),
  ),
  /** Delivery of the journal to the audit endpoint: what is waiting, the last delivery, the last problem. */
  'audit.status': method(z.object({}).strict(), DeliveryStatusSchema),
  /** The user's preferences (defaults for any never set or unreadable). */
  'prefs.get': method(z.object({}).strict(), PreferencesSchema),
  /** Changes some preferences; answers with all of them, and tells every window (`prefs.changed`). */
  'prefs.set': method(PreferencesChangeSchema, PreferencesSchema),
} as const;

export type Methods = typeof methods;
/** The name of an API method, e.g. `run.start`. */
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

/** Every method name, in a stable order (used by both transports and the preload bridge). */
export const METHOD_NAMES = Object.keys(methods) as MethodName[];

/** True when `name` is a method of the contract (own keys only: no prototype names). */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** Events main pushes to the renderer: run output and state, and catalogue sync state. */
export const eventSchemas = {
  /**
   * New log lines of a run, batched (at most a few per second per run). `seq` numbers every line
   * of the run from 1; when a run writes faster than a window can show, only the newest lines of a
   * batch are sent and `omitted` counts the ones left out (the whole log stays in the run folder).
   */
  'run.log': z.object({
    runId: z.string(),
    lines: z.array(LogLineSchema),
    omitted: z.number().int(),
    /** The run's error and warning lines so far. */
    levels: LogLevelsSchema,
  }),
  'run.progress': z.object({ runId: z.string(), percent: z.number(), label: z.string() }),
  'run.status': RunSummarySchema,
  'catalogue.status': CatalogueSyncStatusSchema,
  /** A script's Python environment changed state (building, ready, failed). */
  'environment.status': z.object({ scriptId: z.string(), environment: EnvironmentStateSchema }),
  /** Delivery to the audit endpoint changed (an attempt ended). */
  'audit.status': DeliveryStatusSchema,
  /** The user's preferences changed (in this window or another one). */
  'prefs.changed': PreferencesSchema,
  /**
   * A run that took longer than the machine policy's `notifications.longRunSeconds` ended while
   * the user wants to be told: the window shows a badge and tells the operating system. `title`
   * and `body` hold the script's title and the outcome only, never inputs or output.
   */
  'run.notice': z.object({
    runId: z.string(),
    status: RunStatusSchema,
    title: z.string(),
    body: z.string(),
  }),
  /**
   * Schedules changed (one ran, was added, paused or resumed): lists refresh. `paused` is set when
   * ScriptDesk paused one that can no longer run as set, with the reason the user is shown.
   */
  'schedules.changed': z.object({
    paused: z.object({ scheduleId: z.string(), title: z.string(), reason: z.string() }).nullable(),
  }),
} as const;

export type EventName = keyof typeof eventSchemas;
export type EventPayload<E extends EventName> = z.output<(typeof eventSchemas)[E]>;
/** One pushed event, as a tagged union. */
export type ApiEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];
export const EVENT_NAMES = Object.keys(eventSchemas) as EventName[];
