import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import {
  DevicesResponseSchema,
  ErrorResponseSchema,
  EventListSchema,
  KeyChangeResponseSchema,
  VerifyResponseSchema,
  type Device,
  type EventFilters,
  type EventList,
  type KeyChangeResponse,
  type VerifyResponse,
} from '../audit/protocol.js';
import { AlertListSchema, type AlertList } from '../server/audit/alert-queue.js';
import { CliError } from './cli-error.js';

/**
 * `scriptdesk audit … --server URL`: the admin API of a `scriptdesk server` audit endpoint, for
 * the CLI. The admin token comes from `SCRIPTDESK_ADMIN_TOKEN` only (never a flag, which `ps`
 * would show) and is never printed. Every failure is a {@link CliError} with one line naming the
 * server and the fix.
 */

const TOKEN_VARIABLE = 'SCRIPTDESK_ADMIN_TOKEN';

/** Filters of `remoteList` and `remoteExport`, plus paging for the list. */
export interface RemoteFilters extends EventFilters {
  /** The `next` of the previous page. */
  after?: string;
  /** Events per page (1–1000, default 100). Ignored by the export. */
  limit?: number;
}

/** One page of events matching the filters, newest first. */
export async function remoteList(
  server: string,
  filters: RemoteFilters,
  env: NodeJS.ProcessEnv = process.env,
): Promise<EventList> {
  const query = filterQuery(filters);
  if (filters.after !== undefined) query.set('after', filters.after);
  if (filters.limit !== undefined) query.set('limit', String(filters.limit));
  return readJson(await request(server, 'v1/admin/events', query, env), EventListSchema);
}

/**
 * Streams the export (oldest first) into `out`, which is not closed. JSON Lines holds the
 * stored events exactly as signed; CSV is for spreadsheets.
 */
export async function remoteExport(
  server: string,
  format: 'jsonl' | 'csv',
  filters: EventFilters,
  out: Writable,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const query = filterQuery(filters);
  query.set('format', format);
  const answer = await request(server, 'v1/admin/export', query, env);
  await failUnlessOk(answer);
  const { response } = answer;
  if (!response.body) return;
  try {
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), out, {
      end: false,
    });
  } catch (error) {
    throw new CliError(
      `the export from ${originOf(server)} broke off (${reasonOf(error)}); run it again`,
      1,
      { cause: error },
    );
  }
}

/** Each device's stored chain checked again, and its ingest flags; one device when `source` is given. */
export async function remoteVerify(
  server: string,
  source?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<VerifyResponse> {
  const query = new URLSearchParams();
  if (source !== undefined) query.set('source', source);
  return readJson(await request(server, 'v1/admin/verify', query, env), VerifyResponseSchema);
}

/** The devices the server knows, with their keys and counts. */
export async function remoteDevices(
  server: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Device[]> {
  const answer = await request(server, 'v1/admin/devices', new URLSearchParams(), env);
  return (await readJson(answer, DevicesResponseSchema)).devices;
}

/** Approves a device's pending keys (or the one named, also a revoked one). */
export function remoteApprove(
  server: string,
  source: string,
  key?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyChangeResponse> {
  return changeKeys(server, 'approve', source, key, env);
}

/** Revokes every key of a device, or the one named: its events are refused from then on. */
export function remoteRevoke(
  server: string,
  source: string,
  key?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KeyChangeResponse> {
  return changeKeys(server, 'revoke', source, key, env);
}

async function changeKeys(
  server: string,
  action: 'approve' | 'revoke',
  source: string,
  key: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<KeyChangeResponse> {
  const answer = await request(server, `v1/admin/devices/${action}`, new URLSearchParams(), env, {
    method: 'POST',
    body: JSON.stringify(key === undefined ? { source } : { source, key }),
  });
  return readJson(answer, KeyChangeResponseSchema);
}

/** One page of alert deliveries (newest first), in one state when `state` is given. */
export async function remoteAlerts(
  server: string,
  options: { state?: string; kind?: string; after?: string; limit?: number },
  env: NodeJS.ProcessEnv = process.env,
): Promise<AlertList> {
  const query = new URLSearchParams();
  if (options.state !== undefined) query.set('state', options.state);
  if (options.kind !== undefined) query.set('kind', options.kind);
  if (options.after !== undefined) query.set('after', options.after);
  if (options.limit !== undefined) query.set('limit', String(options.limit));
  return readJson(await request(server, 'v1/admin/alerts', query, env), AlertListSchema);
}

function filterQuery(filters: EventFilters): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of ['source', 'script', 'user', 'status', 'type', 'since', 'until'] as const) {
    const value = filters[name];
    if (value !== undefined) query.set(name, value);
  }
  return query;
}

/** The server's base URL, checked: http(s), no credentials in it (the token travels apart). */
function baseUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(
      `--server "${server}" is not a URL; give e.g. https://audit.example.org/`,
      2,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`--server must be an http:// or https:// URL`, 2);
  if (url.username || url.password)
    throw new CliError(
      `--server must not hold a user name or password; the admin token comes from ${TOKEN_VARIABLE}`,
      2,
    );
  // A base with a path (behind a proxy) keeps it: relative routes resolve under it.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

/** Where messages say the request went: scheme, host and port only. */
function originOf(server: string): string {
  try {
    return new URL(server).origin;
  } catch {
    return 'the server';
  }
}

async function request(
  server: string,
  route: string,
  query: URLSearchParams,
  env: NodeJS.ProcessEnv,
  init: { method?: 'GET' | 'POST'; body?: string } = {},
): Promise<Answer> {
  const token = env[TOKEN_VARIABLE];
  if (!token)
    throw new CliError(
      `${TOKEN_VARIABLE} is not set; set it to the admin token the audit server was started with`,
      2,
    );
  const url = new URL(route, baseUrl(server));
  url.search = query.toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: 'application/json',
        ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: init.body,
      // A redirect could carry the token elsewhere: follow none, say where it pointed.
      redirect: 'manual',
    });
  } catch (error) {
    throw new CliError(
      `cannot reach the audit server at ${originOf(server)} (${reasonOf(error)}); check --server and that scriptdesk server is running there`,
      1,
      { cause: error },
    );
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    const location = response.headers.get('location');
    throw new CliError(
      `the audit server at ${originOf(server)} redirects${location ? ` to ${originOf(new URL(location, url).href)}` : ''}; use that address with --server`,
    );
  }
  return { response, origin: originOf(server) };
}

/** A response and where it came from (for messages). */
interface Answer {
  response: Response;
  origin: string;
}

/** Throws the one-line error a non-2xx answer deserves. */
async function failUnlessOk({ response, origin }: Answer): Promise<void> {
  if (response.ok) return;
  if (response.status === 401)
    throw new CliError(`the admin token was refused by ${origin}; check ${TOKEN_VARIABLE}`);
  let detail: z.infer<typeof ErrorResponseSchema> | undefined;
  try {
    const parsed = ErrorResponseSchema.safeParse(await response.json());
    if (parsed.success) detail = parsed.data;
  } catch {
    detail = undefined;
  }
  if (!detail) {
    if (response.status === 404)
      throw new CliError(
        `${origin} has no audit endpoint (404); start scriptdesk server there with ${TOKEN_VARIABLE} and SCRIPTDESK_INGEST_TOKEN set`,
      );
    throw new CliError(
      `the audit server at ${origin} answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  throw new CliError(
    `the audit server at ${origin} refused the request (${response.status}): ${oneLine(detail.error.message)}`,
  );
}

async function readJson<S extends z.ZodType>(answer: Answer, schema: S): Promise<z.output<S>> {
  await failUnlessOk(answer);
  const { response, origin } = answer;
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new CliError(
      `the audit server at ${origin} sent an answer this scriptdesk does not understand; is it a ScriptDesk server of the same version?`,
    );
  return parsed.data;
}

/** The error's most telling code or message, for a one-line report (fetch hides it in `cause`). */
function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return oneLine(cause?.code ?? cause?.message ?? (error as Error).message ?? String(error));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
