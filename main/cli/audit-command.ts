import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ScriptDeskApp } from '../app/app.js';
import { csvRecord, EVENT_CSV_COLUMNS, eventCsvFields } from '../audit/csv.js';
import type { AuditEvent, JournalFilter } from '../audit/journal.js';
import { AUDIT_TYPES } from '../audit/journal.js';
import { AUDIT_TOKEN_NAME } from '../audit/reporter.js';
import type { DeliveryStatus } from '../contract/api.js';
import type { Writable } from 'node:stream';
import type { EventFilters } from '../audit/protocol.js';
import {
  remoteApprove,
  remoteDevices,
  remoteExport,
  remoteList,
  remoteRevoke,
} from './audit-remote.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';
import { readSecretValue } from './read-secret-value.js';
import { replacedKeyLine } from './audit-text.js';

export { auditVerifyCommand, remoteVerifyCommand } from './audit-verify-command.js';

/** The filters `audit list` and `audit export` share, as typed on the command line. */
export interface AuditFilterOptions {
  type?: string;
  script?: string;
  status?: string;
  since?: string;
  until?: string;
}

/** Checks the filter options; times become ISO instants so they compare with stored times. */
export function journalFilter(options: AuditFilterOptions): JournalFilter {
  const instant = (flag: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const time = new Date(text);
    if (Number.isNaN(time.getTime()))
      throw new CliError(
        `${flag} "${text}" is not a date or time; use e.g. 2026-11-01 or 2026-11-01T09:00:00Z`,
        2,
      );
    return time.toISOString();
  };
  return {
    type: options.type,
    scriptId: options.script,
    status: options.status,
    since: instant('--since', options.since),
    until: instant('--until', options.until),
  };
}

/** One line per event for people: sequence, time, type, subject, who, outcome, reason. */
export function eventLine(event: AuditEvent): string {
  const data = event.data;
  const detail = [
    data.user,
    data.status,
    data.exitCode !== undefined && data.exitCode !== null ? `exit ${String(data.exitCode)}` : '',
    data.name,
  ]
    .filter((v) => v !== undefined && v !== null && v !== '')
    .map(String)
    .join(' ');
  // The reason is typed by whoever ran the script: it is shown last and quoted.
  const reason = typeof data.reason === 'string' && data.reason ? `  reason "${data.reason}"` : '';
  return `${String(event.sequence).padStart(6)}  ${event.time}  ${event.type.replace('dev.scriptdesk.', '').padEnd(18)} ${event.subject}  ${detail}${reason}`;
}

/** `scriptdesk audit list [filters] [--limit N] [--json]`: the local journal, newest first. */
export function auditListCommand(
  app: ScriptDeskApp,
  options: AuditFilterOptions & { json?: boolean; limit: string },
  out: Out,
): void {
  const limit = parseLimit(options.limit);
  const entries = app.services.journal.list(limit, journalFilter(options));
  if (options.json) return out.json(entries.map((entry) => entry.event));
  if (entries.length === 0) return out.line('No audit events match.');
  for (const { event } of entries) out.line(eventLine(event));
}

export function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new CliError(`--limit "${text}" must be a whole number from 1 to 1000`, 2);
  return limit;
}

/**
 * `scriptdesk audit export [filters] [--format jsonl|csv] [--out FILE]`: every matching event
 * of the local journal in sequence order; JSON Lines are the signed events exactly as stored.
 */
export async function auditExportCommand(
  app: ScriptDeskApp,
  options: AuditFilterOptions & { format: string; out?: string },
  err: Out,
): Promise<void> {
  const format = exportFormat(options.format);
  const filter = journalFilter(options);
  const out = await openOut(options.out);
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'csv') await write(csvRecord(EVENT_CSV_COLUMNS));
  for (const body of app.services.journal.bodies(filter)) {
    await write(
      format === 'jsonl' ? `${body}\n` : csvRecord(eventCsvFields(JSON.parse(body) as AuditEvent)),
    );
    count++;
  }
  if (options.out) {
    out.end();
    await once(out, 'finish');
    err.line(`Exported ${count} events to ${options.out}`);
  }
}

export function exportFormat(text: string): 'jsonl' | 'csv' {
  if (text === 'jsonl' || text === 'csv') return text;
  throw new CliError(`--format "${text}" must be jsonl or csv`, 2);
}

/**
 * `scriptdesk audit flush [--timeout S]`: delivers everything pending to the endpoint now,
 * retrying until the timeout; exit 0 when nothing is left, 1 otherwise.
 */
export async function auditFlushCommand(
  app: ScriptDeskApp,
  options: { timeout: string; json?: boolean },
  out: Out,
): Promise<number> {
  const seconds = Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600)
    throw new CliError(`--timeout "${options.timeout}" must be a number of seconds up to 3600`, 2);
  const { reporter } = app.services;
  const status = reporter
    ? await reporter.flush(new Date(Date.now() + seconds * 1000))
    : app.services.deliveryStatus();
  if (options.json) out.json(status);
  else for (const line of describeDelivery(status)) out.line(line);
  return status.pending === 0 && status.endpoint !== null ? 0 : 1;
}

/** The delivery state in sentences (the CLI's `audit flush`). */
export function describeDelivery(status: DeliveryStatus): string[] {
  const lines: string[] = [];
  if (status.endpoint === null)
    lines.push(
      'No audit endpoint is configured (machine policy audit.endpoint): events stay in the local journal.',
    );
  else lines.push(`Audit endpoint: ${status.endpoint}`);
  lines.push(
    status.pending === 0
      ? 'Waiting for delivery: none.'
      : `Waiting for delivery: ${status.pending} event${status.pending > 1 ? 's' : ''} (oldest from ${status.oldestPending}).`,
  );
  lines.push(`Last delivery: ${status.lastDeliveryAt ?? 'never'}.`);
  if (status.rejected > 0)
    lines.push(
      `Refused by the endpoint: ${status.rejected} (flagged there; kept here; see scriptdesk audit verify).`,
    );
  if (status.lastError && status.pending > 0) lines.push(`Last problem: ${status.lastError}`);
  return lines;
}

/** `scriptdesk audit token set|clear`: the bearer token this computer sends to the endpoint. */
export async function auditTokenCommand(
  app: ScriptDeskApp,
  action: 'set' | 'clear',
  out: Out,
  err: Out,
): Promise<void> {
  const { secrets, journal } = app.services;
  if (action === 'set') {
    const token = await readSecretValue('the audit token', 'scriptdesk audit token set');
    await secrets.set(AUDIT_TOKEN_NAME, token);
  } else if (!(await secrets.delete(AUDIT_TOKEN_NAME))) {
    return out.line('No audit token was set.');
  }
  await app.services.journalReady().catch(() => {});
  try {
    journal.append(AUDIT_TYPES.settingsChanged, 'settings', {
      setting: 'audit.token',
      change: action === 'set' ? 'set' : 'cleared',
    });
  } catch (error) {
    err.line(`Warning: the change is made but could not be journaled: ${(error as Error).message}`);
  }
  out.line(
    action === 'set'
      ? 'The audit token is stored in the OS keychain.'
      : 'The audit token was removed from the OS keychain.',
  );
}

/** The filters of `audit list|export --server`, checked; `--device` is the endpoint's `source`. */
function remoteFilters(
  options: AuditFilterOptions & { device?: string; user?: string },
): EventFilters {
  const local = journalFilter(options);
  const filters: EventFilters = {};
  if (options.device) filters.source = options.device;
  if (options.user) filters.user = options.user;
  if (local.scriptId) filters.script = local.scriptId;
  if (local.status) filters.status = local.status;
  if (local.type) filters.type = local.type;
  if (local.since) filters.since = local.since;
  if (local.until) filters.until = local.until;
  return filters;
}

/** `--device` and `--user` select among many devices: only an endpoint has them. */
export function refuseServerOnly(options: {
  device?: string;
  user?: string;
  server?: string;
}): void {
  for (const flag of ['device', 'user'] as const)
    if (options[flag] !== undefined && options.server === undefined)
      throw new CliError(
        `--${flag} needs --server URL: the local journal holds this computer's events only`,
        2,
      );
}

/** `scriptdesk audit list --server URL`: the endpoint's events, newest first. */
export async function remoteListCommand(
  server: string,
  options: AuditFilterOptions & { device?: string; user?: string; json?: boolean; limit: string },
  out: Out,
): Promise<void> {
  const { events } = await remoteList(server, {
    ...remoteFilters(options),
    limit: parseLimit(options.limit),
  });
  if (options.json) return out.json(events);
  if (events.length === 0) return out.line('No audit events match.');
  for (const event of events) out.line(`${eventLine(event)}  ${event.source}`);
}

/** `scriptdesk audit export --server URL`: the endpoint's export, streamed. */
export async function remoteExportCommand(
  server: string,
  options: AuditFilterOptions & { device?: string; user?: string; format: string; out?: string },
  err: Out,
): Promise<void> {
  const format = exportFormat(options.format);
  const out = await openOut(options.out);
  await remoteExport(server, format, remoteFilters(options), out);
  if (options.out) {
    out.end();
    await once(out, 'finish');
    err.line(`Exported to ${options.out}`);
  }
}

/** `scriptdesk audit devices --server URL`: the devices the endpoint knows and their keys. */
export async function remoteDevicesCommand(
  server: string,
  options: { json?: boolean },
  out: Out,
): Promise<void> {
  const devices = await remoteDevices(server);
  if (options.json) return out.json(devices);
  if (devices.length === 0) return out.line('No device has delivered events yet.');
  for (const device of devices) {
    out.line(
      `${device.source}  ${device.events} events, up to ${device.headSequence}${device.flags ? `, ${device.flags} flags` : ''}`,
    );
    for (const key of device.keys) {
      out.line(`  key ${key.key}  ${key.status}  first seen ${key.firstSeen}`);
      if (key.rotation) out.line(`    ${replacedKeyLine(key.rotation)}`);
    }
  }
}

/** `scriptdesk audit approve|revoke SOURCE [--key KEY] --server URL` */
export async function remoteKeyCommand(
  server: string,
  action: 'approve' | 'revoke',
  source: string,
  options: { key?: string },
  out: Out,
): Promise<void> {
  const change = await (action === 'approve' ? remoteApprove : remoteRevoke)(
    server,
    source,
    options.key,
  );
  if (change.changed.length === 0)
    return out.line(`Nothing changed: ${source} has no key to ${action}.`);
  for (const key of change.changed)
    out.line(`${change.source}: key ${key.key} is now ${key.status}`);
}

async function openOut(file: string | undefined): Promise<Writable> {
  if (!file) return process.stdout;
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  await once(out, 'open').catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      error.code === 'EEXIST'
        ? `${file} already exists; choose another --out file`
        : `cannot write ${file} (${error.code ?? error.message})`,
      1,
      { cause: error },
    );
  });
  return out;
}
