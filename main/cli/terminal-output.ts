import { terminalText } from '../shared/terminal-text.js';

/**
 * Where a command writes: the only way CLI text reaches stdout or stderr (the data streams of
 * `audit export` aside), so no title, message or file name can bypass {@link terminalText}.
 */
export interface Out {
  /**
   * One line for people. Control, bidi and invisible characters in it show as `\uXXXX`, a
   * newline too, so a value cannot start a line that looks like the command's own.
   */
  line(text: string): void;
  /**
   * A JSON document for programs, indented. It parses to exactly `value`: the characters a
   * terminal would act on are written as JSON's own `\uXXXX` escapes (JSON.stringify leaves DEL,
   * C1 and bidi controls raw).
   */
  json(value: unknown): void;
}

/** An {@link Out} handing each finished text, without its final newline, to `write`. */
export function terminalOutput(write: (safeText: string) => void): Out {
  return {
    line: (text) => write(terminalText(text)),
    json: (value) =>
      write(terminalText(JSON.stringify(value, null, 2) ?? 'null', { multiline: true })),
  };
}

/** Standard output, for results. */
export const stdout: Out = terminalOutput((text) => process.stdout.write(`${text}\n`));
/** Standard error, for progress, warnings and errors. */
export const stderr: Out = terminalOutput((text) => process.stderr.write(`${text}\n`));
