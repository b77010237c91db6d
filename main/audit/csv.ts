/**
 * One CSV record (RFC 4180) for auditors' spreadsheets: every field quoted with quotes doubled,
 * so commas, quotes, CR and LF stay inside their field; and a field that a spreadsheet would run
 * as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe.
 */
export function csvRecord(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map((field) => `"${defuse(String(field ?? '')).replace(/"/g, '""')}"`).join(',')}\r\n`;
}

function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
