import type { CatalogueView } from './catalogue-view.js';

/** One package of the catalogue added, removed, at other versions, or rebuilt. */
export interface PackageChange {
  name: string;
  /**
   * `added`: no script locked it before; `removed`: none locks it now; `changed`: other versions
   * or other scripts lock it; `rebuilt`: a version kept its number but its wheel has other bytes.
   */
  change: 'added' | 'removed' | 'changed' | 'rebuilt';
  oldVersions: string[];
  newVersions: string[];
  /** Scripts locking it, before and after. */
  oldConsumers: string[];
  newConsumers: string[];
  /** Versions whose wheel hash differs between the sides. */
  rebuiltVersions: string[];
}

interface PackageUse {
  versions: Map<string, Set<string>>;
  consumers: Set<string>;
}

function usesOf(view: CatalogueView): Map<string, PackageUse> {
  const uses = new Map<string, PackageUse>();
  for (const [id, script] of view.scripts)
    for (const pkg of script.packages) {
      let use = uses.get(pkg.name);
      if (!use) uses.set(pkg.name, (use = { versions: new Map(), consumers: new Set() }));
      let hashes = use.versions.get(pkg.version);
      if (!hashes) use.versions.set(pkg.version, (hashes = new Set()));
      hashes.add(pkg.sha256);
      use.consumers.add(id);
    }
  return uses;
}

/** How the packages the scripts lock (from locks, or from published wheels) differ. */
export function packageChanges(before: CatalogueView, after: CatalogueView): PackageChange[] {
  const [was, is] = [usesOf(before), usesOf(after)];
  const changes: PackageChange[] = [];
  for (const name of [...new Set([...was.keys(), ...is.keys()])].sort()) {
    const [old, now] = [was.get(name), is.get(name)];
    const sorted = (values: Iterable<string> | undefined) => [...(values ?? [])].sort();
    const rebuiltVersions = sorted(
      [...(now?.versions.keys() ?? [])].filter((version) => {
        const [a, b] = [old?.versions.get(version), now?.versions.get(version)];
        return a && b && [...b].some((hash) => !a.has(hash));
      }),
    );
    const change: PackageChange = {
      name,
      change: !old ? 'added' : !now ? 'removed' : rebuiltVersions.length ? 'rebuilt' : 'changed',
      oldVersions: sorted(old?.versions.keys()),
      newVersions: sorted(now?.versions.keys()),
      oldConsumers: sorted(old?.consumers),
      newConsumers: sorted(now?.consumers),
      rebuiltVersions,
    };
    const same =
      change.change === 'changed' &&
      change.oldVersions.join() === change.newVersions.join() &&
      change.oldConsumers.join() === change.newConsumers.join();
    if (!same) changes.push(change);
  }
  return changes;
}
