/**
 * Text made safe for a terminal. Every character a terminal would act on, or that can reorder,
 * hide or fake text, is replaced by a visible `\uXXXX` escape: JSON's and JavaScript's form, and
 * the only one used, so escaped JSON stays valid JSON with the same value. Escaped:
 *
 * - Controls (Unicode Cc): C0 U+0000–U+001F (ESC starts colour and cursor sequences, CR returns
 *   to the start of the line to overwrite it, BEL rings, BS steps back), DEL U+007F, and C1
 *   U+0080–U+009F (U+009B is a one-character CSI on many terminals, U+0085 a newline).
 * - Format characters (Cf): the bidirectional controls that reorder what is shown ("Trojan
 *   Source": U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the invisible ones that
 *   hide text or make two strings look alike (soft hyphen U+00AD, zero-width space U+200B, word
 *   joiner U+2060 and the invisible operators, U+FEFF, the tag characters U+E0000–U+E007F that
 *   carry invisible copies of ASCII, ...). The whole category is escaped, so format characters
 *   a later Unicode adds are too, except the few listed below.
 * - The line and paragraph separators U+2028, U+2029 (some terminals break lines at them), and
 *   lone surrogates, which cannot be written as UTF-8 and would silently become U+FFFD.
 *
 * Kept: TAB (it only moves right over blank cells; scripts print tables with it), LF where the
 * caller says the text spans lines ({@link TerminalTextOptions.multiline}), and of the format
 * characters only those real text needs and that cannot reorder or hide anything: the zero-width
 * non-joiner and joiner U+200C, U+200D (Persian and Indic words, emoji sequences) and the visible
 * prepended number signs of Arabic, Syriac and Kaithi (U+0600–U+0605, U+06DD, U+070F,
 * U+0890–U+0891, U+08E2, U+110BD, U+110CD). A backslash is not escaped, so a title holding the
 * six characters `\u202e` looks like an escaped U+202E; the exact value is in `--json` output.
 */

/** How {@link terminalText} treats line breaks. */
export interface TerminalTextOptions {
  /** The text is meant to span lines: keep LF (only LF) as a line break. Default: escape it. */
  multiline?: boolean;
}

/** Candidates: controls, format characters, line and paragraph separators, lone surrogates. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/gu;
/** Candidates that are kept: TAB, ZWNJ, ZWJ and the visible prepended number signs. */
const KEPT = new Set([
  0x09, 0x200c, 0x200d, 0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6dd, 0x70f, 0x890, 0x891, 0x8e2,
  0x110bd, 0x110cd,
]);

/** The `\uXXXX` escape of each UTF-16 unit (a character above U+FFFF becomes its surrogate pair). */
function escapeUnits(character: string): string {
  let escaped = '';
  for (let i = 0; i < character.length; i++)
    escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/** `text` with every character a terminal could act on, or reorder or hide text by, as `\uXXXX`. */
export function terminalText(text: string, options: TerminalTextOptions = {}): string {
  return text.replace(UNSAFE, (character) =>
    KEPT.has(character.codePointAt(0)!) || (character === '\n' && options.multiline)
      ? character
      : escapeUnits(character),
  );
}
