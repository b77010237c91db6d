/** Longest line shown in full; a longer one is cut so one huge line cannot stall the window. */
export const MAX_LINE_CHARS = 4000;

/** A line cut to {@link MAX_LINE_CHARS}, saying how much was left out. */
export function displayText(text: string): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const rest = text.length - MAX_LINE_CHARS;
  return `${text.slice(0, MAX_LINE_CHARS)} … (${rest.toLocaleString()} more characters; the full line is in the run folder)`;
}
