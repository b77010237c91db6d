import { isOpenToEveryone, widens } from './access-changes.js';
import type { CatalogueDiff } from './catalogue-diff.js';
import type { CatalogueView } from './catalogue-view.js';

/** The kinds of risk a reviewer must accept explicitly, most serious first (the report's order). */
export const RISK_KINDS = [
  'tests-skipped',
  'destructive-off',
  'dry-run-removed',
  'opened-to-everyone',
  'allowed-widened',
  'new-secret',
  'sensitive-removed',
  'new-package',
  'package-rebuilt',
  'pattern-loosened',
  'bounds-loosened',
  'reason-no-longer-required',
  'tests-removed',
] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

/** One risk flag: its kind, the script it concerns (if one) and the sentence. */
export interface Risk {
  kind: RiskKind;
  script?: string;
  text: string;
}

/** Short headings of each kind, for people. */
export const RISK_TITLES: Record<RiskKind, string> = {
  'tests-skipped': 'Tests skipped',
  'destructive-off': 'Destructive turned off',
  'dry-run-removed': 'Dry-run support removed',
  'opened-to-everyone': 'Opened to everyone',
  'allowed-widened': 'Who may run it widened',
  'new-secret': 'New secret',
  'sensitive-removed': 'Sensitive field no longer sensitive',
  'new-package': 'New package',
  'package-rebuilt': 'Wheel changed under the same version',
  'pattern-loosened': 'Pattern loosened or changed',
  'bounds-loosened': 'Bounds loosened',
  'reason-no-longer-required': 'Reason no longer required',
  'tests-removed': 'Tests removed',
};

/** Form changes that widen what a field accepts (a field no longer required is not a bound). */
const BOUNDS = new Set(['rule', 'choices', 'type', 'file']);

/** The risk flags of a diff, sorted by {@link RISK_KINDS} then script. */
export function risksOf(diff: CatalogueDiff, before: CatalogueView, after: CatalogueView): Risk[] {
  const risks: Risk[] = [];
  const add = (kind: RiskKind, text: string, script?: string) =>
    risks.push({ kind, ...(script ? { script } : {}), text });
  if (after.provenance?.testsSkipped === true)
    add(
      'tests-skipped',
      `the new catalogue was built with --skip-tests${after.provenance.commit ? ` (commit ${after.provenance.commit})` : ''}: its scripts' tests did not run`,
    );
  for (const script of diff.scripts) {
    const [old, now] = [before.scripts.get(script.id), after.scripts.get(script.id)];
    if (!now) continue;
    const id = script.id;
    if (!old) {
      if (isOpenToEveryone(now, after.groups))
        add('opened-to-everyone', 'new script that everyone may run', id);
      for (const secret of now.manifest.secrets)
        add('new-secret', `new script needs secret ${secret}`, id);
      continue;
    }
    const [was, is] = [old.manifest, now.manifest];
    if (was.destructive && !is.destructive)
      add(
        'destructive-off',
        'no longer marked destructive: analysts will not be asked to confirm a real run',
        id,
      );
    if (was.supportsDryRun && !is.supportsDryRun)
      add('dry-run-removed', 'no longer supports a dry run', id);
    if (was.requireReason && !is.requireReason)
      add('reason-no-longer-required', 'runs no longer need a reason or ticket', id);
    if (script.access) {
      const { everyone } = script.access;
      if (everyone.after && !everyone.before)
        add('opened-to-everyone', 'everyone may now run it', id);
      else if (widens(script.access)) add('allowed-widened', accessWords(script.access), id);
    }
    for (const secret of is.secrets.filter((s) => !was.secrets.includes(s)))
      add('new-secret', `now needs secret ${secret}`, id);
    for (const change of script.form) {
      const where = change.field === '' ? 'the form' : `field ${change.field}`;
      if (change.kind === 'sensitive-removed')
        add('sensitive-removed', `${where}: ${change.text}`, id);
      else if (change.keyword === 'pattern' && change.direction !== 'tightened')
        add('pattern-loosened', `${where}: ${change.text}`, id);
      else if (BOUNDS.has(change.kind) && change.direction === 'loosened')
        add('bounds-loosened', `${where}: ${change.text}`, id);
    }
    if (old.hasTests === true && now.hasTests === false)
      add('tests-removed', 'its tests/ folder is gone', id);
  }
  for (const pkg of diff.packages) {
    if (pkg.change === 'added')
      add(
        'new-package',
        `${pkg.name} ${pkg.newVersions.join(', ')} is new to the catalogue (locked by ${pkg.newConsumers.join(', ')})`,
      );
    if (pkg.rebuiltVersions.length)
      add(
        'package-rebuilt',
        `${pkg.name} ${pkg.rebuiltVersions.join(', ')}: the wheel has other bytes than before under the same version`,
      );
  }
  const order = (risk: Risk) => RISK_KINDS.indexOf(risk.kind);
  return risks.sort(
    (a, b) => order(a) - order(b) || (a.script ?? '').localeCompare(b.script ?? ''),
  );
}

function accessWords(change: NonNullable<CatalogueDiff['scripts'][number]['access']>): string {
  const parts = [
    ...change.usersGained.map((user) => `user ${user}`),
    ...change.groupsGained.map((group) => `group ${group}`),
    ...change.membersGained.map((member) => `${member} (through an allowed group)`),
  ];
  return `may now also be run by ${parts.join(', ')}`;
}
