import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FieldError } from '../contract/errors.js';
import { X_FILE, type FileInputRule } from '../../forms/vocabulary.js';

/**
 * Checks every top-level `x-file` input against the file system: the path must be absolute,
 * exist, be the declared kind, and (files) carry an accepted extension and fit the size limit.
 * Returns the inputs with each path replaced by its real path, or the problems found.
 */
export async function checkFileInputs(
  schema: Record<string, unknown>,
  inputs: Record<string, unknown>,
): Promise<{ inputs: Record<string, unknown>; errors: FieldError[] }> {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const resolved = { ...inputs };
  const errors: FieldError[] = [];
  for (const [name, property] of Object.entries(properties)) {
    const rule = property[X_FILE] as FileInputRule | undefined;
    const value = inputs[name];
    if (!rule || typeof value !== 'string') continue;
    const problem = await checkOne(value, rule);
    if (typeof problem === 'string') errors.push({ path: `/${name}`, message: problem });
    else resolved[name] = problem.realPath;
  }
  return { inputs: resolved, errors };
}

async function checkOne(
  value: string,
  rule: FileInputRule,
): Promise<string | { realPath: string }> {
  if (!path.isAbsolute(value)) return 'must be a full path (starting with / or a drive letter)';
  let real: string;
  try {
    real = await realpath(value);
  } catch {
    return `${rule.kind === 'file' ? 'file' : 'folder'} ${value} does not exist`;
  }
  const info = await stat(real);
  if (rule.kind === 'directory')
    return info.isDirectory() ? { realPath: real } : `${value} is not a folder`;
  if (!info.isFile()) return `${value} is not a file`;
  const extension = path.extname(real).toLowerCase();
  if (rule.accept && !rule.accept.includes(extension)) {
    return `must be a ${rule.accept.join(' or ')} file${real !== value ? ` (it points to ${path.basename(real)})` : ''}`;
  }
  if (rule.maxBytes !== undefined && info.size > rule.maxBytes)
    return `is ${info.size} bytes; the limit is ${rule.maxBytes}`;
  return { realPath: real };
}
