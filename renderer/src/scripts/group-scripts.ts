import type { ScriptSummary } from '../../../main/contract/api.js';
import { textOrder } from '../text-order.js';

/** One group of the list: the user's favourites, the scripts they ran last, or a category. */
export interface ScriptGroup {
  kind: 'favourites' | 'recent' | 'category';
  /** The header: "Favourites", "Recently run" or the category's name. */
  title: string;
  scripts: ScriptSummary[];
}

/** The user's own groups above the categories. */
export interface PersonalGroups {
  /** Favourite script ids (ids the catalogue no longer has are left out). */
  favourites: readonly string[];
  /** Ids of the scripts run last, newest first (from `catalogue.list`). */
  recent: readonly string[];
}

/** True when every word of `filter` occurs in the script's title, summary, category or id. */
export function matchesFilter(script: ScriptSummary, filter: string): boolean {
  const haystack =
    `${script.title} ${script.summary} ${script.category} ${script.id}`.toLocaleLowerCase();
  return filter
    .toLocaleLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => haystack.includes(word));
}

/**
 * The list's groups: without a filter, "Favourites" (alphabetical) and "Recently run" (newest
 * first) come first when they hold anything; then every script matching `filter` by category,
 * categories and titles in alphabetical order. A filter shows categories only, so each match
 * appears once.
 */
export function groupScripts(
  scripts: readonly ScriptSummary[],
  filter: string,
  personal: PersonalGroups = { favourites: [], recent: [] },
): ScriptGroup[] {
  const byText = textOrder().compare;
  const personalGroups: ScriptGroup[] = [];
  if (filter.trim() === '') {
    const byId = new Map(scripts.map((script) => [script.id, script]));
    const pick = (ids: readonly string[]) =>
      ids.flatMap((id) => {
        const script = byId.get(id);
        return script ? [script] : [];
      });
    const favourites = pick(personal.favourites).sort((a, b) => byText(a.title, b.title));
    const recent = pick(personal.recent);
    if (favourites.length > 0)
      personalGroups.push({ kind: 'favourites', title: 'Favourites', scripts: favourites });
    if (recent.length > 0)
      personalGroups.push({ kind: 'recent', title: 'Recently run', scripts: recent });
  }
  return [...personalGroups, ...categoryGroups(scripts, filter)];
}

function categoryGroups(scripts: readonly ScriptSummary[], filter: string): ScriptGroup[] {
  const groups = new Map<string, ScriptSummary[]>();
  for (const script of scripts) {
    if (!matchesFilter(script, filter)) continue;
    const category = script.category.trim() || 'Other';
    groups.set(category, [...(groups.get(category) ?? []), script]);
  }
  const byText = textOrder().compare;
  return [...groups.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([category, list]) => ({
      kind: 'category' as const,
      title: category,
      scripts: list.sort((a, b) => byText(a.title, b.title)),
    }));
}
