import Papa from 'papaparse';

/** How a preview shows an output. */
export type OutputKind = 'table' | 'markdown' | 'image' | 'json' | 'text';

/** Most rows a table preview shows (besides the header row). */
export const MAX_TABLE_ROWS = 1000;
/** Most columns a table preview shows. */
export const MAX_TABLE_COLUMNS = 100;

const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

function extensionOf(name: string): string {
  const base = name.split('/').pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/**
 * How to preview an output named `name`, from its extension: CSV and TSV as a table, Markdown
 * rendered, PNG/JPEG/GIF/WebP as an image, JSON pretty-printed, anything else as text (which
 * {@link sniffTextKind} may still find to be JSON).
 */
export function outputKindOf(name: string): OutputKind {
  const extension = extensionOf(name);
  if (extension === 'csv' || extension === 'tsv' || extension === 'tab') return 'table';
  if (extension === 'md' || extension === 'markdown') return 'markdown';
  if (extension in IMAGE_TYPES) return 'image';
  if (extension === 'json' || extension === 'geojson') return 'json';
  return 'text';
}

/** A text output without a telling extension that holds a JSON object or array is shown as JSON. */
export function sniffTextKind(name: string, text: string): OutputKind {
  if (extensionOf(name) !== '' && extensionOf(name) !== 'txt' && extensionOf(name) !== 'out')
    return 'text';
  const start = text.trimStart()[0];
  if (start !== '{' && start !== '[') return 'text';
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    return 'text';
  }
}

/**
 * The image type of `bytes` from their first bytes (PNG, JPEG, GIF, WebP), or null: an image is
 * shown only as the type its content says, whatever its name claims.
 */
export function imageTypeOf(bytes: Uint8Array): string | null {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/** A table read from CSV/TSV text: the header row, up to {@link MAX_TABLE_ROWS} rows, and notes. */
export interface ParsedTable {
  header: string[];
  rows: string[][];
  /** Columns in the widest row (more than are shown when over {@link MAX_TABLE_COLUMNS}). */
  columns: number;
  /** True when the file has more rows than are shown (or the preview held only its beginning). */
  cut: boolean;
  /** The delimiter found (`,`, `;`, tab or `|`). */
  delimiter: string;
  /** The first problem the parser met (an unclosed quote, a ragged row), in words, if any. */
  problem: string | null;
}

/**
 * Reads delimited text as a table: quoted fields, embedded newlines and doubled quotes as CSV
 * has them; the delimiter sniffed (a `.tsv` is tab-separated); the first row as the header.
 * `truncated` says the text is only the file's beginning, so its last row may be cut in two and
 * is dropped.
 */
export function parseTable(name: string, text: string, truncated: boolean): ParsedTable {
  const tab = ['tsv', 'tab'].includes(extensionOf(name));
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), {
    delimiter: tab ? '\t' : '',
    delimitersToGuess: [',', ';', '\t', '|'],
    skipEmptyLines: 'greedy',
    // One row more than shown tells whether there are more; one more still if the last is cut.
    preview: MAX_TABLE_ROWS + 2,
  });
  const all =
    truncated && result.data.length <= MAX_TABLE_ROWS + 1 ? result.data.slice(0, -1) : result.data;
  const [header = [], ...body] = all;
  const rows = body.slice(0, MAX_TABLE_ROWS);
  const columns = Math.max(header.length, ...rows.map((row) => row.length));
  const first = result.errors.find((error) => error.type !== 'Delimiter');
  return {
    header,
    rows,
    columns,
    cut: truncated || body.length > MAX_TABLE_ROWS,
    delimiter: result.meta.delimiter,
    problem: first ? `row ${(first.row ?? 0) + 1}: ${first.message}` : null,
  };
}

/** JSON text pretty-printed with two spaces, or why it is not JSON. */
export function prettyJson(text: string): { text: string } | { problem: string } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}
