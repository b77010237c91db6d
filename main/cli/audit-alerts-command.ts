import { ALERT_KINDS, DELIVERY_STATES } from '../server/audit/alert-queue.js';
import { remoteAlerts } from './audit-remote.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';

export interface RemoteAlertsOptions {
  server: string;
  state?: string;
  kind?: string;
  limit: string;
  json?: boolean;
}

/**
 * `scriptdesk audit alerts --server URL [--state S] [--kind K] [--limit N] [--json]`: the webhook
 * deliveries of an audit endpoint, newest first, one line each with its state and last error.
 */
export async function remoteAlertsCommand(
  server: string,
  options: RemoteAlertsOptions,
  out: Out,
): Promise<void> {
  if (
    options.state !== undefined &&
    !(DELIVERY_STATES as readonly string[]).includes(options.state)
  )
    throw new CliError(`--state "${options.state}" must be ${DELIVERY_STATES.join(', ')}`, 2);
  if (options.kind !== undefined && !(ALERT_KINDS as readonly string[]).includes(options.kind))
    throw new CliError(`--kind "${options.kind}" must be ${ALERT_KINDS.join(', ')}`, 2);
  const limit = /^\d{1,4}$/.test(options.limit) ? Number(options.limit) : NaN;
  if (!(limit >= 1 && limit <= 1000))
    throw new CliError(`--limit "${options.limit}" must be a whole number from 1 to 1000`, 2);
  const page = await remoteAlerts(server, { state: options.state, kind: options.kind, limit });
  if (options.json) return out.json(page.deliveries);
  if (page.deliveries.length === 0) return out.line('No alert has been queued.');
  for (const delivery of page.deliveries) {
    const device = delivery.source === null ? '' : ` device ${delivery.source}`;
    out.line(
      `${delivery.createdAt}  ${delivery.kind}${device} → ${delivery.target}: ${delivery.state} after ${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`,
    );
    if (delivery.lastError) out.line(`  last error: ${delivery.lastError}`);
  }
  if (page.next)
    out.line(`More deliveries: raise --limit (up to 1000) or filter by --state or --kind.`);
}
