import type { Advisory } from './advisories.js';
import type { Consumer, PackageEntry, PackageReport } from './package-report.js';

/** One line of what the policies found: the lock file and line, what, and the fix. */
export interface PolicyFinding {
  file: string;
  detail: string;
}

/**
 * What the licence and advisory policies refuse and warn about, one line per package version and
 * script that pins it, each naming the package, version, script and the fix. Accepted and
 * ignored advisories are not findings (the package report still lists them).
 */
export function policyFindings(report: PackageReport): {
  errors: PolicyFinding[];
  warnings: PolicyFinding[];
} {
  const errors: PolicyFinding[] = [];
  const warnings: PolicyFinding[] = [];
  for (const entry of report.packages) {
    for (const consumer of entry.consumers) {
      const at = (detail: string): PolicyFinding => ({
        file: consumer.lockFile ?? 'catalogue.json',
        detail: `${consumer.line ? `line ${consumer.line}: ` : ''}${detail}`,
      });
      const licence = licenceFinding(entry, consumer);
      if (licence) (licence.refuse ? errors : warnings).push(at(licence.detail));
      for (const { advisory, action } of entry.advisories) {
        if (action !== 'refuse' && action !== 'warn') continue;
        (action === 'refuse' ? errors : warnings).push(
          at(advisoryDetail(entry, advisory, consumer.script)),
        );
      }
    }
  }
  return { errors, warnings };
}

function licenceFinding(
  entry: PackageEntry,
  consumer: Consumer,
): { refuse: boolean; detail: string } | null {
  const verdict = entry.licence.verdict;
  if (verdict.status === 'allowed') return null;
  const what = `${entry.name} ${entry.version} (script ${consumer.script})`;
  if (verdict.status === 'refused')
    return {
      refuse: true,
      detail: `${what} is licensed ${entry.licence.expression} (from its ${entry.licence.source}), which licences.allowed in catalogue.json does not allow; remove it from the lock, or add the licence to licences.allowed once it is approved`,
    };
  const said =
    entry.metadataProblem ??
    (entry.licence.text
      ? `its wheel says: ${entry.licence.text}`
      : 'its wheel declares no licence');
  return {
    refuse: verdict.action === 'refuse',
    detail: `${what} has no licence ScriptDesk can read as SPDX ids (${said}); confirm its licence and ask its publisher for a License-Expression, or set licences.unknown to "warn" in catalogue.json`,
  };
}

function advisoryDetail(entry: PackageEntry, advisory: Advisory, script: string): string {
  const aliases = advisory.aliases.length ? `, ${advisory.aliases.join(', ')}` : '';
  const rating = advisory.severity ?? 'unrated';
  const fixed = advisory.fixed.length
    ? `upgrade to ${advisory.fixed.join(' or ')} (fixed there) and approve that version`
    : 'replace the package (no fixed version is known)';
  return `${entry.name} ${entry.version} (script ${script}) has advisory ${advisory.id} (${rating}${aliases}): ${advisory.summary || 'no summary'}; ${fixed}, or list ${advisory.id} under advisories.accepted in catalogue.json with the reason it does not apply`;
}
