import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditStore } from './audit-store.js';
import {
  hasBearerToken,
  mediaType,
  readBody,
  sendError,
  sendErrorAndDiscard,
  sendJson,
} from './http-json.js';
import { checkEvent, type CheckedEvent, type IngestOptions } from './ingest-plan.js';
import type { DeviceMode, EventResult, IngestResponse } from '../../audit/protocol.js';

/** Largest request body `POST /v1/events` reads; larger ones get 413 and are not read further. */
export const MAX_BATCH_BYTES = 32 * 1024 * 1024;
/** Most events one batch may hold. */
export const MAX_BATCH_EVENTS = 5000;

const BATCH_TYPES = new Set(['application/cloudevents-batch+json', 'application/json']);
const SINGLE_TYPE = 'application/cloudevents+json';
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface IngestRouteOptions {
  store: AuditStore;
  /** SHA-256 of the ingest token (see `tokenDigest`). */
  ingestDigest: Buffer;
  devices: DeviceMode;
  /** The alert rules, run on each batch's plan inside its transaction. */
  alerts?: IngestOptions['alerts'];
  /** Called after each batch is written (wakes the alert worker). */
  onStored?: () => void;
}

/**
 * `POST /v1/events`: a batch of signed CloudEvents from devices. Every event gets its own result
 * in request order; the HTTP status sums them up (200 all stored or duplicate, else 409 for a
 * conflict, 422 for an invalid or badly signed event, 403 for a key awaiting approval or
 * revoked), so a client reads the per-event outcomes whatever the status.
 */
export function createIngestRoute(options: IngestRouteOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      sendErrorAndDiscard(request, response, 405, 'method_not_allowed', 'send events with POST', {
        Allow: 'POST',
      });
      return;
    }
    if (!hasBearerToken(request, options.ingestDigest)) {
      sendErrorAndDiscard(
        request,
        response,
        401,
        'unauthorized',
        'missing or wrong ingest token; send Authorization: Bearer <token>, the SCRIPTDESK_INGEST_TOKEN the server was started with',
        { 'WWW-Authenticate': 'Bearer realm="scriptdesk-audit"' },
      );
      return;
    }
    const type = mediaType(request);
    if (!BATCH_TYPES.has(type) && type !== SINGLE_TYPE) {
      sendErrorAndDiscard(
        request,
        response,
        415,
        'unsupported_media_type',
        'send events as Content-Type: application/cloudevents-batch+json (a JSON array) or application/cloudevents+json (one event)',
      );
      return;
    }
    const body = await readBody(request, MAX_BATCH_BYTES);
    if (!body) {
      sendErrorAndDiscard(
        request,
        response,
        413,
        'body_too_large',
        `the request body is larger than ${MAX_BATCH_BYTES / 1024 / 1024} MiB; send fewer events per batch`,
      );
      return;
    }
    const items = parseBatch(body, type === SINGLE_TYPE);
    if (!items.ok) {
      sendError(response, 400, items.code, items.message);
      return;
    }
    if (items.events.length > MAX_BATCH_EVENTS) {
      sendError(
        response,
        413,
        'too_many_events',
        `the batch holds ${items.events.length} events; send at most ${MAX_BATCH_EVENTS} per request`,
      );
      return;
    }
    const results = await options.store.ingest(items.events.map(checkSafely), {
      devices: options.devices,
      alerts: options.alerts,
      backlog: backlogOf(request),
    });
    sendJson(response, statusOf(results), summarise(results));
    options.onStored?.();
  };
}

/**
 * `ScriptDesk-Backlog: N`, the events the device's journal held undelivered when it sent this
 * batch (the batch included): what the silent-device alert weighs. Anything else is ignored.
 */
function backlogOf(request: IncomingMessage): number | undefined {
  const value = request.headers['scriptdesk-backlog'];
  return typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : undefined;
}

function parseBatch(
  body: Buffer,
  single: boolean,
): { ok: true; events: unknown[] } | { ok: false; code: string; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(utf8.decode(body));
  } catch {
    return {
      ok: false,
      code: 'bad_json',
      message: 'the body is not JSON (UTF-8); send a JSON array of CloudEvents',
    };
  }
  if (single) {
    if (typeof json === 'object' && json !== null && !Array.isArray(json))
      return { ok: true, events: [json] };
    return {
      ok: false,
      code: 'not_an_event',
      message:
        'with Content-Type application/cloudevents+json the body must be one event (a JSON object); send several as application/cloudevents-batch+json',
    };
  }
  if (Array.isArray(json)) return { ok: true, events: json };
  return {
    ok: false,
    code: 'not_a_batch',
    message:
      'the body must be a JSON array of events; send one event as an array of one, or as application/cloudevents+json',
  };
}

/** {@link checkEvent}, with a value too deeply nested to handle refused like any invalid one. */
function checkSafely(json: unknown): CheckedEvent {
  try {
    return checkEvent(json);
  } catch {
    return {
      kind: 'invalid',
      id: null,
      source: null,
      sequence: null,
      message: 'event: cannot be read',
    };
  }
}

function statusOf(results: EventResult[]): number {
  const reasons = new Set(results.map((result) => result.reason));
  if (reasons.has('conflict')) return 409;
  if (reasons.has('invalid') || reasons.has('bad_signature')) return 422;
  if (reasons.has('key_pending') || reasons.has('key_revoked')) return 403;
  return 200;
}

function summarise(results: EventResult[]): IngestResponse {
  const count = (status: EventResult['status']) =>
    results.filter((result) => result.status === status).length;
  return {
    results,
    stored: count('stored'),
    duplicates: count('duplicate'),
    refused: count('refused'),
  };
}
