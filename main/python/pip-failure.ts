/** Longest reason kept from pip's output. */
const MAX_REASON = 400;

/** A requirement line pip prints under an error: `    alpha==1.0.0 from file:///…` or `    alpha==1.0.0 --hash=…`. */
const REQUIREMENT = /^\s+([A-Za-z0-9][A-Za-z0-9._-]*==\S+?)(?::|\s|$)/;
const EXPECTED = /^\s+Expected\s+sha256\s+([0-9a-f]{64})/;
const GOT = /^\s+Got\s+([0-9a-f]{64})/;

/**
 * Turns pip's stderr into one short, readable reason: the error line itself (its first sentence)
 * plus the packages it lists, never the whole dump. A hash mismatch names each package and both
 * hashes, shortened; anything else keeps pip's ERROR lines, or the last line when there are none.
 */
export function summarisePipFailure(stderr: string): string {
  const lines = stderr.split(/\r?\n/);
  const errorAt = lines.findIndex((line) => line.startsWith('ERROR:'));
  if (errorAt < 0)
    return clip(
      lines
        .filter((l) => l.trim())
        .at(-1)
        ?.trim() ?? 'no output',
    );
  const headline = firstSentence(lines[errorAt]!.slice('ERROR:'.length).trim());
  if (/DO NOT MATCH THE HASHES/i.test(headline))
    return clip(hashMismatch(headline, lines, errorAt));
  if (/Hashes are required/i.test(headline)) {
    const missing = requirementsAfter(lines, errorAt).map((r) => r.requirement);
    return clip(`${headline}: ${missing.join(', ')} (every lock line needs --hash=sha256:…)`);
  }
  const errors = lines
    .filter((line) => line.startsWith('ERROR:'))
    .map((line) => firstSentence(line.slice('ERROR:'.length).trim()));
  return clip([...new Set(errors)].join('; '));
}

function hashMismatch(headline: string, lines: string[], errorAt: number): string {
  const packages = requirementsAfter(lines, errorAt).map(({ requirement, expected, got }) =>
    expected && got
      ? `${requirement} (the lock pins sha256 ${expected.slice(0, 12)}…, the wheel is ${got.slice(0, 12)}…)`
      : requirement,
  );
  return `${headline}: ${packages.join(', ') || 'a package'}; the catalogue administrator must correct the lock or the wheel`;
}

function requirementsAfter(
  lines: string[],
  errorAt: number,
): { requirement: string; expected?: string; got?: string }[] {
  const found: { requirement: string; expected?: string; got?: string }[] = [];
  for (const line of lines.slice(errorAt + 1)) {
    if (line.startsWith('ERROR:')) break;
    const requirement = REQUIREMENT.exec(line);
    if (requirement) {
      found.push({ requirement: requirement[1]! });
      continue;
    }
    const current = found.at(-1);
    const expected = EXPECTED.exec(line);
    const got = GOT.exec(line);
    if (current && expected) current.expected = expected[1]!;
    if (current && got) current.got = got[1]!;
  }
  return found;
}

/** pip's error lines run on with advice; the first sentence is the fact. */
function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  return end > 0 ? text.slice(0, end) : text.replace(/\.$/, '');
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}
