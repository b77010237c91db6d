import { z } from 'zod';
import { method, RunIdSchema } from './schema-parts.js';

/** A log line's level when it needs attention (CRITICAL counts as an error); other lines have none. */
export const LogLevelSchema = z.enum(['error', 'warning']);
/** How many lines of a log are errors and warnings. */
export const LogLevelsSchema = z.object({
  errors: z.number().int().min(0),
  warnings: z.number().int().min(0),
});

/** One line of a run's log: its number from 1, its stream, its text and its level. */
export const LogLineSchema = z.object({
  seq: z.number().int(),
  stream: z.enum(['stdout', 'stderr']),
  line: z.string(),
  level: LogLevelSchema.nullable(),
});

/** Most log lines one `run.logLines` call returns. */
export const MAX_LOG_PAGE = 1000;
/** Longest text `run.logSearch` looks for. */
export const MAX_LOG_QUERY = 200;

/** The `run.log*` part of the contract, spread into `methods` in api.ts. */
export const logMethods = {
  /**
   * Lines of a run's log from line `from` (1 is the first), at most `count`: fewer at the end, or
   * when they are long (ask again from the next). `only: 'problems'` reads the list of its error
   * and warning lines instead, `from` counting in that list. `total` is how many lines there are
   * (in the list, with `only`).
   */
  'run.logLines': method(
    z
      .object({
        runId: RunIdSchema,
        from: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
        count: z.number().int().min(1).max(MAX_LOG_PAGE),
        only: z.literal('problems').optional(),
      })
      .strict(),
    z.object({ lines: z.array(LogLineSchema), total: z.number().int().min(0) }),
  ),
  /**
   * The numbers of log lines from `from` on holding `query` (literal text, any case), at most
   * `limit`. Each call looks through a bounded part of the log; `next` is where to go on, null
   * at the end of what is written so far.
   */
  'run.logSearch': method(
    z
      .object({
        runId: RunIdSchema,
        query: z
          .string()
          .min(1)
          .max(MAX_LOG_QUERY)
          .regex(/^[^\r\n]*$/, 'a search is one line of text'),
        from: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
        limit: z.number().int().min(1).max(MAX_LOG_PAGE),
      })
      .strict(),
    z.object({ matches: z.array(z.number().int()), next: z.number().int().nullable() }),
  ),
  /**
   * The whole log for saving, a part at a time from byte `offset` (0 first, then each answer's
   * `next` until it is null). Main names the file and refuses a log too large to assemble.
   */
  'run.logDownload': method(
    z
      .object({ runId: RunIdSchema, offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })
      .strict(),
    z.object({
      fileName: z.string(),
      /** Bytes of the log written so far (a running script may add more before the last part). */
      size: z.number().int().min(0),
      text: z.string(),
      next: z.number().int().nullable(),
    }),
  ),
};
