import type { Severity } from '../catalogue/governance-policy.js';

/** CVSS v3.x base metric weights (FIRST's specification, section 7.4). */
const WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};
const PRIVILEGES = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;

/** CVSS v3.1's Roundup: the smallest one-decimal number at or above `value`. */
function roundUp(value: number): number {
  const whole = Math.round(value * 100_000);
  return whole % 10_000 === 0 ? whole / 100_000 : (Math.floor(whole / 10_000) + 1) / 10;
}

/**
 * The base score (0–10) of a CVSS v3.0/3.1 vector like
 * "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", or null when it is not a complete v3 vector.
 */
export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.split('/');
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? '')) return null;
  const metrics = new Map(parts.slice(1).map((part) => part.split(':') as [string, string]));
  const scope = metrics.get('S');
  if (scope !== 'U' && scope !== 'C') return null;
  const weight = (name: string) => WEIGHTS[name]?.[metrics.get(name) ?? ''];
  const privileges = PRIVILEGES[scope][metrics.get('PR') as 'N' | 'L' | 'H'];
  const [av, ac, ui, c, i, a] = ['AV', 'AC', 'UI', 'C', 'I', 'A'].map(weight);
  if ([av, ac, ui, c, i, a, privileges].some((w) => w === undefined)) return null;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact =
    scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av! * ac! * privileges! * ui!;
  if (impact <= 0) return 0;
  const total = scope === 'U' ? impact + exploitability : 1.08 * (impact + exploitability);
  return roundUp(Math.min(total, 10));
}

/** The qualitative rating of a CVSS score (medium is called "moderate" here); null for 0. */
export function severityOfScore(score: number): Severity | null {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'moderate';
  if (score > 0) return 'low';
  return null;
}
