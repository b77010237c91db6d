/**
 * Markdown that shows text exactly as given, whatever it holds: names from a catalogue go in code
 * spans (no emphasis, links, HTML, @-mentions or table breaks), and file contents in fences
 * longer than any backtick run inside.
 */

/** `text` as an inline code span that no character of it can close early. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a leading or trailing backtick from joining the fence.
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.trim() === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Lines of a fenced code block holding `text` (`diff` syntax colouring by default). */
export function fenced(text: string, info = 'diff'): string[] {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const lines = text.replace(/\n$/, '').split('\n');
  return [`${fence}${info}`, ...lines, fence];
}

/**
 * A sentence with values in it (names, patterns): the characters that start markup mid-line
 * (emphasis, code, links, HTML, tables, entities) are backslash-escaped, and each `@` is followed
 * by a zero-width joiner so a user name cannot notify anyone on a code host (escapes do not stop
 * mentions). The report never starts a line with prose, so line-start markup cannot arise.
 */
export function prose(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .replace(/@/g, '@\u200d');
}
