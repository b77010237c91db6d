import { canonicalJson } from '../../audit/canonical-json.js';
import type { AuditEvent } from '../../audit/event.js';
import type { StoredEventRow } from './audit-store.js';

/** The two export formats: JSON Lines of the stored bodies, or CSV for spreadsheets. */
export type ExportFormat = 'jsonl' | 'csv';

/** Content-Type and file extension of each format. */
export const EXPORT_MEDIA: Record<ExportFormat, { contentType: string; extension: string }> = {
  jsonl: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'jsonl' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
};

const CSV_COLUMNS = [
  'received_at',
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

/** What an export starts with: the CSV header line, nothing for JSON Lines. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? csvLine([...CSV_COLUMNS]) : '';
}

/**
 * One exported event. JSON Lines: the stored body exactly as the device signed it (canonical
 * JSON never holds a raw line break), so a line can be checked against its signature again.
 * CSV: one row (CRLF-terminated), `data` as JSON text.
 */
export function exportLine(format: ExportFormat, row: StoredEventRow): string {
  if (format === 'jsonl') return `${row.body}\n`;
  const event = JSON.parse(row.body) as AuditEvent;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return csvLine([
    row.receivedAt,
    event.source,
    String(event.sequence),
    event.id,
    event.type,
    event.time,
    event.subject,
    text(event.data.user),
    text(event.data.scriptId),
    text(event.data.status),
    canonicalJson(event.data),
  ]);
}

/** A CSV line (RFC 4180): every field quoted, so CR and LF inside a field stay in it. */
function csvLine(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * One quoted CSV field. A field a spreadsheet would read as a formula (starting with = + - @,
 * a tab or CR) gets a leading `'`, so opening an export never runs what a device wrote.
 */
export function csvField(value: string): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${inert.replace(/"/g, '""')}"`;
}
