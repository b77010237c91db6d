/**
 * Output types the desktop app opens with their default app: documents, data and images. Any
 * other type (a `.sh`, `.exe`, `.bat`, `.desktop`, `.lnk`, a macro workbook...) could run as a
 * program when "opened", so it is only shown in its folder, where the user decides.
 */
const OPENABLE = new Set([
  'csv',
  'tsv',
  'txt',
  'log',
  'md',
  'json',
  'jsonl',
  'xml',
  'yaml',
  'yml',
  'pdf',
  'html',
  'htm',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'svg',
  'xlsx',
  'xls',
  'ods',
  'docx',
  'odt',
  'pptx',
  'odp',
  'rtf',
  'zip',
  'parquet',
]);

/** Null when an output named `name` may be opened with its default app, else why not. */
export function whyNotOpenable(name: string): string | null {
  const base = name.split('/').pop() ?? name;
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  if (OPENABLE.has(extension)) return null;
  const kind = extension ? `a .${extension} file` : 'a file without an extension';
  return `${name} is ${kind}, which could run as a program, so ScriptDesk does not open it. Use Show in folder and open it from there if you trust it.`;
}
