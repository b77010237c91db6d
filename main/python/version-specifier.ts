/**
 * The part of PEP 440 version specifiers a script's `python` field needs (">=3.9", "~=3.10",
 * ">=3.9, !=3.10.*, <4"): comparisons of release numbers with optional a/b/rc pre-releases.
 * Local labels, epochs and `===` are not supported; a specifier using them is refused with a
 * message, never guessed at.
 */

import { compareKeys, parseVersion, type VersionKey } from './pep440.js';

type Operator = '>=' | '<=' | '>' | '<' | '==' | '!=' | '~=';

interface Clause {
  operator: Operator;
  version: VersionKey;
  /** `==3.9.*` / `!=3.9.*`: compare only the release numbers given. */
  wildcard: boolean;
}

/** A specifier that cannot be parsed; the message says which part and why. */
export class SpecifierError extends Error {
  override name = 'SpecifierError';
}

const CLAUSE = /^(~=|==|!=|<=|>=|<|>)(.+)$/;

/** A release with an optional a/b/rc pre-release: no epoch, post or dev part, no local label. */
function parseRelease(text: string): VersionKey | null {
  // A trailing "+" marks a CPython development build (3.14.0a1+): same version for our purposes.
  const key = parseVersion(text.replace(/\+$/, ''));
  if (!key || /[+!]/.test(text.replace(/\+$/, ''))) return null;
  return key.epoch === 0 && key.post === -1 && key.dev === Infinity ? key : null;
}

function parseClause(raw: string, whole: string): Clause {
  const text = raw.replace(/\s+/g, '');
  const match = CLAUSE.exec(text);
  if (!match)
    throw new SpecifierError(
      `"${raw.trim() || whole}" does not start with one of >=, <=, >, <, ==, !=, ~=`,
    );
  const operator = match[1] as Operator;
  let versionText = match[2]!;
  const wildcard = versionText.endsWith('.*');
  if (wildcard) {
    if (operator !== '==' && operator !== '!=')
      throw new SpecifierError(`"${text}": a .* wildcard only goes with == or !=`);
    versionText = versionText.slice(0, -2);
  }
  const version = parseRelease(versionText);
  if (!version || (wildcard && version.pre[0] !== 3))
    throw new SpecifierError(`"${text}": "${match[2]}" is not a version like 3.9 or 3.10.2`);
  if (operator === '~=' && version.release.length < 2)
    throw new SpecifierError(`"${text}": ~= needs at least two numbers, like ~=3.9`);
  return { operator, version, wildcard };
}

/** Parses a specifier; "" (or only spaces) means any version. Throws {@link SpecifierError}. */
export function parseSpecifier(specifier: string): Clause[] {
  if (specifier.trim() === '') return [];
  return specifier.split(',').map((part) => parseClause(part, specifier));
}

function compareRelease(a: number[], b: number[], length = Math.max(a.length, b.length)): number {
  for (let i = 0; i < length; i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

function matches(version: VersionKey, clause: Clause): boolean {
  const { operator, version: wanted, wildcard } = clause;
  if (wildcard) {
    const prefix = compareRelease(version.release, wanted.release, wanted.release.length) === 0;
    return operator === '==' ? prefix : !prefix;
  }
  const order = compareKeys(version, wanted);
  switch (operator) {
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '<':
      // PEP 440: "<3.12" does not admit 3.12's own pre-releases.
      return order < 0 && !(isPre(version) && !isPre(wanted) && sameRelease(version, wanted));
    case '==':
      return order === 0;
    case '!=':
      return order !== 0;
    case '~=': {
      const prefix = wanted.release.slice(0, -1);
      return order >= 0 && compareRelease(version.release, prefix, prefix.length) === 0;
    }
  }
}

const isPre = (v: VersionKey) => v.pre[0] !== 3;
const sameRelease = (a: VersionKey, b: VersionKey) => compareRelease(a.release, b.release) === 0;

/**
 * Whether `version` (as Python reports it, like "3.11.7") satisfies `specifier`. Throws
 * {@link SpecifierError} when the specifier (or the version) cannot be parsed.
 */
export function satisfiesSpecifier(version: string, specifier: string): boolean {
  const clauses = parseSpecifier(specifier);
  const parsed = parseRelease(version.trim());
  if (!parsed) throw new SpecifierError(`"${version}" is not a Python version`);
  return clauses.every((clause) => matches(parsed, clause));
}

/**
 * Why a script cannot use this Python, or null when it can: "needs Python >=3.12; this computer
 * has 3.11.7", or a message naming a specifier that cannot be read.
 */
export function pythonMismatch(specifier: string, version: string): string | null {
  try {
    if (satisfiesSpecifier(version, specifier)) return null;
    return `needs Python ${specifier.trim()}; this computer has ${version}. Ask IT for a matching Python, or the catalogue administrator to widen the script's "python" field`;
  } catch (error) {
    if (!(error instanceof SpecifierError)) throw error;
    return `script.json field \`python\` ("${specifier}") is not a version specifier ScriptDesk understands: ${error.message}; ask the catalogue administrator to correct it`;
  }
}
