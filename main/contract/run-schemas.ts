import { z } from 'zod';
import { method, RunIdSchema, ScriptIdSchema } from './schema-parts.js';

/** Runs as History and the run page see them: statuses, summaries, delivery; spread into api.ts. */

/**
 * Every state of a run. `expected` and `retriable` come from the manifest's exit-code table (a
 * foreseen outcome, a passing problem); `output_limit` means the script wrote more than the
 * output cap and was stopped; `interrupted` means ScriptDesk stopped (crash, power loss) during it.
 */
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'expected',
  'retriable',
  'failed',
  'timeout',
  'cancelled',
  'output_limit',
  'interrupted',
] as const;
export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatusSchema>;

export const RunSummarySchema = z.object({
  runId: z.string(),
  scriptId: z.string(),
  scriptVersion: z.string(),
  title: z.string(),
  status: RunStatusSchema,
  dryRun: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  exitCode: z.number().int().nullable(),
  message: z.string(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** A run as History lists it: the summary, the reason given and who ran it. */
export const RunListItemSchema = RunSummarySchema.extend({
  reason: z.string().nullable(),
  /** The OS account that asked for the run; null for runs recorded before it was kept. */
  user: z.string().nullable(),
  /** The schedule that started the run; null when a person did. */
  scheduleId: z.string().nullable(),
});
export type RunListItem = z.infer<typeof RunListItemSchema>;

/**
 * Where a run's audit events are: `local` (no endpoint is configured), `pending` (some wait to be
 * delivered), `delivered`, `refused` (the endpoint flagged at least one), or `unknown` (none of
 * its events are in this journal any more, and it cannot tell).
 */
export const RUN_DELIVERY_STATES = ['local', 'pending', 'delivered', 'refused', 'unknown'] as const;
export const RunDeliverySchema = z.object({
  state: z.enum(RUN_DELIVERY_STATES),
  /** The run's events still in the local journal. */
  events: z.number().int().min(0),
});
export type RunDelivery = z.infer<typeof RunDeliverySchema>;

/** The History part of the contract (`run.list`, `run.delivery`, `run.scripts`). */
export const historyMethods = {
  /**
   * A page of runs, most recent first, narrowed by every filter given; `total` counts every run
   * that matches. Dates are ISO timestamps with a zone (`startedBefore` is exclusive).
   */
  'run.list': method(
    z
      .object({
        limit: z.number().int().min(1).max(500).optional(),
        offset: z.number().int().min(0).max(10_000_000).optional(),
        text: z.string().max(200, 'search text is at most 200 characters').optional(),
        scriptId: ScriptIdSchema.optional(),
        statuses: z.array(RunStatusSchema).min(1).max(RUN_STATUSES.length).optional(),
        dryRun: z.boolean().optional(),
        startedFrom: z.iso.datetime({ offset: true }).optional(),
        startedBefore: z.iso.datetime({ offset: true }).optional(),
      })
      .strict(),
    z.object({ runs: z.array(RunListItemSchema), total: z.number().int().min(0) }),
  ),
  /** Whether a run's audit events reached the endpoint, asked again as delivery goes on. */
  'run.delivery': method(z.object({ runId: RunIdSchema }).strict(), RunDeliverySchema),
  /**
   * The newest dry run of this script with exactly these inputs (compared as the audit record
   * holds them: sensitive values redacted), for the confirmation of a real run; null when none.
   */
  'run.matchingDryRun': method(
    z.object({ scriptId: ScriptIdSchema, inputs: z.record(z.string(), z.unknown()) }).strict(),
    z.object({
      run: z
        .object({
          runId: z.string(),
          status: RunStatusSchema,
          startedAt: z.string(),
          scriptVersion: z.string(),
        })
        .nullable(),
    }),
  ),
  /** Every script this device has runs of (for History's script filter), by title. */
  'run.scripts': method(
    z.object({}).strict(),
    z.object({ scripts: z.array(z.object({ scriptId: z.string(), title: z.string() })) }),
  ),
};
