import { csvRecord, EVENT_CSV_COLUMNS, eventCsvFields } from '../../audit/csv.js';
import type { AuditEvent } from '../../audit/event.js';
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
