import { ALERT_KINDS, DELIVERY_STATES } from '../server/audit/alert-queue.js';
import { remoteAlerts } from './audit-remote.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';

/** Refuses a filter `flag` whose `value` is not one of `allowed`, naming them (exit code 2). */
function oneOf(flag: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value))
    throw new CliError(`${flag} "${value}" must be ${allowed.join(', ')}`, 2);
}

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
  oneOf('--state', options.state, DELIVERY_STATES);
  oneOf('--kind', options.kind, ALERT_KINDS);
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
