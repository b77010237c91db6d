import path from 'node:path';
import { defaultHome } from '../shared/home.js';
import { isUsableToken, MIN_TOKEN_LENGTH } from '../server/audit/audit-endpoint.js';
import { defaultAuditDatabase } from '../server/audit/open-audit-store.js';
import { DEVICE_MODES, type DeviceMode } from '../audit/protocol.js';
import { startServer, type AuditServerOptions, type CatalogueServer } from '../server/server.js';
import {
  loadServerConfig,
  resolveTargets,
  type AlertsConfig,
} from '../server/alerts/alert-config.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';

/** The options of `scriptdesk server`, as commander hands them over. */
export interface ServerCommandOptions {
  root?: string;
  port: string;
  host: string;
  database?: string;
  devices?: string;
  /** A JSON server config (its `alerts` section: webhook targets and rules). */
  config?: string;
  verbose?: boolean;
}

const INGEST_VARIABLE = 'SCRIPTDESK_INGEST_TOKEN';
const ADMIN_VARIABLE = 'SCRIPTDESK_ADMIN_TOKEN';
const TURN_ON = `set ${INGEST_VARIABLE} and ${ADMIN_VARIABLE} (${MIN_TOKEN_LENGTH}+ characters each, e.g. from openssl rand -base64 32)`;

/**
 * `scriptdesk server [--root DIR] [--port N] [--host ADDR] [--database URL|FILE]
 * [--devices auto|approve]`: serves the catalogue (with --root) and the audit endpoint (when both
 * tokens are in the environment) until SIGINT or SIGTERM. Tokens come only from the environment:
 * on the command line every user of the machine could read them in `ps`.
 */
export async function serverCommand(
  options: ServerCommandOptions,
  out: Out,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const port = parsePort(options.port);
  const devices = parseDevices(options.devices);
  const tokens = readTokens(env);
  const root = options.root === undefined ? undefined : path.resolve(options.root);
  if (!tokens && root === undefined)
    throw new CliError(
      `nothing to serve: give --root DIR (a published catalogue) and/or ${TURN_ON} to turn on the audit endpoint`,
      2,
    );
  if (
    !tokens &&
    (options.database !== undefined ||
      options.devices !== undefined ||
      options.config !== undefined)
  )
    throw new CliError(
      `--database, --devices and --config configure the audit endpoint, which is off: ${TURN_ON}`,
      2,
    );
  const alerts = await readAlerts(options.config, env);
  const audit: AuditServerOptions | undefined = tokens && {
    ...tokens,
    database: options.database ?? defaultAuditDatabase(defaultHome(env)),
    createFolder: options.database === undefined,
    devices,
    ...(alerts ? { alerts: { config: alerts, env } } : {}),
  };

  let server: CatalogueServer;
  try {
    server = await startServer({
      root,
      audit,
      host: options.host,
      port,
      log: (line) => out.line(line),
      verbose: options.verbose === true,
    });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  if (root !== undefined) out.line(`Serving catalogue from ${root} at ${server.url}`);
  if (audit) {
    const registration =
      devices === 'auto'
        ? 'new devices are registered when first seen'
        : 'new devices wait for scriptdesk audit approve';
    out.line(
      `Audit endpoint at ${server.url}/v1/events (admin API under /v1/admin/), events stored in ${server.auditDatabase}; ${registration}`,
    );
    if (alerts)
      out.line(
        `Alerts: ${alerts.rules.length} rule${alerts.rules.length === 1 ? '' : 's'} sending to ${alerts.targets.map((t) => t.name).join(', ')} (see scriptdesk audit alerts)`,
      );
    if (!isLoopback(options.host))
      out.line(
        'Tokens and events travel unencrypted over plain HTTP: put a TLS proxy in front of this server',
      );
  } else {
    out.line(`Audit endpoint off: ${TURN_ON} to turn it on`);
  }
  await untilStopSignal();
  await server.close();
}

/** The `alerts` section of `--config`, checked with its targets' variables; errors name the fix. */
async function readAlerts(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<AlertsConfig | undefined> {
  if (file === undefined) return undefined;
  try {
    const config = await loadServerConfig(path.resolve(file));
    if (config.alerts) resolveTargets(config.alerts, env);
    return config.alerts;
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

/** Both tokens, or undefined when neither is set; anything else is refused, naming the variable. */
function readTokens(
  env: NodeJS.ProcessEnv,
): { ingestToken: string; adminToken: string } | undefined {
  const ingestToken = env[INGEST_VARIABLE] || undefined;
  const adminToken = env[ADMIN_VARIABLE] || undefined;
  if (ingestToken === undefined && adminToken === undefined) return undefined;
  if (ingestToken === undefined || adminToken === undefined) {
    const [missing, present] =
      ingestToken === undefined
        ? [INGEST_VARIABLE, ADMIN_VARIABLE]
        : [ADMIN_VARIABLE, INGEST_VARIABLE];
    throw new CliError(
      `${present} is set but ${missing} is not: set both to turn on the audit endpoint, or neither to serve only the catalogue`,
      2,
    );
  }
  for (const [name, token] of [
    [INGEST_VARIABLE, ingestToken],
    [ADMIN_VARIABLE, adminToken],
  ] as const) {
    if (!isUsableToken(token))
      throw new CliError(
        `${name} must be at least ${MIN_TOKEN_LENGTH} characters of visible ASCII without spaces; make one with: openssl rand -base64 32`,
        2,
      );
  }
  if (ingestToken === adminToken)
    throw new CliError(
      `${INGEST_VARIABLE} and ${ADMIN_VARIABLE} must differ: every device holds the ingest token, only admins the admin token`,
      2,
    );
  return { ingestToken, adminToken };
}

function parseDevices(value: string | undefined): DeviceMode {
  if (value === undefined) return 'auto';
  if ((DEVICE_MODES as readonly string[]).includes(value)) return value as DeviceMode;
  throw new CliError(
    `--devices "${value}" must be auto (register devices when first seen) or approve (wait for scriptdesk audit approve)`,
    2,
  );
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port > 65535)
    throw new CliError(
      `--port "${text}" must be a whole number from 0 to 65535 (0 picks a free one)`,
      2,
    );
  return port;
}

/** Resolves on the first SIGINT or SIGTERM, leaving no listener behind. */
function untilStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
