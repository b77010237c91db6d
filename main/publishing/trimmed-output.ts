/** Lines kept from the start of a long report (the test's name and where it failed). */
const HEAD_LINES = 5;
/** Lines kept from the end (the assertion and what the test printed). */
const TAIL_LINES = 25;
/** Characters kept of one line. */
const LINE_CHARS = 300;

/**
 * A long test report cut to what a person reads in a terminal: the first 5 and the last 25
 * lines, with one line saying how many were left out between them, each line at most 300
 * characters. Trailing blank lines are dropped.
 */
export function trimmedLines(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  if (lines.length === 1 && lines[0] === '') return [];
  const cut = (line: string) =>
    line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}… (${line.length} characters)` : line;
  if (lines.length <= HEAD_LINES + TAIL_LINES + 1) return lines.map(cut);
  const left = lines.length - HEAD_LINES - TAIL_LINES;
  return [
    ...lines.slice(0, HEAD_LINES).map(cut),
    `… ${left} lines left out …`,
    ...lines.slice(-TAIL_LINES).map(cut),
  ];
}
