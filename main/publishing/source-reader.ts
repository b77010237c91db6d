import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from '../shared/files.js';
import type { ZodError } from 'zod';
import { createAuthorityAjv } from '../../forms/authority-validator.js';
import { lintFormSchema } from '../../forms/schema-lint.js';
import { formFields } from '../../forms/form-fields.js';
import { lintUiSchema } from '../../forms/ui-schema-lint.js';
import { parseSpecifier, SpecifierError } from '../python/version-specifier.js';
import { inspectWheel, WheelRefused } from '../python/wheel-inspection.js';
import { checkArgTemplate } from '../runs/argv-template.js';
import { sha256File, sha256Hex } from '../shared/hashing.js';
import { buildFormValidator, type GeneratedBlob } from './form-validator.js';
import { presetProblems } from './preset-check.js';
import { TESTS_FOLDER } from './script-tests.js';
import { normalisePackageName, parseLockFile, parseWheelFilename } from './lock-file.js';
import {
  CatalogueSourceSchema,
  ScriptManifestSchema,
  type CatalogueSource,
  type ScriptManifest,
} from '../catalogue/manifest.js';
import { isSafeRelativePath } from '../catalogue/document.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { SourceError, type Findings, type SourceProblem } from './source-problems.js';

export { SourceError, type SourceProblem } from './source-problems.js';

/** A file of a script, on disk in the source, with its digest. */
export interface SourceFile {
  path: string;
  absolute: string;
  sha256: string;
  size: number;
}

/** One script of a catalogue source, checked and hashed. */
export interface SourceScript {
  manifest: ScriptManifest;
  files: SourceFile[];
  wheels: SourceFile[];
  schemaSha256: string;
  lockSha256: string;
  /** The form's precompiled validator module, generated here (not a file of the source). */
  validator: GeneratedBlob;
}

/** A whole catalogue source, checked: what `catalogue build` publishes. */
export interface CatalogueSourceTree {
  source: CatalogueSource;
  scripts: SourceScript[];
  /** What is ignored or only style: printed by the build, never failing it. */
  warnings: SourceProblem[];
}

const REQUIRED_FILES = ['script.json', 'form.schema.json', 'requirements.lock'];
const IGNORED = new Set(['__pycache__', '.DS_Store']);

/**
 * Reads and checks a catalogue source folder. Every script is checked whatever another's problems
 * are, and every problem of a file is listed (a file that cannot be read or parsed stops only the
 * checks that need it); throws one {@link SourceError} holding them all, and the warnings.
 */
export async function readCatalogueSource(root: string): Promise<CatalogueSourceTree> {
  const sourceFile = path.join(root, 'catalogue.json');
  const source = parseJsonWith(await readText(sourceFile), sourceFile, CatalogueSourceSchema);
  const wheelhouse = await indexWheelhouse(path.join(root, 'wheels'));
  const scriptsDir = path.join(root, 'scripts');
  let ids: string[];
  try {
    ids = (await readdir(scriptsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    throw new SourceError(scriptsDir, 'missing; put each script in scripts/<script-id>/');
  }
  if (ids.length === 0)
    throw new SourceError(scriptsDir, 'has no script folders; add scripts/<script-id>/script.json');
  const ajv = createAuthorityAjv();
  const scripts: SourceScript[] = [];
  const findings: Findings = { errors: [], warnings: [] };
  for (const id of ids) {
    try {
      const script = await readScript(
        path.join(scriptsDir, id),
        id,
        source,
        wheelhouse,
        ajv,
        findings,
      );
      if (script) scripts.push(script);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      findings.errors.push(...error.problems);
    }
  }
  try {
    await inspectLockedWheels(scripts, source.limits?.maxWheelUncompressedBytes);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    findings.errors.push(...error.problems);
  }
  if (findings.errors.length) {
    const error = new SourceError(findings.errors);
    error.warnings = findings.warnings;
    throw error;
  }
  return { source, scripts, warnings: findings.warnings };
}

/**
 * Inspects each wheel a lock pins (once, however many scripts pin it) with the rules devices
 * apply again before installing: a wheel they would refuse fails the build instead.
 */
async function inspectLockedWheels(
  scripts: readonly SourceScript[],
  maxUncompressedBytes: number | undefined,
): Promise<void> {
  const inspected = new Set<string>();
  for (const wheel of scripts.flatMap((script) => script.wheels)) {
    if (inspected.has(wheel.sha256)) continue;
    inspected.add(wheel.sha256);
    try {
      await inspectWheel(wheel.absolute, maxUncompressedBytes);
    } catch (error) {
      if (!(error instanceof WheelRefused)) throw error;
      const fix = error.fix.charAt(0).toUpperCase() + error.fix.slice(1);
      throw new SourceError(wheel.absolute, `${error.detail}. ${fix}.`);
    }
  }
}

async function readScript(
  dir: string,
  folderName: string,
  source: CatalogueSource,
  wheelhouse: Map<string, SourceFile>,
  ajv: ReturnType<typeof createAuthorityAjv>,
  findings: Findings,
): Promise<SourceScript | null> {
  const rel = (name: string) => path.join(dir, name);
  const before = findings.errors.length;
  const refuse = (file: string, detail: string) => findings.errors.push({ file, detail });
  const warn = (file: string, detail: string) => findings.warnings.push({ file, detail });
  const missing: SourceProblem[] = [];
  for (const name of REQUIRED_FILES)
    await readText(rel(name)).catch((error: unknown) => {
      if (!(error instanceof SourceError)) throw error;
      missing.push(...error.problems);
    });
  if (missing.length) throw new SourceError(missing);
  const manifest = parseJsonWith(
    await readText(rel('script.json')),
    rel('script.json'),
    ScriptManifestSchema,
  );
  if (manifest.id !== folderName) {
    refuse(
      rel('script.json'),
      `field \`id\` is "${manifest.id}" but the folder is "${folderName}"; make them the same`,
    );
  }
  try {
    parseSpecifier(manifest.python);
  } catch (error) {
    if (!(error instanceof SpecifierError)) throw error;
    refuse(
      rel('script.json'),
      `field \`python\` cannot be read: ${error.message}; write a version specifier like ">=3.9" or ">=3.9, <3.13" (or "" for any)`,
    );
  }
  for (const group of manifest.allowed.groups) {
    if (!(group in source.groups)) {
      refuse(
        rel('script.json'),
        `field \`allowed.groups\` names "${group}", which catalogue.json does not define; add it under "groups"`,
      );
    }
  }
  const schemaText = await readText(rel('form.schema.json'));
  const formSchema = parseJson(schemaText, rel('form.schema.json'));
  const schemaWarnings: string[] = [];
  const problems = lintFormSchema(ajv, formSchema, schemaWarnings);
  for (const warning of schemaWarnings) warn(rel('form.schema.json'), warning);
  for (const problem of problems) refuse(rel('form.schema.json'), problem);
  // Nothing else can be checked against a form that is not a JSON object.
  if (!isJsonObject(formSchema)) return null;
  // lintFormSchema has refused anything but a JSON object that compiles.
  const validator = problems.length
    ? null
    : await buildFormValidator(formSchema).catch((error: unknown) => {
        refuse(rel('form.schema.json'), (error as Error).message);
        return null;
      });
  if (manifest.args) {
    const properties = (formSchema as { properties?: Record<string, unknown> }).properties ?? {};
    const sensitive = [...formFields(formSchema as Record<string, unknown>).fields.values()]
      .filter((field) => field.uiPath.length === 1 && field.sensitive)
      .map((field) => String(field.uiPath[0]));
    const argProblems = checkArgTemplate(
      manifest.args,
      new Set(Object.keys(properties)),
      manifest.supportsDryRun,
      new Set(sensitive),
    );
    for (const problem of argProblems) refuse(rel('script.json'), problem);
  }
  if (manifest.presets && validator)
    for (const problem of presetProblems(manifest.presets, formSchema, ajv))
      refuse(rel('script.json'), problem);
  if (await pathExists(rel('form.ui.json'))) {
    const ui = parseJson(await readText(rel('form.ui.json')), rel('form.ui.json'));
    const uiWarnings: string[] = [];
    for (const problem of lintUiSchema(ui, formSchema, uiWarnings))
      refuse(rel('form.ui.json'), problem);
    for (const warning of uiWarnings) warn(rel('form.ui.json'), warning);
  }
  const lockText = await readText(rel('requirements.lock'));
  let wheels: SourceFile[] = [];
  try {
    wheels = checkLock(lockText, rel('requirements.lock'), manifest.id, source, wheelhouse);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    findings.errors.push(...error.problems);
  }
  const files = await listScriptFiles(dir);
  if (!files.some((f) => f.path === manifest.entrypoint)) {
    refuse(
      rel('script.json'),
      `field \`entrypoint\` names ${manifest.entrypoint}, which is not in the folder`,
    );
  }
  if (findings.errors.length > before || !validator) return null;
  return {
    manifest,
    files,
    wheels,
    schemaSha256: sha256Hex(schemaText),
    lockSha256: sha256Hex(lockText),
    validator,
  };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkLock(
  text: string,
  file: string,
  scriptId: string,
  source: CatalogueSource,
  wheelhouse: Map<string, SourceFile>,
): SourceFile[] {
  let locked;
  try {
    locked = parseLockFile(text);
  } catch (error) {
    throw new SourceError(file, (error as Error).message);
  }
  const wheels: SourceFile[] = [];
  const problems: SourceProblem[] = [];
  for (const pkg of locked) {
    try {
      wheels.push(checkLocked(pkg, file, scriptId, source, wheelhouse));
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length) throw new SourceError(problems);
  return wheels;
}

function checkLocked(
  pkg: ReturnType<typeof parseLockFile>[number],
  file: string,
  scriptId: string,
  source: CatalogueSource,
  wheelhouse: Map<string, SourceFile>,
): SourceFile {
  const where = `line ${pkg.line}`;
  const approved = Object.entries(source.approvedPackages).find(
    ([name]) => normalisePackageName(name) === pkg.name,
  );
  if (!approved) {
    throw new SourceError(
      file,
      `${where}: package ${pkg.name} is not on the approved list in catalogue.json (script ${scriptId}); ask for approval or remove it`,
    );
  }
  if (!approved[1].includes(pkg.version)) {
    throw new SourceError(
      file,
      `${where}: ${pkg.name} ${pkg.version} is not an approved version (approved: ${approved[1].join(', ') || 'none'}) for script ${scriptId}`,
    );
  }
  const wheel = wheelhouse.get(pkg.sha256);
  const named = parseWheelFilename(wheel?.path ?? '');
  if (!wheel || !named || named.name !== pkg.name || named.version !== pkg.version) {
    throw new SourceError(
      file,
      `${where}: no wheel in wheels/ has the hash given for ${pkg.name}==${pkg.version}; add the wheel or correct the hash`,
    );
  }
  return wheel;
}

async function indexWheelhouse(dir: string): Promise<Map<string, SourceFile>> {
  const byHash = new Map<string, SourceFile>();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.whl')).sort();
  } catch {
    return byHash;
  }
  for (const name of names) {
    const absolute = path.join(dir, name);
    const digest = await sha256File(absolute);
    byHash.set(digest.sha256, { path: name, absolute, ...digest });
  }
  return byHash;
}

async function listScriptFiles(dir: string, prefix = ''): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (const entry of (await readdir(path.join(dir, prefix), { withFileTypes: true })).sort(
    (a, b) => a.name.localeCompare(b.name),
  )) {
    if (IGNORED.has(entry.name) || entry.name.startsWith('.')) continue;
    // tests/ is build-time only (build-checks.ts runs it): never published to devices.
    if (!prefix && entry.name === TESTS_FOLDER && entry.isDirectory()) continue;
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    const absolute = path.join(dir, relative);
    if (entry.isSymbolicLink())
      throw new SourceError(absolute, 'is a symbolic link; copy the file in instead');
    if (entry.isDirectory()) files.push(...(await listScriptFiles(dir, relative)));
    else if (entry.isFile()) {
      if (!isSafeRelativePath(relative))
        throw new SourceError(absolute, 'has a name that is not a safe relative path; rename it');
      files.push({ path: relative, absolute, ...(await sha256File(absolute)) });
    }
  }
  return files;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SourceError(
      file,
      code === 'ENOENT'
        ? 'missing; every script folder needs script.json, form.schema.json and requirements.lock'
        : `cannot be read (${code})`,
    );
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SourceError(file, `is not valid JSON (${(error as Error).message}); fix the syntax`);
  }
}

function parseJsonWith<T>(
  text: string,
  file: string,
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError };
  },
): T {
  const parsed = schema.safeParse(parseJson(text, file));
  if (!parsed.success)
    throw new SourceError(
      describeZodIssues(parsed.error).map((issue) => ({
        file,
        detail: `${issue}; correct that field (for checks as you type, point "$schema" at the files from: scriptdesk catalogue schemas --out DIR)`,
      })),
    );
  return parsed.data;
}
