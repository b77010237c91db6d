import type { Scrubber } from './child-process.js';

/**
 * A scrubber that replaces every secret value in captured output with `[hidden NAME]`. It looks
 * for each value as is and as it appears inside a JSON string (a script printing a dict or a
 * repr), and for each line of a multi-line value, since output is matched line by line. Null
 * when there is nothing to hide.
 */
export function secretScrubber(secrets: ReadonlyMap<string, string>): Scrubber | null {
  const needles = new Map<string, string>();
  for (const [name, value] of secrets) {
    const forms = [value, JSON.stringify(value).slice(1, -1)];
    for (const form of forms)
      for (const part of form.split(/\r?\n/)) if (part) needles.set(part, name);
  }
  if (needles.size === 0) return null;
  // Longest first, so a value that contains another is hidden whole.
  const ordered = [...needles.keys()].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  return {
    scrub: (text) => text.replace(pattern, (found) => `[hidden ${needles.get(found)!}]`),
    longest: ordered[0]!.length,
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
