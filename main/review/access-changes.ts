import type { ViewScript } from './catalogue-view.js';

/** Who may run one script, before and after. */
export interface AccessChange {
  script: string;
  /** Whether everyone may run it, before and after (`*` in users or in an allowed group). */
  everyone: { before: boolean; after: boolean };
  usersGained: string[];
  usersLost: string[];
  groupsGained: string[];
  groupsLost: string[];
  /** Members gained and lost by groups the script allows on both sides. */
  membersGained: string[];
  membersLost: string[];
}

/** Members gained and lost by one group of the catalogue. */
export interface GroupChange {
  group: string;
  change: 'added' | 'removed' | 'changed';
  membersGained: string[];
  membersLost: string[];
}

type Groups = Record<string, string[]>;

/** Whether everyone may run `script` under `groups`. */
export function isOpenToEveryone(script: ViewScript, groups: Groups): boolean {
  const { users, groups: allowed } = script.manifest.allowed;
  return users.includes('*') || allowed.some((group) => (groups[group] ?? []).includes('*'));
}

/** Who gained or lost the right to run a script present on both sides; null when nobody did. */
export function accessChange(
  id: string,
  before: { script: ViewScript; groups: Groups },
  after: { script: ViewScript; groups: Groups },
): AccessChange | null {
  const was = before.script.manifest.allowed;
  const is = after.script.manifest.allowed;
  const shared = is.groups.filter((group) => was.groups.includes(group));
  const members = (groups: Groups) => new Set(shared.flatMap((group) => groups[group] ?? []));
  const [oldMembers, newMembers] = [members(before.groups), members(after.groups)];
  const change: AccessChange = {
    script: id,
    everyone: {
      before: isOpenToEveryone(before.script, before.groups),
      after: isOpenToEveryone(after.script, after.groups),
    },
    usersGained: minus(is.users, was.users),
    usersLost: minus(was.users, is.users),
    groupsGained: minus(is.groups, was.groups),
    groupsLost: minus(was.groups, is.groups),
    membersGained: minus([...newMembers], [...oldMembers]),
    membersLost: minus([...oldMembers], [...newMembers]),
  };
  const changed =
    change.everyone.before !== change.everyone.after ||
    [
      change.usersGained,
      change.usersLost,
      change.groupsGained,
      change.groupsLost,
      change.membersGained,
      change.membersLost,
    ].some((list) => list.length > 0);
  return changed ? change : null;
}

/** Whether a change lets anyone run the script who could not before. */
export function widens(change: AccessChange): boolean {
  return (
    (change.everyone.after && !change.everyone.before) ||
    change.usersGained.length > 0 ||
    change.groupsGained.length > 0 ||
    change.membersGained.length > 0
  );
}

/** The catalogue's groups added, removed or with other members. */
export function groupChanges(before: Groups, after: Groups): GroupChange[] {
  const changes: GroupChange[] = [];
  for (const group of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const [was, is] = [before[group], after[group]];
    const gained = minus(is ?? [], was ?? []);
    const lost = minus(was ?? [], is ?? []);
    if (!was) changes.push({ group, change: 'added', membersGained: gained, membersLost: [] });
    else if (!is) changes.push({ group, change: 'removed', membersGained: [], membersLost: lost });
    else if (gained.length || lost.length)
      changes.push({ group, change: 'changed', membersGained: gained, membersLost: lost });
  }
  return changes;
}

function minus(values: readonly string[], without: readonly string[]): string[] {
  return [...new Set(values)].filter((value) => !without.includes(value)).sort();
}
