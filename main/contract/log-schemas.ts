import { z } from 'zod';

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
