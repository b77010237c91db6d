import { normalisePackageName } from '../governance/package-name.js';

export { normalisePackageName };

/** One pinned requirement from a `requirements.lock`. */
export interface LockedPackage {
  /** Normalised (PEP 503) name: lower case, runs of `-_.` as one `-`. */
  name: string;
  version: string;
  sha256: string;
  line: number;
}

const LINE = /^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9._+!-]+)\s+--hash=sha256:([0-9a-f]{64})$/;

/**
 * Parses a lock file: every non-comment line must be `name==version --hash=sha256:<hex>`.
 * Throws with the line number and the fix on the first line that is not.
 */
export function parseLockFile(text: string): LockedPackage[] {
  const packages: LockedPackage[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = LINE.exec(line);
    if (!match) {
      throw new Error(
        `line ${index + 1}: "${line.slice(0, 80)}" is not pinned; write it as name==version --hash=sha256:<64 hex digits>`,
      );
    }
    const name = normalisePackageName(match[1]!);
    if (seen.has(name))
      throw new Error(`line ${index + 1}: ${name} is listed twice; keep one line per package`);
    seen.add(name);
    packages.push({ name, version: match[2]!, sha256: match[3]!, line: index + 1 });
  });
  return packages;
}

/** The distribution name and version in a wheel file name (PEP 427), normalised. */
export function parseWheelFilename(filename: string): { name: string; version: string } | null {
  const parts = filename.replace(/\.whl$/, '').split('-');
  if (parts.length < 5 || !filename.endsWith('.whl')) return null;
  return { name: normalisePackageName(parts[0]!), version: parts[1]! };
}
