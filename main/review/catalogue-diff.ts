import { isObject, type JsonObject } from '../../forms/schema-walk.js';
import {
  accessChange,
  groupChanges,
  isOpenToEveryone,
  type AccessChange,
  type GroupChange,
} from './access-changes.js';
import { ReviewInputError, type CatalogueView, type ViewScript } from './catalogue-view.js';
import { codeChanges, type FileChange } from './code-changes.js';
import { formChanges, type FormChange } from './form-changes.js';
import { packageChanges, type PackageChange } from './package-changes.js';
import type { Provenance } from './provenance.js';
import { risksOf, type Risk } from './risks.js';

/** One side of the review, as the report names it. */
export interface SideSummary {
  location: string;
  kind: CatalogueView['kind'];
  name: string;
  audience: string;
  version?: number;
  /** The id of the trusted key whose signature held; null when not checked (or a source). */
  signedBy: string | null;
  provenance: Provenance | null;
}

/** What changed in one script. */
export interface ScriptDiff {
  id: string;
  title: string;
  change: 'added' | 'removed' | 'changed';
  oldVersion?: string;
  newVersion?: string;
  /** Changes of script.json other than who may run it, in plain words. */
  manifest: string[];
  form: FormChange[];
  files: FileChange[];
  access: AccessChange | null;
}

/** Everything a reviewer must approve between two catalogues: the report's data, also its JSON. */
export interface CatalogueDiff {
  old: SideSummary;
  new: SideSummary;
  /** Risk flags, most serious kind first. */
  risks: Risk[];
  /** Changes of the catalogue itself (name, audience). */
  catalogue: string[];
  scripts: ScriptDiff[];
  unchanged: string[];
  groups: GroupChange[];
  packages: PackageChange[];
}

/** Compares two catalogues: scripts, code, forms, who may run what, packages, then the risks. */
export async function diffCatalogues(
  before: CatalogueView,
  after: CatalogueView,
): Promise<CatalogueDiff> {
  const scripts: ScriptDiff[] = [];
  const unchanged: string[] = [];
  const ids = [...new Set([...before.scripts.keys(), ...after.scripts.keys()])].sort();
  for (const id of ids) {
    const diff = await scriptDiff(id, before, after);
    if (diff) scripts.push(diff);
    else unchanged.push(id);
  }
  const catalogue: string[] = [];
  if (before.kind !== 'nothing') {
    if (before.name !== after.name)
      catalogue.push(`name changed from "${before.name}" to "${after.name}"`);
    if (before.audience !== after.audience)
      catalogue.push(
        `audience changed from "${before.audience}" to "${after.audience}": devices pinned to the old audience will refuse it`,
      );
  }
  const packages = packageChanges(before, after);
  const groups = before.kind === 'nothing' ? [] : groupChanges(before.groups, after.groups);
  const diff: CatalogueDiff = {
    old: summary(before),
    new: summary(after),
    risks: [],
    catalogue,
    scripts,
    unchanged,
    groups,
    packages,
  };
  diff.risks = risksOf(diff, before, after);
  return diff;
}

function summary(view: CatalogueView): SideSummary {
  return {
    location: view.location,
    kind: view.kind,
    name: view.name,
    audience: view.audience,
    ...(view.version !== undefined ? { version: view.version } : {}),
    signedBy: view.signedBy,
    provenance: view.provenance,
  };
}

async function scriptDiff(
  id: string,
  before: CatalogueView,
  after: CatalogueView,
): Promise<ScriptDiff | null> {
  const [old, now] = [before.scripts.get(id), after.scripts.get(id)];
  const read = {
    old: (file: Parameters<CatalogueView['read']>[1]) => before.read(id, file),
    new: (file: Parameters<CatalogueView['read']>[1]) => after.read(id, file),
  };
  const files = await codeChanges(id, old?.files ?? [], now?.files ?? [], read);
  const schemaOf = async (view: CatalogueView, script: ViewScript | undefined) => {
    const file = script?.files.find((f) => f.path === 'form.schema.json');
    if (!file) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse((await view.read(id, file)).toString('utf8'));
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new ReviewInputError(
        `${view.location}: ${id}/form.schema.json is not JSON (${error.message}); publish the catalogue again with scriptdesk catalogue build`,
      );
    }
    return isObject(parsed) ? parsed : ({} as JsonObject);
  };
  const formChanged = files.some((file) => file.path === 'form.schema.json');
  const form = formChanged
    ? formChanges(await schemaOf(before, old), await schemaOf(after, now))
    : [];
  const manifest = old && now ? manifestChanges(old, now) : [];
  const access =
    old && now
      ? accessChange(
          id,
          { script: old, groups: before.groups },
          { script: now, groups: after.groups },
        )
      : null;
  const change = !old ? 'added' : !now ? 'removed' : 'changed';
  // Tests are not published: a script whose tests/ folder went is a change even with no file changed.
  const testsGone = old?.hasTests === true && now?.hasTests === false;
  if (change === 'changed' && !files.length && !manifest.length && !access && !testsGone)
    return null;
  const script = (now ?? old)!;
  return {
    id,
    title: script.manifest.title,
    change,
    ...(old ? { oldVersion: old.manifest.version } : {}),
    ...(now ? { newVersion: now.manifest.version } : {}),
    manifest: change === 'added' ? addedScriptNotes(now!, after) : manifest,
    form: change === 'removed' ? [] : form,
    files,
    access,
  };
}

/** What a reviewer must know of a new script beyond its files. */
function addedScriptNotes(script: ViewScript, view: CatalogueView): string[] {
  const { manifest } = script;
  const allowed = isOpenToEveryone(script, view.groups)
    ? 'everyone'
    : [
        ...manifest.allowed.users.map((user) => `user ${user}`),
        ...manifest.allowed.groups.map((group) => `group ${group}`),
      ].join(', ') || 'nobody';
  return [
    `may be run by: ${allowed}`,
    `destructive: ${manifest.destructive ? 'yes' : 'no'}; dry run: ${manifest.supportsDryRun ? 'supported' : 'not supported'}; reason required: ${manifest.requireReason ? 'yes' : 'no'}`,
    ...(manifest.secrets.length ? [`secrets: ${manifest.secrets.join(', ')}`] : []),
  ];
}

const MANIFEST_FIELDS = [
  'title',
  'summary',
  'category',
  'version',
  'entrypoint',
  'python',
  'timeoutSeconds',
  'destructive',
  'supportsDryRun',
  'requireReason',
] as const;

/** script.json changes other than `allowed`, one sentence each. */
function manifestChanges(old: ViewScript, now: ViewScript): string[] {
  const [was, is] = [old.manifest, now.manifest];
  const changes: string[] = [];
  for (const field of MANIFEST_FIELDS)
    if (was[field] !== is[field])
      changes.push(
        `${field} changed from ${JSON.stringify(was[field])} to ${JSON.stringify(is[field])}`,
      );
  for (const secret of is.secrets.filter((s) => !was.secrets.includes(s)))
    changes.push(`secret ${secret} added`);
  for (const secret of was.secrets.filter((s) => !is.secrets.includes(s)))
    changes.push(`secret ${secret} removed`);
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  if (!same(was.args, is.args)) changes.push('args template changed (see script.json below)');
  if (!same(was.exitCodes, is.exitCodes)) changes.push('exitCodes changed (see script.json below)');
  if (!same(was.presets, is.presets)) changes.push('presets changed (see script.json below)');
  return changes;
}
