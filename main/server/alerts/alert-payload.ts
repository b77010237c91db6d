import { createHmac } from 'node:crypto';
import { canonicalJson } from '../../audit/canonical-json.js';
import type { ClaimedDelivery } from '../audit/alert-queue.js';
import type { AlertTarget } from './alert-config.js';

/**
 * What goes on the wire for one delivery. signed-json: a canonical JSON body (keys sorted, the
 * same bytes on every retry) `{ facts, id, kind, time }` and the header
 * `X-ScriptDesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * slack: `{"text": "…"}` in plain words. Neither carries secrets or run inputs.
 */

export const SIGNATURE_HEADER = 'X-ScriptDesk-Signature';

export interface WebhookRequest {
  headers: Record<string, string>;
  body: string;
}

/** The signed-json body of an alert: stable, so a receiver may hash or de-duplicate it. */
export function alertBody(delivery: ClaimedDelivery): string {
  return canonicalJson({
    id: delivery.alertId,
    kind: delivery.kind,
    time: delivery.createdAt,
    facts: JSON.parse(delivery.facts) as unknown,
  });
}

/** `t=…,v1=…`: HMAC-SHA256 over `<timestamp>.<body>` with the target's secret, hex. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** The request for one delivery to one target, signed at `now`. */
export function webhookRequest(
  delivery: ClaimedDelivery,
  target: AlertTarget,
  now: Date,
): WebhookRequest {
  const common = {
    'Content-Type': 'application/json',
    'User-Agent': 'scriptdesk-server',
    'X-ScriptDesk-Alert-Id': delivery.alertId,
  };
  if (target.format === 'slack')
    return { headers: common, body: JSON.stringify({ text: slackText(delivery) }) };
  const body = alertBody(delivery);
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    headers: { ...common, [SIGNATURE_HEADER]: signatureHeader(target.secret!, timestamp, body) },
    body,
  };
}

/** One plain sentence per alert kind, for a chat channel. */
export function slackText(delivery: ClaimedDelivery): string {
  const facts = JSON.parse(delivery.facts) as Record<string, unknown>;
  const text = (value: unknown) => (value === null || value === undefined ? '?' : String(value));
  const device = text(facts.device);
  switch (delivery.kind) {
    case 'run-failed':
      return `ScriptDesk: a run of ${text(facts.version)} ended "${text(facts.status)}" on device ${device}${facts.user ? ` (user ${text(facts.user)})` : ''}, event ${text(facts.sequence)}.`;
    case 'integrity':
      return `ScriptDesk integrity flag "${text(facts.flag)}" on device ${device}: ${text(facts.message)}.`;
    case 'device-pending':
      return `ScriptDesk: device ${device} has a key waiting for approval (scriptdesk audit approve).`;
    case 'device-silent':
      return `ScriptDesk: device ${device} has not reported since ${text(facts.lastSeen)} and last said ${text(facts.backlog)} events were waiting to be sent.`;
    default:
      return `ScriptDesk alert ${delivery.kind} on device ${device}.`;
  }
}
