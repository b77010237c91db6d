import { z } from 'zod';
import { PresetNameSchema } from '../shared/preset-name.js';
import { PresetSourceSchema } from './preset-api.js';
import { RunStatusSchema } from './run-schemas.js';
import { method, ScriptIdSchema } from './schema-parts.js';

/** The `schedules.*` part of the contract (see `main/schedules/`), spread into `methods` in api.ts. */

/** A wall-clock time of day, `HH:MM` on a 24-hour clock. */
export const TimeOfDaySchema = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'a time of day is HH:MM on a 24-hour clock, e.g. 07:30');

/** Days of the week, 0 = Sunday … 6 = Saturday (as `Date.getDay` counts). */
export const WeekdaySchema = z.number().int().min(0, 'a day is 0 (Sunday) to 6 (Saturday)').max(6);

/**
 * When a schedule fires, in wall-clock time of its time zone:
 * - `daily`: every day at `time`;
 * - `weekdays`: at `time` on the `days` chosen (e.g. Monday to Friday);
 * - `hourly`: every `everyHours` hours counted from `from` each day (from 08:00 every 4 hours:
 *   08:00, 12:00, 16:00, 20:00), the same wall-clock times every day, whatever DST does.
 */
export const ScheduleRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('daily'), time: TimeOfDaySchema }).strict(),
  z
    .object({
      kind: z.literal('weekdays'),
      time: TimeOfDaySchema,
      days: z
        .array(WeekdaySchema)
        .min(1, 'choose at least one day')
        .max(7)
        .refine((days) => new Set(days).size === days.length, 'each day at most once'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('hourly'),
      everyHours: z.number().int().min(1, 'every 1 to 24 hours').max(24, 'every 1 to 24 hours'),
      from: TimeOfDaySchema,
    })
    .strict(),
]);
export type ScheduleRule = z.infer<typeof ScheduleRuleSchema>;

/**
 * What happens to the times a schedule passed while the computer was off or asleep (or the app
 * closed): `skip` journals them as missed; `run-once` runs once on wake for all of them.
 */
export const MissedPolicySchema = z.enum(['skip', 'run-once']);
export type MissedPolicy = z.infer<typeof MissedPolicySchema>;

/** An IANA time zone name such as `Europe/Paris` (checked against the runtime's zone data in main). */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_+\-/]+$/, 'a time zone is an IANA name like Europe/Paris');

/** Why a schedule does not fire: the user paused it, or ScriptDesk did (and says why). */
export const SchedulePauseSchema = z.object({
  by: z.enum(['user', 'scriptdesk']),
  reason: z.string(),
  at: z.string(),
});

/** A schedule as the Schedules list shows it. */
export const ScheduleSchema = z.object({
  id: z.string(),
  scriptId: z.string(),
  /** The script's title now, or its id when it is no longer in the catalogue. */
  title: z.string(),
  preset: z.object({ source: PresetSourceSchema, name: z.string() }),
  rule: ScheduleRuleSchema,
  timeZone: z.string(),
  missedPolicy: MissedPolicySchema,
  paused: SchedulePauseSchema.nullable(),
  createdAt: z.string(),
  /** The next time it fires (ISO); null while paused. */
  nextRunAt: z.string().nullable(),
  /** The last run it started, with its status now. */
  lastRun: z
    .object({ runId: z.string(), status: RunStatusSchema, startedAt: z.string() })
    .nullable(),
  /** Why the last attempt started no run (e.g. a secret was not set), or null. */
  lastProblem: z.string().nullable(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

const ScheduleIdSchema = z.string().regex(/^[0-9a-f-]{36}$/, 'a schedule id is a UUID');
const ScheduleListSchema = z.object({ schedules: z.array(ScheduleSchema) });

export const scheduleMethods = {
  /** The user's schedules, soonest first, paused ones last. */
  'schedules.list': method(z.object({}).strict(), ScheduleListSchema),
  /** Schedules a script with one of its saved presets; refused when its inputs do not validate. */
  'schedules.create': method(
    z
      .object({
        scriptId: ScriptIdSchema,
        preset: z.object({ source: PresetSourceSchema, name: PresetNameSchema }).strict(),
        rule: ScheduleRuleSchema,
        timeZone: TimeZoneSchema,
        missedPolicy: MissedPolicySchema,
        /** The reason or ticket every run gives, when the script asks for one. */
        reason: z.string().trim().min(1).max(2000).optional(),
        /** The user confirmed unattended real runs of a destructive script. */
        confirmed: z.boolean().optional(),
      })
      .strict(),
    z.object({ schedule: ScheduleSchema }),
  ),
  /** Pauses (true) or resumes (false) a schedule; resuming checks its inputs again. */
  'schedules.setPaused': method(
    z.object({ id: ScheduleIdSchema, paused: z.boolean() }).strict(),
    z.object({ schedule: ScheduleSchema }),
  ),
  'schedules.delete': method(
    z.object({ id: ScheduleIdSchema }).strict(),
    z.object({ deleted: z.boolean() }),
  ),
};
