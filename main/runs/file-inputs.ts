import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { HOST_OS } from '../platform/os.js';
import {
  checkPathShape,
  hasAcceptedExtension,
  type PathRuleOptions,
} from '../platform/path-rules.js';
import type { FieldError } from '../contract/errors.js';
import { branchAcceptor } from '../../forms/branch-acceptor.js';
import { isObject, join } from '../../forms/schema-walk.js';
import { schemaUses } from '../../forms/schema-uses.js';
import { findValues, MAX_VALUE_DEPTH, replaceAt, type ValuePath } from '../../forms/value-walk.js';
import { X_FILE, type FileInputRule } from '../../forms/vocabulary.js';

/**
 * Checks every `x-file` input against the file system, wherever the schema marks it (nested
 * objects, array items, behind any keyword or local `$ref`, in the branches that apply to the
 * inputs): the path must be absolute, exist, be the declared kind, and (files) carry an accepted
 * extension and fit the size limit. Returns the inputs with each path replaced by its real
 * path, or the problems found, each at the JSON Pointer of its input.
 */
export async function checkFileInputs(
  schema: Record<string, unknown>,
  inputs: Record<string, unknown>,
  pathRules: PathRuleOptions = { allowNetworkPaths: false },
): Promise<{ inputs: Record<string, unknown>; errors: FieldError[] }> {
  if (!schemaUses(schema, X_FILE)) return { inputs, errors: [] };
  const marked = (subschema: Record<string, unknown>) => isObject(subschema[X_FILE]);
  const finds = findValues(schema, inputs, marked, branchAcceptor(schema));
  const errors: FieldError[] = [];
  for (const gap of finds.unresolved) {
    errors.push({
      path: join('', ...gap.path),
      message: `cannot be checked: form.schema.json's "$ref": "${gap.ref}" names nothing; ask the catalogue's admin to fix the form`,
    });
  }
  for (const deep of finds.tooDeep) {
    errors.push({
      path: join('', ...deep),
      message: `is nested more than ${MAX_VALUE_DEPTH} levels deep to be checked; flatten the input`,
    });
  }

  const rulesAt = new Map<string, { path: ValuePath; value: unknown; rules: FileInputRule[] }>();
  for (const match of finds.matches) {
    const at = join('', ...match.path);
    const entry = rulesAt.get(at) ?? { path: match.path, value: match.value, rules: [] };
    entry.rules.push(match.schema[X_FILE] as FileInputRule);
    rulesAt.set(at, entry);
  }
  const realPaths: { path: ValuePath; value: string }[] = [];
  for (const [at, { path: where, value, rules }] of rulesAt) {
    if (typeof value !== 'string') continue; // the schema's `type` has refused other values
    let realPath: string | undefined;
    for (const rule of rules) {
      const problem = await checkOne(value, rule, pathRules);
      if (typeof problem === 'string') {
        errors.push({ path: at, message: problem });
        realPath = undefined;
        break;
      }
      realPath = problem.realPath;
    }
    if (realPath !== undefined) realPaths.push({ path: where, value: realPath });
  }
  return { inputs: replaceAt(inputs, realPaths) as Record<string, unknown>, errors };
}

/**
 * One path against one rule: its shape by this OS's rules (platform/path-rules.ts) before the file
 * system is asked, then links and junctions resolved, then the real path's shape again (a link
 * must not lead to a network share or a device the typed path could not name), its kind,
 * extension (any case, Unicode-normalised) and size.
 */
async function checkOne(
  value: string,
  rule: FileInputRule,
  pathRules: PathRuleOptions,
): Promise<string | { realPath: string }> {
  const shape = checkPathShape(HOST_OS, value, pathRules);
  if (!shape.ok) return shape.problem;
  let real: string;
  try {
    real = await realpath(shape.path);
  } catch {
    return `${rule.kind === 'file' ? 'file' : 'folder'} ${value} does not exist`;
  }
  const realShape = checkPathShape(HOST_OS, real, pathRules);
  if (!realShape.ok) return `points to ${real}, which ${realShape.problem}`;
  const info = await stat(real);
  if (rule.kind === 'directory')
    return info.isDirectory() ? { realPath: real } : `${value} is not a folder`;
  if (!info.isFile()) return `${value} is not a file`;
  if (rule.accept && !hasAcceptedExtension(HOST_OS, real, rule.accept)) {
    return `must be a ${rule.accept.join(' or ')} file${real !== value ? ` (it points to ${path.basename(real)})` : ''}`;
  }
  if (rule.maxBytes !== undefined && info.size > rule.maxBytes)
    return `is ${info.size} bytes; the limit is ${rule.maxBytes}`;
  return { realPath: real };
}
