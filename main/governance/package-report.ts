import type { AdvisoryPolicy, LicencePolicy } from '../catalogue/governance-policy.js';
import { WheelRefused } from '../python/wheel-inspection.js';
import { judgeAdvisory, type Advisory, type AdvisoryAction } from './advisories.js';
import { judgeLicence, licenceOf, type LicenceVerdict, type PackageLicence } from './licences.js';
import { normalisePackageName } from './package-name.js';
import { readWheelMetadata } from './wheel-metadata.js';

/** One script's pin of a package: which script, in which lock file, on which line. */
export interface Consumer {
  script: string;
  lockFile: string | null;
  line: number | null;
}

/** What governance is given to report on: read from a source or a published folder. */
export interface PackageInventory {
  /** `approvedPackages` of catalogue.json; null for a published folder (it does not carry it). */
  approved: Record<string, readonly string[]> | null;
  /** Every wheel there is: the source's wheelhouse, or the published wheels. */
  wheels: { filename: string; name: string; version: string; sha256: string; file: string }[];
  /** Every pin of every script's lock. */
  pins: { name: string; version: string; sha256: string; consumer: Consumer }[];
}

/** A package version the catalogue uses, with everything governance knows of it. */
export interface PackageEntry {
  name: string;
  version: string;
  wheel: string;
  sha256: string;
  consumers: Consumer[];
  licence: PackageLicence & { verdict: LicenceVerdict };
  /** Why the wheel's metadata could not be read, when it could not. */
  metadataProblem: string | null;
  advisories: { advisory: Advisory; action: AdvisoryAction }[];
}

/** An approved version or a wheel no lock pins. */
export interface UnusedPackage {
  name: string;
  version: string;
  /** The wheel file, when the wheelhouse holds one. */
  wheel: string | null;
  approved: boolean;
}

/** What `catalogue packages` prints and `catalogue build` enforces. */
export interface PackageReport {
  packages: PackageEntry[];
  unused: UnusedPackage[];
}

/** What the report is judged against. */
export interface GovernanceRules {
  licences?: LicencePolicy | undefined;
  /** The advisories to match, and the policy; absent: no advisory is looked at. */
  advisories?: { byPackage: Map<string, Advisory[]>; policy: AdvisoryPolicy } | undefined;
  maxWheelUncompressedBytes?: number | undefined;
}

/**
 * Builds the package report: each pinned package version once (by wheel hash), with the scripts
 * whose locks pin it, its licence read from the wheel and judged by the licence policy, and every
 * advisory that affects that version with what the advisory policy does about it; then the
 * approved versions and wheels no lock pins.
 */
export async function buildPackageReport(
  inventory: PackageInventory,
  rules: GovernanceRules,
): Promise<PackageReport> {
  const bySha = new Map(inventory.wheels.map((wheel) => [wheel.sha256, wheel]));
  const entries = new Map<string, PackageEntry>();
  for (const pin of inventory.pins) {
    const wheel = bySha.get(pin.sha256);
    if (!wheel) continue;
    let entry = entries.get(pin.sha256);
    if (!entry) {
      entry = await describe(wheel, rules);
      entries.set(pin.sha256, entry);
    }
    entry.consumers.push(pin.consumer);
  }
  const packages = [...entries.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
  const pinned = new Set(inventory.pins.map((pin) => `${pin.name}==${pin.version}`));
  const unused = new Map<string, UnusedPackage>();
  for (const [name, versions] of Object.entries(inventory.approved ?? {}))
    for (const version of versions) {
      const key = `${normalisePackageName(name)}==${version}`;
      if (!pinned.has(key))
        unused.set(key, { name: normalisePackageName(name), version, wheel: null, approved: true });
    }
  for (const wheel of inventory.wheels) {
    if (inventory.pins.some((pin) => pin.sha256 === wheel.sha256)) continue;
    const key = `${wheel.name}==${wheel.version}`;
    const known = unused.get(key);
    unused.set(key, {
      name: wheel.name,
      version: wheel.version,
      wheel: wheel.filename,
      approved: known?.approved ?? false,
    });
  }
  return {
    packages,
    unused: [...unused.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
    ),
  };
}

async function describe(
  wheel: PackageInventory['wheels'][number],
  rules: GovernanceRules,
): Promise<PackageEntry> {
  let licence: PackageLicence = { expression: null, source: null, text: null };
  let metadataProblem: string | null = null;
  try {
    licence = licenceOf(await readWheelMetadata(wheel.file, rules.maxWheelUncompressedBytes));
  } catch (error) {
    metadataProblem =
      error instanceof WheelRefused
        ? error.message
        : `its metadata cannot be read: ${(error as Error).message}`;
  }
  const advisories = rules.advisories
    ? (rules.advisories.byPackage.get(wheel.name) ?? [])
        .filter((advisory) => advisory.affects(wheel.version))
        .map((advisory) => ({
          advisory,
          action: judgeAdvisory(advisory, rules.advisories!.policy),
        }))
    : [];
  return {
    name: wheel.name,
    version: wheel.version,
    wheel: wheel.filename,
    sha256: wheel.sha256,
    consumers: [],
    licence: { ...licence, verdict: judgeLicence(licence, rules.licences) },
    metadataProblem,
    advisories,
  };
}
