import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditEvent } from '../../audit/event.js';
import {
  alertPage,
  encodeEventCursor,
  parseAlertQuery,
  parseEventQuery,
  parseExportQuery,
  parseFlagQuery,
  parseVerifyQuery,
} from './admin-query.js';
import type { AuditStore } from './audit-store.js';
import { exportLine, startExport } from './export-format.js';
import {
  hasBearerToken,
  sendError,
  sendErrorAndDiscard,
  sendJson,
  writeChunk,
} from './http-json.js';
import { answerKeyChange } from './key-change-route.js';
import type { EventList, FlagsResponse } from '../../audit/protocol.js';
import { verifyDevices } from './verify-devices.js';

export interface AdminRouteOptions {
  store: AuditStore;
  /** SHA-256 of the admin token (see `tokenDigest`). */
  adminDigest: Buffer;
}

type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  search: URLSearchParams,
) => Promise<void>;

/** Rows per store query while an export streams. */
const EXPORT_PAGE = 500;
/**
 * The admin API under `/v1/admin/`: query, export, devices (approve, revoke), verify and flags.
 * It takes only the admin token; the ingest token devices carry is refused here, so a stolen
 * laptop cannot read the organisation's audit record.
 */
export function createAdminRoute(options: AdminRouteOptions) {
  const { store } = options;

  const listEvents: Handler = async (_request, response, search) => {
    const query = parseEventQuery(search);
    if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
    const { filters, after, limit } = query.value;
    // One row more than asked tells whether there is a next page.
    const rows = await store.events({ ...filters, order: 'desc', after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const body: EventList = {
      events: page.map((row) => JSON.parse(row.body) as AuditEvent),
      next: rows.length > limit ? encodeEventCursor(page[page.length - 1]!) : null,
    };
    sendJson(response, 200, body);
  };

  const exportEvents: Handler = async (_request, response, search) => {
    const query = parseExportQuery(search);
    if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
    const { filters, format } = query.value;
    // Page by page, waiting for the client to take each one: memory stays flat however large.
    let chunk = startExport(response, format, 'scriptdesk-audit');
    let after: Parameters<typeof encodeEventCursor>[0] | undefined;
    for (;;) {
      const rows = await store.events({ ...filters, order: 'asc', after, limit: EXPORT_PAGE });
      for (const row of rows) chunk += exportLine(format, row);
      if (chunk && !(await writeChunk(response, chunk))) return;
      chunk = '';
      if (rows.length < EXPORT_PAGE) break;
      after = rows[rows.length - 1]!;
    }
    response.end();
  };

  const listDevices: Handler = async (_request, response, search) => {
    if ([...search.keys()].length > 0)
      return sendError(response, 400, 'bad_query', 'devices takes no query parameters');
    sendJson(response, 200, { devices: await store.devices() });
  };

  const changeKeys =
    (action: 'approve' | 'revoke'): Handler =>
    (request, response) =>
      answerKeyChange(request, response, store, action, 'admin-api');

  const verify: Handler = async (_request, response, search) => {
    const query = parseVerifyQuery(search);
    if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
    const devices = await store.devices(query.value.source);
    if (query.value.source !== undefined && devices.length === 0)
      return sendError(
        response,
        404,
        'unknown_device',
        'no device with this source has sent events; check the source (scriptdesk audit devices)',
      );
    sendJson(response, 200, await verifyDevices(store, devices));
  };

  const listFlags: Handler = async (_request, response, search) => {
    const query = parseFlagQuery(search);
    if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
    const { source, afterId, limit } = query.value;
    const rows = await store.flags({ source, afterId, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const body: FlagsResponse = {
      flags: page,
      next: rows.length > limit ? String(page[page.length - 1]!.id) : null,
    };
    sendJson(response, 200, body);
  };

  const listAlerts: Handler = async (_request, response, search) => {
    const query = parseAlertQuery(search);
    if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
    sendJson(response, 200, await alertPage(store.alerts, query.value));
  };

  const routes: Record<string, { method: 'GET' | 'POST'; handle: Handler }> = {
    '/v1/admin/events': { method: 'GET', handle: listEvents },
    '/v1/admin/export': { method: 'GET', handle: exportEvents },
    '/v1/admin/devices': { method: 'GET', handle: listDevices },
    '/v1/admin/devices/approve': { method: 'POST', handle: changeKeys('approve') },
    '/v1/admin/devices/revoke': { method: 'POST', handle: changeKeys('revoke') },
    '/v1/admin/verify': { method: 'GET', handle: verify },
    '/v1/admin/flags': { method: 'GET', handle: listFlags },
    '/v1/admin/alerts': { method: 'GET', handle: listAlerts },
  };

  return async (
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    search: URLSearchParams,
  ): Promise<void> => {
    // Authenticated first: without the token, every admin path looks the same.
    if (!hasBearerToken(request, options.adminDigest))
      return sendErrorAndDiscard(
        request,
        response,
        401,
        'unauthorized',
        'missing or wrong admin token; send Authorization: Bearer <token>, the SCRIPTDESK_ADMIN_TOKEN the server was started with',
        { 'WWW-Authenticate': 'Bearer realm="scriptdesk-admin"' },
      );
    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (!route)
      return sendError(
        response,
        404,
        'not_found',
        'no such admin route; see the audit endpoint section of the README',
      );
    if (request.method !== route.method)
      return sendErrorAndDiscard(
        request,
        response,
        405,
        'method_not_allowed',
        `use ${route.method} here`,
        { Allow: route.method },
      );
    await route.handle(request, response, search);
  };
}
