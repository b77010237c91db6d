import { canonicalJson } from './canonical-json.js';
import type { AuditEvent } from './event.js';

/**
 * One CSV record (RFC 4180) for auditors' spreadsheets: every field quoted with quotes doubled,
 * so commas, quotes, CR and LF stay inside their field; and a field that a spreadsheet would run
 * as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe, so opening an
 * export never runs what a device wrote.
 */
export function csvRecord(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map((field) => `"${defuse(String(field ?? '')).replace(/"/g, '""')}"`).join(',')}\r\n`;
}

function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The CSV columns of an audit export, local or from the endpoint (which adds `received_at` first). */
export const EVENT_CSV_COLUMNS = [
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

/** An event's fields under {@link EVENT_CSV_COLUMNS}; `data` as canonical JSON text. */
export function eventCsvFields(event: AuditEvent): (string | number)[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return [
    event.source,
    event.sequence,
    event.id,
    event.type,
    event.time,
    event.subject,
    text(event.data.user),
    text(event.data.scriptId),
    text(event.data.status),
    canonicalJson(event.data),
  ];
}
