import { z } from 'zod';
import { instant, text } from '../audit/admin-query.js';

/**
 * The console's run filters, as query parameters: each validated on its own so a 400 names the
 * bad one; unknown or repeated parameters are refused (a typo must not silently widen a search).
 */

/** Where a page of runs ends: the last run's sort key, `(time, source, run_id)`. */
export interface RunKey {
  time: string;
  source: string;
  runId: string;
}

const cursor = z
  .string()
  .max(2000)
  .transform((value, context) => {
    try {
      const parsed = z
        .tuple([z.string(), z.string(), z.string()])
        .parse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
      return { time: parsed[0], source: parsed[1], runId: parsed[2] } satisfies RunKey;
    } catch {
      context.addIssue({ code: 'custom', message: 'bad cursor' });
      return z.NEVER;
    }
  });

const PARAMETERS = {
  script: { schema: text, must: 'a script id' },
  version: { schema: text, must: 'a script version' },
  user: { schema: text, must: 'a user name' },
  device: { schema: text, must: 'a device id (its source)' },
  status: { schema: text, must: 'a run status such as succeeded or failed' },
  since: { schema: instant, must: 'an ISO 8601 date-time with offset, e.g. 2026-01-31T00:00:00Z' },
  until: { schema: instant, must: 'an ISO 8601 date-time with offset, e.g. 2026-02-01T00:00:00Z' },
  reason: { schema: text, must: 'some text of the reason the user gave' },
  field: { schema: text, must: 'the name of a top-level input field' },
  value: { schema: z.string().max(200), must: 'the input value (at most 200 characters)' },
  after: { schema: cursor, must: 'the `next` value of the previous page' },
  limit: {
    schema: z
      .string()
      .regex(/^\d{1,3}$/)
      .transform(Number)
      .pipe(z.number().int().min(1).max(200)),
    must: 'a whole number from 1 to 200',
  },
  format: { schema: z.enum(['jsonl', 'csv']), must: 'jsonl or csv' },
} as const;

type Name = keyof typeof PARAMETERS;
type Values = { [K in Name]?: z.output<(typeof PARAMETERS)[K]['schema']> };

/** The filters of a run search; `field` and `value` come together. */
export interface RunFilters {
  script?: string;
  version?: string;
  user?: string;
  device?: string;
  status?: string;
  since?: string;
  until?: string;
  reason?: string;
  input?: { field: string; value: string };
}

const FILTER_NAMES: Name[] = [
  'script',
  'version',
  'user',
  'device',
  'status',
  'since',
  'until',
  'reason',
  'field',
  'value',
];

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parse(search: URLSearchParams, allowed: readonly Name[]): Parsed<Values> {
  const values: Record<string, unknown> = {};
  for (const name of new Set(search.keys())) {
    if (!(allowed as readonly string[]).includes(name))
      return {
        ok: false,
        message: `unknown query parameter "${name.slice(0, 40).replace(/[^\x21-\x7e]/g, '?')}"; use ${allowed.join(', ')}`,
      };
    const all = search.getAll(name);
    if (all.length > 1) return { ok: false, message: `query parameter "${name}" is repeated` };
    const { schema, must } = PARAMETERS[name as Name];
    const result = (schema as z.ZodType).safeParse(all[0]);
    if (!result.success) return { ok: false, message: `query parameter "${name}" must be ${must}` };
    values[name] = result.data;
  }
  if ((values.field === undefined) !== (values.value === undefined))
    return {
      ok: false,
      message: 'query parameters "field" and "value" go together: an input field and its value',
    };
  return { ok: true, value: values as Values };
}

function filtersOf(values: Values): RunFilters {
  const { field, value, after: _after, limit: _limit, format: _format, ...rest } = values;
  return { ...rest, ...(field !== undefined ? { input: { field, value: value! } } : {}) };
}

/** `GET /console/api/runs`: the filters, `after` and `limit` (default 50). */
export function parseRunQuery(
  search: URLSearchParams,
): Parsed<{ filters: RunFilters; after?: RunKey; limit: number }> {
  const parsed = parse(search, [...FILTER_NAMES, 'after', 'limit']);
  if (!parsed.ok) return parsed;
  const { after, limit } = parsed.value;
  return { ok: true, value: { filters: filtersOf(parsed.value), after, limit: limit ?? 50 } };
}

/** `GET /console/api/export`: the filters and `format` (jsonl by default). */
export function parseExportQuery(
  search: URLSearchParams,
): Parsed<{ filters: RunFilters; format: 'jsonl' | 'csv' }> {
  const parsed = parse(search, [...FILTER_NAMES, 'format']);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    value: { filters: filtersOf(parsed.value), format: parsed.value.format ?? 'jsonl' },
  };
}

/** `GET /console/api/insights`: a date range (default: the 30 days before now). */
export function parseInsightsQuery(
  search: URLSearchParams,
  now: Date,
): Parsed<{ since: string; until: string }> {
  const parsed = parse(search, ['since', 'until']);
  if (!parsed.ok) return parsed;
  const until = parsed.value.since === undefined && parsed.value.until === undefined;
  return {
    ok: true,
    value: {
      since:
        parsed.value.since ??
        new Date(
          (until ? now.getTime() : Date.parse(parsed.value.until!)) - 30 * 86_400_000,
        ).toISOString(),
      until: parsed.value.until ?? new Date(now.getTime() + 1).toISOString(),
    },
  };
}

/** The opaque `next` of a run page. */
export function encodeRunKey(key: RunKey): string {
  return Buffer.from(JSON.stringify([key.time, key.source, key.runId])).toString('base64url');
}
