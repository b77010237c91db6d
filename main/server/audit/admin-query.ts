import { z } from 'zod';
import { ALERT_KINDS, DELIVERY_STATES, type AlertList, type AlertQueue } from './alert-queue.js';
import type { EventKey } from './event-rows.js';
import type { EventFilters } from '../../audit/protocol.js';

/**
 * The admin API's query parameters, each validated on its own so a bad one is named in the 400
 * answer. Unknown or repeated parameters are refused too: a typo must not silently widen a query.
 */

/** A filter value: 1 to 300 characters, no control characters. */
export const text = z
  .string()
  .min(1)
  .max(300)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s));
/** An ISO 8601 date-time with offset, as UTC `…Z` text (the stores' time order). */
export const instant = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value).toISOString());
const limit = z
  .string()
  .regex(/^\d{1,4}$/)
  .transform(Number)
  .pipe(z.number().int().min(1).max(1000));
const eventCursor = z
  .string()
  .max(4000)
  .transform(decodeEventCursor)
  .pipe(
    z
      .tuple([z.string(), z.string(), z.number().int().min(1), z.string()])
      .transform(([time, source, sequence, id]): EventKey => ({ time, source, sequence, id })),
  );
const alertCursor = z
  .string()
  .max(4000)
  .transform(decodeEventCursor)
  .pipe(
    z
      .tuple([z.string(), z.string(), z.string()])
      .transform(([createdAt, alertId, target]) => ({ createdAt, alertId, target })),
  );
const flagCursor = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);

/** Each parameter: how it is parsed and what it must be (the message of a 400). */
const PARAMETERS = {
  source: { schema: text, must: 'a device id (1 to 300 characters, no control characters)' },
  script: { schema: text, must: 'a script id (1 to 300 characters, no control characters)' },
  user: { schema: text, must: 'a user name (1 to 300 characters, no control characters)' },
  status: { schema: text, must: 'a run status (1 to 300 characters, no control characters)' },
  type: { schema: text, must: 'an event type such as dev.scriptdesk.run.finished' },
  since: { schema: instant, must: 'an ISO 8601 date-time with offset, e.g. 2026-01-31T00:00:00Z' },
  until: { schema: instant, must: 'an ISO 8601 date-time with offset, e.g. 2026-02-01T00:00:00Z' },
  limit: { schema: limit, must: 'a whole number from 1 to 1000' },
  after: { schema: eventCursor, must: 'the `next` value of the previous page' },
  flagAfter: { schema: flagCursor, must: 'the `next` value of the previous page' },
  format: { schema: z.enum(['jsonl', 'csv']), must: 'jsonl or csv' },
  alertAfter: { schema: alertCursor, must: 'the `next` value of the previous page' },
  deliveryState: { schema: z.enum(DELIVERY_STATES), must: DELIVERY_STATES.join(', or ') },
  alertKind: { schema: z.enum(ALERT_KINDS), must: ALERT_KINDS.join(', or ') },
} as const;
type Parameter = keyof typeof PARAMETERS;
type Parsed<P extends Parameter> = z.output<(typeof PARAMETERS)[P]['schema']>;

const FILTERS = ['source', 'script', 'user', 'status', 'type', 'since', 'until'] as const;

/** A parsed query, or the sentence a 400 answer carries. */
export type QueryResult<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Parses `search` allowing exactly the parameters named in `allowed` (query name → parser),
 * each at most once.
 */
function parseQuery<const A extends Record<string, Parameter>>(
  search: URLSearchParams,
  allowed: A,
): QueryResult<{ [K in keyof A]?: Parsed<A[K]> }> {
  const value: Record<string, unknown> = {};
  const names = Object.keys(allowed);
  for (const name of new Set(search.keys())) {
    const parameter = allowed[name];
    if (parameter === undefined)
      return {
        ok: false,
        message: `unknown query parameter "${printable(name)}"; use ${names.join(', ')}`,
      };
    const values = search.getAll(name);
    if (values.length > 1) return { ok: false, message: `query parameter "${name}" is repeated` };
    const { schema, must } = PARAMETERS[parameter];
    const parsed = (schema as z.ZodType).safeParse(values[0]);
    if (!parsed.success) return { ok: false, message: `query parameter "${name}" must be ${must}` };
    value[name] = parsed.data;
  }
  return { ok: true, value: value as { [K in keyof A]?: Parsed<A[K]> } };
}

const filterParameters = Object.fromEntries(FILTERS.map((name) => [name, name])) as {
  [K in (typeof FILTERS)[number]]: K;
};

/** `GET /v1/admin/events`: filters, `after` (a cursor) and `limit` (default 100, at most 1000). */
export function parseEventQuery(search: URLSearchParams) {
  const parsed = parseQuery(search, { ...filterParameters, after: 'after', limit: 'limit' });
  if (!parsed.ok) return parsed;
  const { after, limit: pageSize, ...filters } = parsed.value;
  return {
    ok: true as const,
    value: { filters: filters as EventFilters, after, limit: pageSize ?? 100 },
  };
}

/** `GET /v1/admin/export`: filters and `format` (jsonl by default). */
export function parseExportQuery(search: URLSearchParams) {
  const parsed = parseQuery(search, { ...filterParameters, format: 'format' });
  if (!parsed.ok) return parsed;
  const { format, ...filters } = parsed.value;
  return {
    ok: true as const,
    value: { filters: filters as EventFilters, format: format ?? 'jsonl' },
  };
}

/** `GET /v1/admin/flags`: `source`, `after` (a flag id) and `limit`. */
export function parseFlagQuery(search: URLSearchParams) {
  const parsed = parseQuery(search, { source: 'source', after: 'flagAfter', limit: 'limit' });
  if (!parsed.ok) return parsed;
  const { source, after, limit: pageSize } = parsed.value;
  return { ok: true as const, value: { source, afterId: after, limit: pageSize ?? 100 } };
}

/** `GET /v1/admin/alerts` and the console's alerts: `state`, `kind`, `after` (a cursor), `limit`. */
export function parseAlertQuery(search: URLSearchParams) {
  const parsed = parseQuery(search, {
    state: 'deliveryState',
    kind: 'alertKind',
    after: 'alertAfter',
    limit: 'limit',
  });
  if (!parsed.ok) return parsed;
  const { state, kind, after, limit: pageSize } = parsed.value;
  return { ok: true as const, value: { state, kind, after, limit: pageSize ?? 100 } };
}

/** The opaque `next` value of an alert page. */
export function encodeAlertCursor(row: { createdAt: string; alertId: string; target: string }) {
  return Buffer.from(JSON.stringify([row.createdAt, row.alertId, row.target])).toString(
    'base64url',
  );
}

/**
 * One page of alert deliveries for a parsed alert query (`GET /v1/admin/alerts` and the
 * console's Alerts page): one queue query, one row more than the page to know if one follows.
 */
export async function alertPage(
  queue: AlertQueue,
  query: Extract<ReturnType<typeof parseAlertQuery>, { ok: true }>['value'],
): Promise<AlertList> {
  const { limit, ...filters } = query;
  const rows = await queue.list({ ...filters, limit: limit + 1 });
  const deliveries = rows.slice(0, limit);
  return {
    deliveries,
    next: rows.length > limit ? encodeAlertCursor(deliveries[deliveries.length - 1]!) : null,
  };
}

/** `GET /v1/admin/verify`: an optional `source`. */
export function parseVerifyQuery(search: URLSearchParams) {
  return parseQuery(search, { source: 'source' });
}

/** The opaque `next` value of an event page: its last row's sort key. */
export function encodeEventCursor(key: EventKey): string {
  return Buffer.from(JSON.stringify([key.time, key.source, key.sequence, key.id])).toString(
    'base64url',
  );
}

function decodeEventCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A query parameter name as it may appear in a message: short, visible ASCII only. */
function printable(name: string): string {
  return name.slice(0, 40).replace(/[^\x21-\x7e]/g, '?');
}
