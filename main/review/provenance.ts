/**
 * Where a published catalogue was built from, as newer builds record it in the signed document
 * (`provenance: { commit, branch, clean, builtBy, builtAt, testsSkipped }`). Read field by field:
 * a catalogue may lack it, or carry fields this version does not know; only what has the expected
 * type is kept.
 */
export interface Provenance {
  commit?: string;
  branch?: string;
  clean?: boolean;
  builtBy?: string;
  builtAt?: string;
  /** True when the build was told to skip the scripts' tests: a risk a reviewer must accept. */
  testsSkipped?: boolean;
  /** The scripts whose source had a `tests/` folder (tests are not published). */
  scriptsWithTests?: string[];
}

/** The provenance a document carries, or null when it has none a review can use. */
export function readProvenance(raw: unknown): Provenance | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const value = raw as Record<string, unknown>;
  const provenance: Provenance = {};
  for (const key of ['commit', 'branch', 'builtBy', 'builtAt'] as const)
    if (typeof value[key] === 'string') provenance[key] = (value[key] as string).slice(0, 200);
  for (const key of ['clean', 'testsSkipped'] as const)
    if (typeof value[key] === 'boolean') provenance[key] = value[key] as boolean;
  const withTests = value.scriptsWithTests;
  if (Array.isArray(withTests) && withTests.every((id) => typeof id === 'string'))
    provenance.scriptsWithTests = withTests as string[];
  return Object.keys(provenance).length ? provenance : null;
}
