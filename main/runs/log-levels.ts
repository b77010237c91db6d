/** The level of a log line that needs attention; other lines have none. */
export type LogLevel = 'error' | 'warning';

/** How far into a line a level is looked for: a level is written near the start. */
const LOOK_CHARS = 160;

/** A level word: Python's `logging` names (CRITICAL counts as an error) and the usual short ones. */
const WORD = '(CRITICAL|FATAL|ERROR|WARNING|WARN)';

/**
 * Where the formats in use put the level. Only upper-case words count: "error" in prose is not a
 * level. In order: Python's default `ERROR:name:msg` (or `ERROR msg`, `ERROR - msg`) at the start;
 * a time stamp, maybe a logger name, then the level (`2026-12-07 10:00:00,123 ERROR ...`);
 * `[ERROR]` or `<ERROR>` anywhere near the start; ` - ERROR - ` (`%(name)s - %(levelname)s - ...`);
 * `level=error` of logfmt (the one lower-case form).
 */
const FORMATS = [
  new RegExp(`^${WORD}(?::|\\s|$)`),
  new RegExp(
    `^\\[?\\d{4}-\\d\\d-\\d\\d[ T]\\d\\d:\\d\\d(?::\\d\\d)?(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)?\\]?(?:\\s+[\\w.-]+)?\\s+(?:-\\s+)?${WORD}(?::|\\s|$)`,
  ),
  new RegExp(`[[<]${WORD}[\\]>]`),
  new RegExp(` - ${WORD} - `),
  /\blevel=(critical|fatal|error|warning|warn)\b/,
];

/** Quick test before the formats: no level word, no level (most lines). */
const ANY_WORD = /CRITICAL|FATAL|ERROR|WARN|level=/;

/**
 * The level of one log line as a script wrote it (stderr's "! " mark already taken off), or null
 * when it is not an error or warning line in a format this recognises.
 */
export function lineLevel(line: string): LogLevel | null {
  const head = line.length > LOOK_CHARS ? line.slice(0, LOOK_CHARS) : line;
  if (!ANY_WORD.test(head)) return null;
  for (const format of FORMATS) {
    const found = format.exec(head);
    if (found) return /^warn/i.test(found[1]!) ? 'warning' : 'error';
  }
  return null;
}

/** Counts of a log's lines by level. */
export interface LevelCounts {
  errors: number;
  warnings: number;
}
