import { csvRecord, EVENT_CSV_COLUMNS, eventCsvFields } from '../../audit/csv.js';
import type { AuditEvent } from '../../audit/event.js';
import type { ServerResponse } from 'node:http';
import type { StoredEventRow } from './audit-store.js';

/** The two export formats: JSON Lines of the stored bodies, or CSV for spreadsheets. */
export type ExportFormat = 'jsonl' | 'csv';

/** Content-Type and file extension of each format. */
export const EXPORT_MEDIA: Record<ExportFormat, { contentType: string; extension: string }> = {
  jsonl: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'jsonl' },
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
};

/** What an export starts with: the CSV header line, nothing for JSON Lines. */
export function exportHeader(format: ExportFormat): string {
  return format === 'csv' ? csvRecord(['received_at', ...EVENT_CSV_COLUMNS]) : '';
}

/**
 * One exported event. JSON Lines: the stored body exactly as the device signed it (canonical
 * JSON never holds a raw line break), so a line can be checked against its signature again.
 * CSV: one row (CRLF-terminated), when the endpoint received it, then the event's fields.
 */
export function exportLine(format: ExportFormat, row: StoredEventRow): string {
  if (format === 'jsonl') return `${row.body}\n`;
  return csvRecord([row.receivedAt, ...eventCsvFields(JSON.parse(row.body) as AuditEvent)]);
}

/**
 * Starts a streamed export answer: its type, a download name `<prefix>-<UTC stamp>.<extension>`,
 * never cached or sniffed. Returns the first chunk to write (the CSV header, or nothing).
 */
export function startExport(
  response: ServerResponse,
  format: ExportFormat,
  prefix: string,
): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  response.setHeader('Content-Type', EXPORT_MEDIA[format].contentType);
  response.setHeader(
    'Content-Disposition',
    `attachment; filename="${prefix}-${stamp}.${EXPORT_MEDIA[format].extension}"`,
  );
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.writeHead(200);
  return exportHeader(format);
}
