/**
 * SPDX licence expressions as packages declare them ("MIT", "Apache-2.0 OR BSD-3-Clause",
 * "GPL-2.0-or-later WITH Classpath-exception-2.0"), and whether a licence policy allows one.
 */

/** A parsed expression: a licence, or AND/OR of parts. */
export type LicenceTerm =
  | { kind: 'licence'; id: string; orLater: boolean; exception: string | null }
  | { kind: 'and' | 'or'; parts: LicenceTerm[] };

const ID = /^[A-Za-z0-9][A-Za-z0-9.-]*\+?$/;

/** Parses an SPDX expression; null when it is not one (free text such as "BSD-like"). */
export function parseLicenceExpression(text: string): LicenceTerm | null {
  const tokens = text.replace(/[()]/g, ' $& ').trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return null;
  let at = 0;
  const peek = () => tokens[at];
  const keyword = (word: string) => peek()?.toUpperCase() === word;
  const atom = (): LicenceTerm | null => {
    if (peek() === '(') {
      at++;
      const inner = anyOf();
      if (!inner || peek() !== ')') return null;
      at++;
      return inner;
    }
    const token = peek();
    if (!token || !ID.test(token) || ['AND', 'OR', 'WITH'].includes(token.toUpperCase()))
      return null;
    at++;
    let exception: string | null = null;
    if (keyword('WITH')) {
      at++;
      const name = peek();
      if (!name || !ID.test(name)) return null;
      exception = name;
      at++;
    }
    const orLater = token.endsWith('+');
    return { kind: 'licence', id: orLater ? token.slice(0, -1) : token, orLater, exception };
  };
  const joined = (word: 'AND' | 'OR', next: () => LicenceTerm | null): LicenceTerm | null => {
    const first = next();
    if (!first) return null;
    const parts = [first];
    while (keyword(word)) {
      at++;
      const part = next();
      if (!part) return null;
      parts.push(part);
    }
    return parts.length === 1 ? first : { kind: word === 'AND' ? 'and' : 'or', parts };
  };
  const allOf = () => joined('AND', atom);
  const anyOf = (): LicenceTerm | null => joined('OR', allOf);
  const term = anyOf();
  return term && at === tokens.length ? term : null;
}

/** Every licence id the expression names. */
export function licenceIds(term: LicenceTerm): string[] {
  return term.kind === 'licence' ? [term.id] : term.parts.flatMap(licenceIds);
}

/**
 * Whether `allowed` (SPDX ids, compared ignoring case) admits the expression: OR needs one part,
 * AND every part. "X WITH exception" and "X+" pass when X is allowed: an exception only adds
 * permissions, and "or later" lets the user choose X itself.
 */
export function licenceAllowed(term: LicenceTerm, allowed: readonly string[]): boolean {
  const set = new Set(allowed.map((id) => id.toLowerCase()));
  const check = (t: LicenceTerm): boolean => {
    if (t.kind === 'licence') return set.has(t.id.toLowerCase());
    return t.kind === 'and' ? t.parts.every(check) : t.parts.some(check);
  };
  return check(term);
}
