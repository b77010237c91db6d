import { X_FILE, type FileInputRule } from '../vocabulary.js';
import { formatByteSize } from './byte-size.js';

/** The `x-file` rule of a property schema, or `undefined` when it has none (or a malformed one). */
export function fileRuleOf(schema: object): FileInputRule | undefined {
  const rule: unknown = (schema as Record<string, unknown>)[X_FILE];
  if (typeof rule !== 'object' || rule === null) return undefined;
  const { kind, accept, maxBytes } = rule as Record<string, unknown>;
  if (kind !== 'file' && kind !== 'directory') return undefined;
  return {
    kind,
    ...(Array.isArray(accept)
      ? { accept: accept.filter((a): a is string => typeof a === 'string') }
      : {}),
    ...(typeof maxBytes === 'number' ? { maxBytes } : {}),
  };
}

/** An example path that shows the expected shape, e.g. `/path/to/file.csv`. */
export function examplePath(rule: FileInputRule): string {
  if (rule.kind === 'directory') return '/path/to/folder';
  return `/path/to/file${rule.accept?.[0] ?? ''}`;
}

/** One line telling the user what the field accepts, e.g. `Accepted: .csv, .xlsx · up to 25 MB`. */
export function describeFileRule(rule: FileInputRule): string {
  if (rule.kind === 'directory') return 'The full path of a folder on this computer.';
  const parts = [
    rule.accept?.length ? `Accepted: ${rule.accept.join(', ')}` : 'Any file type',
    ...(rule.maxBytes ? [`up to ${formatByteSize(rule.maxBytes)}`] : []),
  ];
  return parts.join(' · ');
}

/** Why `path` clearly cannot satisfy `rule`, for feedback while typing; main makes the real check. */
export function pathProblem(path: string, rule: FileInputRule): string | undefined {
  const trimmed = path.trim();
  if (!trimmed) return undefined;
  const absolute =
    trimmed.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(trimmed) || trimmed.startsWith('\\\\');
  if (!absolute)
    return 'Enter the full path, starting with / (or a drive such as C:\\ on Windows).';
  const accept = rule.kind === 'file' ? rule.accept : undefined;
  if (accept?.length && !accept.some((ext) => trimmed.toLowerCase().endsWith(ext))) {
    return `This file does not end in ${listWithOr(accept)}.`;
  }
  return undefined;
}

function listWithOr(items: string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
