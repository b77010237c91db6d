import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AuditStore } from './audit-store.js';
import { readJsonBody, sendError, sendJson } from './http-json.js';
import type { KeyChangeResponse } from '../../audit/protocol.js';

/** Largest body of an approve or revoke request. */
const MAX_CHANGE_BYTES = 64 * 1024;

const KeyChangeRequestSchema = z
  .object({
    source: z.string().min(1).max(300),
    key: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/)
      .optional(),
  })
  .strict();

/**
 * Approves or revokes keys of a device from a `{"source", "key"?}` body, for the admin API and
 * the console alike; `actor` is who the admin log names.
 */
export async function answerKeyChange(
  request: IncomingMessage,
  response: ServerResponse,
  store: AuditStore,
  action: 'approve' | 'revoke',
  actor: string,
): Promise<void> {
  const json = await readJsonBody(request, response, MAX_CHANGE_BYTES);
  if (json === undefined) return;
  const parsed = KeyChangeRequestSchema.safeParse(json);
  if (!parsed.success)
    return sendError(
      response,
      400,
      'bad_request',
      'the body must be {"source": "<device id>", "key": "<base64 device key, optional>"}',
    );
  const { source, key } = parsed.data;
  const outcome = await store.changeKeys({
    action,
    source,
    key,
    at: new Date().toISOString(),
    actor,
  });
  if (!outcome.ok)
    return sendError(
      response,
      404,
      outcome.missing === 'device' ? 'unknown_device' : 'unknown_key',
      outcome.missing === 'device'
        ? 'no device with this source has sent events; check the source (scriptdesk audit devices)'
        : 'this device has no such key; check the key (scriptdesk audit devices)',
    );
  const answer: KeyChangeResponse = { source, changed: outcome.changed };
  sendJson(response, 200, answer);
}
