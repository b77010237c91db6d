import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ScriptDeskApp } from '../app/app.js';
import { csvRecord } from '../audit/csv.js';
import type { AuditEvent, JournalFilter } from '../audit/journal.js';
import { AUDIT_TYPES } from '../audit/journal.js';
import { AUDIT_TOKEN_NAME, type DeliveryStatus } from '../audit/reporter.js';
import { CliError } from './cli-error.js';
import { readSecretValue } from './read-secret-value.js';

type Print = (line: string) => void;

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

/** Control characters in a field would move the terminal's cursor or colour; show them escaped. */
export function printable(value: unknown): string {
  return String(value ?? '').replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** One line per event for people: sequence, time, type, subject, who, outcome. */
export function eventLine(event: AuditEvent): string {
  const data = event.data;
  const detail = [
    data.user,
    data.status,
    data.exitCode !== undefined && data.exitCode !== null ? `exit ${String(data.exitCode)}` : '',
    data.name,
  ]
    .filter((v) => v !== undefined && v !== null && v !== '')
    .map(printable)
    .join(' ');
  return `${String(event.sequence).padStart(6)}  ${event.time}  ${printable(event.type.replace('dev.scriptdesk.', '')).padEnd(18)} ${printable(event.subject)}  ${detail}`;
}

/** `scriptdesk audit list [filters] [--limit N] [--json]`: the local journal, newest first. */
export function auditListCommand(
  app: ScriptDeskApp,
  options: AuditFilterOptions & { json?: boolean; limit: string },
  print: Print,
): void {
  const limit = parseLimit(options.limit);
  const entries = app.services.journal.list(limit, journalFilter(options));
  if (options.json)
    return print(
      JSON.stringify(
        entries.map((entry) => entry.event),
        null,
        2,
      ),
    );
  if (entries.length === 0) return print('No audit events match.');
  for (const { event } of entries) print(eventLine(event));
}

export function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new CliError(`--limit "${text}" must be a whole number from 1 to 1000`, 2);
  return limit;
}

/** The CSV columns of an export, local or from the endpoint. */
export const EXPORT_CSV_HEADER = [
  'source',
  'sequence',
  'id',
  'type',
  'time',
  'subject',
  'user',
  'script',
  'status',
  'data',
] as const;

/** One event as a CSV record under {@link EXPORT_CSV_HEADER}. */
export function eventCsvRecord(event: AuditEvent): string {
  const data = event.data;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return csvRecord([
    event.source,
    event.sequence,
    event.id,
    event.type,
    event.time,
    event.subject,
    text(data.user),
    text(data.scriptId),
    text(data.status),
    JSON.stringify(data),
  ]);
}

/**
 * `scriptdesk audit export [filters] [--format jsonl|csv] [--out FILE]`: every matching event
 * of the local journal in sequence order; JSON Lines are the signed events exactly as stored.
 */
export async function auditExportCommand(
  app: ScriptDeskApp,
  options: AuditFilterOptions & { format: string; out?: string },
  printError: Print,
): Promise<void> {
  const format = exportFormat(options.format);
  const filter = journalFilter(options);
  const out = options.out
    ? createWriteStream(options.out, { flags: 'wx', mode: 0o600 })
    : process.stdout;
  if (options.out)
    await once(out, 'open').catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        error.code === 'EEXIST'
          ? `${options.out} already exists; choose another --out file`
          : `cannot write ${options.out} (${error.code ?? error.message})`,
      );
    });
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  if (format === 'csv') await write(csvRecord(EXPORT_CSV_HEADER));
  for (const body of app.services.journal.bodies(filter)) {
    await write(format === 'jsonl' ? `${body}\n` : eventCsvRecord(JSON.parse(body) as AuditEvent));
    count++;
  }
  if (options.out) {
    out.end();
    await once(out, 'finish');
    printError(`Exported ${count} events to ${options.out}`);
  }
}

export function exportFormat(text: string): 'jsonl' | 'csv' {
  if (text === 'jsonl' || text === 'csv') return text;
  throw new CliError(`--format "${text}" must be jsonl or csv`, 2);
}

/**
 * `scriptdesk audit verify`: checks the local chain with this computer's key from the keychain.
 * Exit 0 when intact, 1 with every break (at its sequence number) when not.
 */
export async function auditVerifyCommand(
  app: ScriptDeskApp,
  options: { json?: boolean },
  print: Print,
): Promise<number> {
  const { journal, journalReady } = app.services;
  await journalReady().catch((error: unknown) => {
    throw new CliError(`cannot verify the journal: ${(error as Error).message}`);
  });
  const report = journal.verify(journal.publicKey!);
  if (options.json) {
    print(JSON.stringify({ intact: report.problems.length === 0, ...report }, null, 2));
    return report.problems.length === 0 ? 0 : 1;
  }
  const from = (report.after?.sequence ?? 0) + 1;
  if (report.problems.length === 0) {
    print(
      report.checked === 0
        ? 'The audit journal is empty.'
        : `The audit journal is intact: events ${from} to ${report.head.sequence}, each signed by this computer's key and chained to the one before.`,
    );
    return 0;
  }
  print(
    `The audit journal is NOT intact: first break at event ${report.problems[0]!.sequence} (${report.problems.length} problem${report.problems.length > 1 ? 's' : ''}):`,
  );
  for (const problem of report.problems) print(`  event ${problem.sequence}: ${problem.message}`);
  return 1;
}

/**
 * `scriptdesk audit flush [--timeout S]`: delivers everything pending to the endpoint now,
 * retrying until the timeout; exit 0 when nothing is left, 1 otherwise.
 */
export async function auditFlushCommand(
  app: ScriptDeskApp,
  options: { timeout: string; json?: boolean },
  print: Print,
): Promise<number> {
  const seconds = Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600)
    throw new CliError(`--timeout "${options.timeout}" must be a number of seconds up to 3600`, 2);
  const { reporter } = app.services;
  const status = reporter
    ? await reporter.flush(new Date(Date.now() + seconds * 1000))
    : app.services.deliveryStatus();
  if (options.json) print(JSON.stringify(status, null, 2));
  else for (const line of describeDelivery(status)) print(line);
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
  print: Print,
  printError: Print,
): Promise<void> {
  const { secrets, journal } = app.services;
  if (action === 'set') {
    const token = await readSecretValue('the audit token', 'scriptdesk audit token set');
    await secrets.set(AUDIT_TOKEN_NAME, token);
  } else if (!(await secrets.delete(AUDIT_TOKEN_NAME))) {
    return print('No audit token was set.');
  }
  await app.services.journalReady().catch(() => {});
  try {
    journal.append(AUDIT_TYPES.settingsChanged, 'settings', {
      setting: 'audit.token',
      change: action === 'set' ? 'set' : 'cleared',
    });
  } catch (error) {
    printError(
      `Warning: the change is made but could not be journaled: ${(error as Error).message}`,
    );
  }
  print(
    action === 'set'
      ? 'The audit token is stored in the OS keychain.'
      : 'The audit token was removed from the OS keychain.',
  );
}
