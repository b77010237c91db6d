import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SEVERITIES, type AdvisoryPolicy, type Severity } from '../catalogue/governance-policy.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { cvss3BaseScore, severityOfScore } from './cvss.js';
import { compareVersions } from '../python/pep440.js';
import { normalisePackageName } from './package-name.js';

/** A known vulnerability of one package, from an OSV file. */
export interface Advisory {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity | null;
  /** Where the severity came from: "database_specific", "CVSS_V3 9.8", or null when unrated. */
  severitySource: string | null;
  file: string;
  /** The versions that fix it, from its ranges (for "upgrade to ..."). */
  fixed: string[];
  affects(version: string): boolean;
}

/** An OSV file that cannot be used: the file and what is wrong. */
export interface AdvisoryProblem {
  file: string;
  detail: string;
}

const MAX_ADVISORY_BYTES = 4 * 1024 * 1024;

const Event = z.object({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});
const Osv = z.object({
  id: z.string().min(1).max(200),
  aliases: z.array(z.string()).optional(),
  summary: z.string().optional(),
  details: z.string().optional(),
  withdrawn: z.string().optional(),
  severity: z.array(z.object({ type: z.string(), score: z.string() })).optional(),
  database_specific: z.looseObject({ severity: z.unknown().optional() }).optional(),
  affected: z
    .array(
      z.object({
        package: z.object({ ecosystem: z.string(), name: z.string() }).optional(),
        ranges: z.array(z.object({ type: z.string(), events: z.array(Event) })).optional(),
        versions: z.array(z.string()).optional(),
        severity: z.array(z.object({ type: z.string(), score: z.string() })).optional(),
      }),
    )
    .optional(),
});
type OsvRecord = z.infer<typeof Osv>;

/**
 * Reads every `*.json` file under `dir` (the OSV format, one advisory per file, as the OSV
 * database exports it) and indexes the PyPI ones by normalised package name. Withdrawn advisories
 * and other ecosystems are left out. Every unusable file is a problem; none stops the others.
 */
export async function loadAdvisories(
  dir: string,
): Promise<{ byPackage: Map<string, Advisory[]>; count: number; problems: AdvisoryProblem[] }> {
  const byPackage = new Map<string, Advisory[]>();
  const problems: AdvisoryProblem[] = [];
  let files: string[];
  try {
    files = await jsonFiles(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      byPackage,
      count: 0,
      problems: [
        {
          file: dir,
          detail: `cannot be read (${code ?? (error as Error).message}); give the folder of OSV .json files with --advisories`,
        },
      ],
    };
  }
  let count = 0;
  for (const file of files) {
    let record: OsvRecord;
    try {
      if ((await stat(file)).size > MAX_ADVISORY_BYTES)
        throw new Error(`is over ${MAX_ADVISORY_BYTES} bytes, larger than any OSV advisory`);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new Error(`is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      const parsed = Osv.safeParse(json);
      if (!parsed.success)
        throw new Error(`is not an OSV advisory: ${describeZodIssues(parsed.error).join('; ')}`);
      record = parsed.data;
    } catch (error) {
      problems.push({
        file,
        detail: `${(error as Error).message}; fix or remove the file`,
      });
      continue;
    }
    if (record.withdrawn) continue;
    for (const affected of record.affected ?? []) {
      if (affected.package?.ecosystem !== 'PyPI') continue;
      const name = normalisePackageName(affected.package.name);
      const list = byPackage.get(name) ?? [];
      list.push(toAdvisory(record, affected, file));
      byPackage.set(name, list);
      count++;
    }
  }
  return { byPackage, count, problems };
}

async function jsonFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await jsonFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(full);
  }
  return found.sort();
}

function toAdvisory(
  record: OsvRecord,
  affected: NonNullable<OsvRecord['affected']>[number],
  file: string,
): Advisory {
  const { severity, source } = severityOf(record, affected);
  const ranges = (affected.ranges ?? []).filter(
    (r) => r.type === 'ECOSYSTEM' || r.type === 'SEMVER',
  );
  const versions = affected.versions ?? [];
  return {
    id: record.id,
    aliases: record.aliases ?? [],
    summary: (record.summary ?? record.details ?? '').split('\n')[0]!.slice(0, 200),
    severity,
    severitySource: source,
    file,
    fixed: ranges.flatMap((r) => r.events.flatMap((e) => (e.fixed ? [e.fixed] : []))),
    affects: (version) =>
      versions.some((listed) => compareVersions(listed, version) === 0 || listed === version) ||
      ranges.some((range) => inRange(version, range.events)),
  };
}

/**
 * OSV's range rule: walking the events in version order, "introduced" at or below the version
 * starts an affected stretch, "fixed" at or below it ends one, "last_affected" below it ends one;
 * "limit" caps the range from above.
 */
function inRange(version: string, events: z.infer<typeof Event>[]): boolean {
  const cmp = (a: string, b: string) =>
    a === '0' ? (b === '0' ? 0 : -1) : b === '0' ? 1 : compareVersions(a, b);
  const valueOf = (e: z.infer<typeof Event>) =>
    e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0';
  if (events.some((e) => e.limit && (cmp(version, e.limit) ?? 1) >= 0)) return false;
  const sorted = [...events].sort((a, b) => cmp(valueOf(a), valueOf(b)) ?? 0);
  let affected = false;
  for (const event of sorted) {
    if (event.introduced !== undefined && (cmp(version, event.introduced) ?? -1) >= 0)
      affected = true;
    else if (event.fixed !== undefined && (cmp(version, event.fixed) ?? -1) >= 0) affected = false;
    else if (event.last_affected !== undefined && (cmp(version, event.last_affected) ?? -1) > 0)
      affected = false;
  }
  return affected;
}

function severityOf(
  record: OsvRecord,
  affected: NonNullable<OsvRecord['affected']>[number],
): { severity: Severity | null; source: string | null } {
  const said = record.database_specific?.severity;
  if (typeof said === 'string') {
    const word = said.toLowerCase() === 'medium' ? 'moderate' : said.toLowerCase();
    if ((SEVERITIES as readonly string[]).includes(word))
      return { severity: word as Severity, source: 'database_specific' };
  }
  for (const entry of [...(affected.severity ?? []), ...(record.severity ?? [])]) {
    if (entry.type !== 'CVSS_V3') continue;
    const score = cvss3BaseScore(entry.score);
    if (score !== null)
      return { severity: severityOfScore(score), source: `CVSS_V3 ${score.toFixed(1)}` };
  }
  return { severity: null, source: null };
}

/** What the advisory policy does with one matching advisory. */
export type AdvisoryAction = 'refuse' | 'warn' | 'ignore' | 'accepted';

/** Applies the policy to an advisory that affects a locked version. */
export function judgeAdvisory(advisory: Advisory, policy: AdvisoryPolicy): AdvisoryAction {
  const ids = [advisory.id, ...advisory.aliases].map((id) => id.toLowerCase());
  if (policy.accepted?.some((entry) => ids.includes(entry.id.toLowerCase()))) return 'accepted';
  if (!advisory.severity) return policy.unrated ?? 'warn';
  const rank = SEVERITIES.indexOf(advisory.severity);
  const atLeast = (threshold: Severity | 'none' | undefined) =>
    threshold !== undefined && threshold !== 'none' && rank >= SEVERITIES.indexOf(threshold);
  if (atLeast(policy.refuse)) return 'refuse';
  if (atLeast(policy.warn ?? 'low')) return 'warn';
  return 'ignore';
}
