import path from 'node:path';
import { DEFAULT_ADVISORY_POLICY } from '../catalogue/governance-policy.js';
import { loadAdvisories } from '../governance/advisories.js';
import {
  buildPackageReport,
  type PackageEntry,
  type PackageReport,
} from '../governance/package-report.js';
import { policyFindings } from '../governance/policy-findings.js';
import { readInventory } from '../publishing/package-inventory.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';

/**
 * `scriptdesk catalogue packages SRC|DIR [--advisories DIR] [--json]`: every package version the
 * catalogue's scripts lock, with the scripts that lock it, its licence and the advisories that
 * affect it, then the approved versions and wheels no lock pins. Exits 1 when `catalogue build`
 * would refuse the source for a licence or an advisory (or something could not be read).
 */
export async function cataloguePackagesCommand(
  location: string,
  options: { advisories?: string | undefined; json?: boolean | undefined },
  out: Out,
  setExitCode: (code: number) => void,
): Promise<void> {
  let read;
  try {
    read = await readInventory(location);
  } catch (error) {
    throw new CliError((error as Error).message, 1, { cause: error });
  }
  const problems = [...read.problems];
  let advisories;
  let advisoryCount: number | null = null;
  if (options.advisories) {
    const loaded = await loadAdvisories(options.advisories);
    problems.push(...loaded.problems);
    advisoryCount = loaded.count;
    advisories = {
      byPackage: loaded.byPackage,
      policy: read.source?.advisories ?? DEFAULT_ADVISORY_POLICY,
    };
  }
  const report = await buildPackageReport(read.inventory, {
    licences: read.source?.licences,
    advisories,
    maxWheelUncompressedBytes: read.source?.limits?.maxWheelUncompressedBytes,
  });
  const findings = policyFindings(report);
  const errors = [...problems, ...findings.errors];
  if (options.json) {
    out.json({
      catalogue: { name: read.name, kind: read.kind, location: path.resolve(location) },
      advisoriesRead: advisoryCount,
      packages: report.packages.map(packageJson),
      unused: report.unused,
      errors,
      warnings: findings.warnings,
    });
  } else
    printText(
      out,
      read.name,
      read.kind,
      location,
      advisoryCount,
      report,
      errors,
      findings.warnings,
    );
  if (errors.length) setExitCode(1);
}

function packageJson(entry: PackageEntry) {
  const { verdict, ...licence } = entry.licence;
  return {
    name: entry.name,
    version: entry.version,
    wheel: entry.wheel,
    sha256: entry.sha256,
    consumers: entry.consumers,
    licence: { ...licence, ...verdict },
    metadataProblem: entry.metadataProblem,
    advisories: entry.advisories.map(({ advisory, action }) => ({
      id: advisory.id,
      aliases: advisory.aliases,
      summary: advisory.summary,
      severity: advisory.severity,
      severitySource: advisory.severitySource,
      fixed: advisory.fixed,
      action,
      file: advisory.file,
    })),
  };
}

function printText(
  out: Out,
  name: string,
  kind: 'source' | 'published',
  location: string,
  advisoryCount: number | null,
  report: PackageReport,
  errors: readonly { file: string; detail: string }[],
  warnings: readonly { file: string; detail: string }[],
): void {
  const what = kind === 'source' ? 'catalogue source' : 'published catalogue';
  out.line(
    `Packages of ${what} "${name}" (${location}): ${report.packages.length} in use, ${report.unused.length} unused; ${advisoryCount === null ? 'no advisories given (--advisories DIR)' : `${advisoryCount} PyPI advisories read`}`,
  );
  for (const entry of report.packages) {
    const licence = entry.licence.expression
      ? `licence ${entry.licence.expression} (${entry.licence.source})`
      : `licence unknown${entry.licence.text ? ` (${entry.licence.text})` : ''}`;
    const verdict =
      entry.licence.verdict.status === 'refused'
        ? ' NOT ALLOWED'
        : entry.licence.verdict.status === 'unknown'
          ? ` (${entry.licence.verdict.action === 'refuse' ? 'REFUSED' : 'warning'}: unknown)`
          : '';
    const users = entry.consumers
      .map((c) => `${c.script}${c.line ? ` (line ${c.line})` : ''}`)
      .join(', ');
    out.line(`${entry.name} ${entry.version}  ${licence}${verdict}  used by ${users}`);
    if (entry.metadataProblem) out.line(`  metadata: ${entry.metadataProblem}`);
    for (const { advisory, action } of entry.advisories) {
      const aliases = advisory.aliases.length ? ` (${advisory.aliases.join(', ')})` : '';
      const fixed = advisory.fixed.length ? `; fixed in ${advisory.fixed.join(', ')}` : '';
      out.line(
        `  ${action.toUpperCase()} ${advisory.id}${aliases} ${advisory.severity ?? 'unrated'}: ${advisory.summary || 'no summary'}${fixed}`,
      );
    }
  }
  if (report.unused.length) {
    out.line('Unused (no script locks them):');
    for (const unused of report.unused) {
      const where = [
        unused.approved ? 'approved in catalogue.json' : null,
        unused.wheel ? `wheel ${unused.wheel}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      const fix = [
        unused.approved ? 'remove it from approvedPackages' : null,
        unused.wheel ? 'remove the wheel from wheels/' : null,
      ]
        .filter(Boolean)
        .join(' and ');
      out.line(`  ${unused.name} ${unused.version}  ${where}; ${fix}, or lock it in a script`);
    }
  }
  for (const error of errors) out.line(`error: ${error.file}: ${error.detail}`);
  for (const warning of warnings) out.line(`warning: ${warning.file}: ${warning.detail}`);
}
