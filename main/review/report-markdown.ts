import type { AccessChange } from './access-changes.js';
import type { CatalogueDiff, ScriptDiff, SideSummary } from './catalogue-diff.js';
import { code, fenced, prose } from './markdown.js';
import { RISK_TITLES } from './risks.js';

/** The most diff lines shown per file in Markdown (the JSON report holds every line). */
export const MAX_MARKDOWN_DIFF_LINES = 400;

/**
 * The review report as Markdown lines, for a pull-request comment: risk flags first, then the
 * scripts added, removed and changed, who may run what, packages, and each script's changes with
 * its form changes in words and its code as unified diffs.
 */
export function reportMarkdown(diff: CatalogueDiff): string[] {
  const lines: string[] = ['## Catalogue review', ''];
  lines.push(`- **Old:** ${side(diff.old)}`, `- **New:** ${side(diff.new)}`, '');
  if (diff.risks.length) {
    lines.push(`### Risks to approve (${diff.risks.length})`, '');
    for (const risk of diff.risks)
      lines.push(
        `- **${prose(RISK_TITLES[risk.kind])}**${risk.script ? ` ${code(risk.script)}` : ''}: ${prose(risk.text)}`,
      );
    lines.push('');
  } else lines.push('### Risks to approve', '', 'None found.', '');

  const of = (change: ScriptDiff['change']) => diff.scripts.filter((s) => s.change === change);
  lines.push('### Scripts', '');
  if (!diff.scripts.length) lines.push('No script changed.');
  for (const [change, label] of [
    ['added', 'Added'],
    ['removed', 'Removed'],
    ['changed', 'Changed'],
  ] as const) {
    const scripts = of(change);
    if (scripts.length)
      lines.push(
        `- ${label}: ${scripts.map((s) => `${code(s.id)} (${code(s.title)})`).join(', ')}`,
      );
  }
  if (diff.unchanged.length) lines.push(`- Unchanged: ${diff.unchanged.length}`);
  for (const change of diff.catalogue) lines.push(`- Catalogue: ${prose(change)}`);
  lines.push('');

  const access = diff.scripts.flatMap((s) => (s.access ? [s.access] : []));
  if (access.length || diff.groups.length) {
    lines.push('### Who may run what', '');
    for (const change of access) lines.push(`- ${code(change.script)}: ${accessLine(change)}`);
    for (const group of diff.groups)
      lines.push(
        `- Group ${code(group.group)} ${group.change}${memberWords(group.membersGained, group.membersLost)}`,
      );
    lines.push('');
  }

  if (diff.packages.length) {
    lines.push('### Packages', '');
    for (const pkg of diff.packages) {
      const versions = (list: string[]) => list.map(code).join(', ') || 'none';
      const users = (list: string[]) => list.map(code).join(', ') || 'none';
      lines.push(
        `- ${code(pkg.name)} ${pkg.change}: versions ${versions(pkg.oldVersions)} → ${versions(pkg.newVersions)}; locked by ${users(pkg.oldConsumers)} → ${users(pkg.newConsumers)}${pkg.rebuiltVersions.length ? `; rebuilt: ${versions(pkg.rebuiltVersions)}` : ''}`,
      );
    }
    lines.push('');
  }

  for (const script of diff.scripts) lines.push(...scriptSection(script));
  return lines;
}

function side(summary: SideSummary): string {
  const where = code(summary.location);
  if (summary.kind === 'nothing') return `nothing published yet at ${where}`;
  if (summary.kind === 'source') return `catalogue source ${code(summary.name)} at ${where}`;
  const signature = summary.signedBy
    ? `signature checked (key ${code(summary.signedBy)})`
    : '**signature not checked** (no --pubkey given)';
  const provenance = summary.provenance;
  const built = provenance
    ? `; built from ${[
        provenance.commit ? `commit ${code(provenance.commit)}` : '',
        provenance.branch ? `branch ${code(provenance.branch)}` : '',
        provenance.clean === false ? 'a tree with uncommitted changes' : '',
        provenance.builtBy ? `by ${code(provenance.builtBy)}` : '',
      ]
        .filter(Boolean)
        .join(', ')}`
    : '';
  return `published catalogue ${code(summary.name)} version ${summary.version} at ${where}, ${signature}${built}`;
}

function accessLine(change: AccessChange): string {
  const parts: string[] = [];
  if (change.everyone.after !== change.everyone.before)
    parts.push(
      change.everyone.after ? '**everyone may now run it**' : 'no longer open to everyone',
    );
  const named = (label: string, list: string[]) => list.map((name) => `${label} ${code(name)}`);
  const gained = [...named('user', change.usersGained), ...named('group', change.groupsGained)];
  const lost = [...named('user', change.usersLost), ...named('group', change.groupsLost)];
  if (gained.length) parts.push(`gained ${gained.join(', ')}`);
  if (lost.length) parts.push(`lost ${lost.join(', ')}`);
  const members = memberWords(change.membersGained, change.membersLost);
  if (members) parts.push(`through its groups${members}`);
  return parts.join('; ');
}

function memberWords(gained: string[], lost: string[]): string {
  const words: string[] = [];
  if (gained.length) words.push(` gained ${gained.map(code).join(', ')}`);
  if (lost.length) words.push(` lost ${lost.map(code).join(', ')}`);
  return words.join(';');
}

const HEADINGS = { added: 'Added', removed: 'Removed', changed: 'Changed' } as const;

function scriptSection(script: ScriptDiff): string[] {
  const versions =
    script.change === 'changed'
      ? script.oldVersion === script.newVersion
        ? `version ${code(script.newVersion!)} (not raised)`
        : `version ${code(script.oldVersion!)} → ${code(script.newVersion!)}`
      : `version ${code((script.newVersion ?? script.oldVersion)!)}`;
  const lines = [
    `### ${HEADINGS[script.change]} ${code(script.id)}: ${code(script.title)}, ${versions}`,
    '',
  ];
  for (const change of script.manifest) lines.push(`- ${prose(change)}`);
  if (script.form.length) {
    lines.push('', '**Form:**', '');
    for (const change of script.form)
      lines.push(
        `- ${change.field === '' ? 'the form' : code(change.field)}: ${prose(change.text)}${change.direction === 'loosened' ? ' (loosened)' : ''}`,
      );
  }
  if (script.files.length) {
    lines.push('', '**Files:**', '');
    for (const file of script.files) {
      const sizes =
        file.change === 'removed'
          ? `${file.oldSize} bytes`
          : file.change === 'added'
            ? `${file.newSize} bytes`
            : `${file.oldSize} → ${file.newSize} bytes`;
      lines.push(
        `- ${code(file.path)} ${file.change} (${sizes})${file.note ? `: ${prose(file.note)}` : ''}`,
      );
      if (file.diff) lines.push('', ...fenced(shortened(file.diff)), '');
    }
  }
  lines.push('');
  return lines;
}

function shortened(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  if (lines.length <= MAX_MARKDOWN_DIFF_LINES) return diff;
  return [
    ...lines.slice(0, MAX_MARKDOWN_DIFF_LINES),
    `... ${lines.length - MAX_MARKDOWN_DIFF_LINES} more lines: see catalogue diff --json`,
  ].join('\n');
}
