import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import type { Result } from 'axe-core';
import { REPO } from './desk.js';

/** WCAG 2.1 A and AA, plus axe's best practices (one `h1`, heading order, landmarks). */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Findings that fail a page whatever impact axe gives them: the page structure a screen-reader
 * user navigates by (axe rates these "moderate", but a page without them is hard to find one's
 * way around).
 */
const STRUCTURE_RULES = new Set([
  'page-has-heading-one',
  'heading-order',
  'landmark-one-main',
  'landmark-unique',
  'region',
]);

/** Where every scan's findings (all impacts) are written, one JSON file per place. */
const FINDINGS = path.join(REPO, 'test-results', 'axe');

/** True when a finding must be fixed: serious or critical, or a broken page structure. */
export function mustFix(violation: Pick<Result, 'id' | 'impact'>): boolean {
  return (
    violation.impact === 'serious' ||
    violation.impact === 'critical' ||
    STRUCTURE_RULES.has(violation.id)
  );
}

/** One finding as a reader can act on it: rule, impact, what to do, and where (selectors). */
export function describeViolation(violation: Result): string {
  const where = violation.nodes
    .slice(0, 8)
    .map((node) => {
      const summary = node.failureSummary?.split('\n').slice(1).join(' ').trim();
      return `    → ${node.target.join(' ')}${summary ? ` — ${summary}` : ''}`;
    })
    .join('\n');
  const more = violation.nodes.length > 8 ? `\n    … and ${violation.nodes.length - 8} more` : '';
  return `  ${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}\n${where}${more}\n    ${violation.helpUrl}`;
}

function slug(place: string): string {
  return place
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Runs axe-core on the whole page as it is now and fails the test (softly, so one run lists every
 * place's problems) on each finding that {@link mustFix}, naming the place, rule, impact, advice
 * and the elements. The other findings are written to test-results/axe/ but do not fail.
 */
export async function expectAccessible(page: Page, place: string): Promise<Result[]> {
  // Fades and slides first: a dialog half faded in would be judged on colours it does not keep.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((animation) => animation.effect?.getComputedTiming().iterations === Infinity),
  );
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  mkdirSync(FINDINGS, { recursive: true });
  writeFileSync(
    path.join(FINDINGS, `${slug(place)}.json`),
    JSON.stringify(
      results.violations.map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        targets: violation.nodes.map((node) => node.target.join(' ')),
      })),
      null,
      2,
    ),
  );
  const blocking = results.violations.filter(mustFix);
  expect
    .soft(
      blocking.map((violation) => `${violation.id} (${violation.impact})`),
      `axe-core findings on "${place}":\n${blocking.map(describeViolation).join('\n')}`,
    )
    .toEqual([]);
  return results.violations;
}
