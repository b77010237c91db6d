import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteHandler } from '../catalogue-files.js';
import { createAdminRoute } from './admin-routes.js';
import type { AuditStore } from './audit-store.js';
import { ClientGoneError, sendError, tokenDigest } from './http-json.js';
import type { IngestOptions } from './ingest-plan.js';
import { createIngestRoute } from './ingest-route.js';
import type { DeviceMode } from '../../audit/protocol.js';

/** Shortest token the server accepts: guessing must be hopeless. */
export const MIN_TOKEN_LENGTH = 16;

/** A token fit for `Authorization: Bearer`: long enough, visible ASCII, no spaces. */
export function isUsableToken(token: string): boolean {
  return token.length >= MIN_TOKEN_LENGTH && /^[\x21-\x7e]+$/.test(token);
}

export interface AuditEndpointOptions {
  store: AuditStore;
  /** Devices send events with it (`SCRIPTDESK_INGEST_TOKEN`). */
  ingestToken: string;
  /** Admins query, export, verify and approve with it (`SCRIPTDESK_ADMIN_TOKEN`). */
  adminToken: string;
  devices: DeviceMode;
  /** The alert rules run on each ingest, and the worker's wake-up (see `main/server/alerts/`). */
  alerts?: IngestOptions['alerts'];
  onStored?: () => void;
  /** Receives one line per failed request: never event content, tokens or passwords. */
  log: (line: string) => void;
}

/**
 * The audit endpoint as one route of `scriptdesk server`: `POST /v1/events` for devices and
 * `/v1/admin/*` for admins. A failure of the store answers 503 (try again later: the devices
 * keep their events) and logs one line.
 */
export function createAuditHandler(options: AuditEndpointOptions): RouteHandler {
  const ingest = createIngestRoute({
    store: options.store,
    ingestDigest: tokenDigest(options.ingestToken),
    devices: options.devices,
    alerts: options.alerts,
    onStored: options.onStored,
  });
  const admin = createAdminRoute({
    store: options.store,
    adminDigest: tokenDigest(options.adminToken),
  });

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    work: () => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (error instanceof ClientGoneError) return;
      options.log(
        `scriptdesk server: ${request.method} ${pathname.replace(/[^\x21-\x7e]/g, '?')} failed: ${(error as Error).message.replace(/\s+/g, ' ')}`,
      );
      if (response.headersSent) {
        response.destroy();
        return;
      }
      for (const name of response.getHeaderNames()) response.removeHeader(name);
      sendError(
        response,
        503,
        'store_unavailable',
        'the audit store failed (see the server log); send again later',
        { 'Retry-After': '30' },
      );
    }
  }

  return async (request, response) => {
    const target = request.url ?? '';
    const query = target.indexOf('?');
    // The raw path, never normalised: `/v1/admin/../events` is no route of ours.
    const pathname = query === -1 ? target : target.slice(0, query);
    const search = new URLSearchParams(query === -1 ? '' : target.slice(query + 1));
    if (pathname === '/v1/events') {
      await handle(request, response, pathname, () => ingest(request, response));
      return true;
    }
    if (pathname.startsWith('/v1/admin/')) {
      await handle(request, response, pathname, () => admin(request, response, pathname, search));
      return true;
    }
    return false;
  };
}
