import { describe, expect, it } from 'vitest';
import { terminalOutput } from '../../main/cli/terminal-output.js';
import { terminalText } from '../../main/shared/terminal-text.js';

/** Every escape the function may write: nothing else in its output is a control or format character. */
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/u;
/** The candidates kept on purpose: TAB, ZWNJ, ZWJ and the visible prepended number signs. */
const KEPT = [
  0x09, 0x200c, 0x200d, 0x600, 0x601, 0x602, 0x603, 0x604, 0x605, 0x6dd, 0x70f, 0x890, 0x891, 0x8e2,
  0x110bd, 0x110cd,
];

describe('terminalText escapes what a terminal would act on, and keeps real text', () => {
  it.each([
    ['ESC starting a colour sequence', 'red\u001b[31m!', 'red\\u001b[31m!'],
    ['an OSC title sequence ended by BEL', '\u001b]0;pwned\u0007', '\\u001b]0;pwned\\u0007'],
    ['CR, which would overwrite the line', 'ok\rFAILED', 'ok\\u000dFAILED'],
    ['LF in a one-line value', 'one\ntwo', 'one\\u000atwo'],
    ['NUL, BS, VT, FF', 'a\u0000b\u0008c\u000bd\u000ce', 'a\\u0000b\\u0008c\\u000bd\\u000ce'],
    ['DEL', 'x\u007f', 'x\\u007f'],
    ['C1 controls: NEL and the one-character CSI', '\u0085\u009b31m', '\\u0085\\u009b31m'],
    ['right-to-left override', 'invoice\u202etxt.exe', 'invoice\\u202etxt.exe'],
    [
      'the other bidi embeddings, overrides and pop',
      '\u202a\u202b\u202c\u202d',
      '\\u202a\\u202b\\u202c\\u202d',
    ],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['bidi marks LRM, RLM, ALM', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['line and paragraph separators', '\u2028\u2029', '\\u2028\\u2029'],
    [
      'invisible characters: soft hyphen, zero-width space, word joiner, BOM',
      'pay\u00adp\u200ba\u2060l\ufeff',
      'pay\\u00adp\\u200ba\\u2060l\\ufeff',
    ],
    ['invisible operators', '\u2061\u2062\u2063\u2064', '\\u2061\\u2062\\u2063\\u2064'],
    ['the Mongolian vowel separator', '\u180e', '\\u180e'],
    ['interlinear annotation marks', '\ufff9\ufffa\ufffb', '\\ufff9\\ufffa\\ufffb'],
    ['tag characters hiding ASCII', 'hi\u{e0041}\u{e007f}', 'hi\\udb40\\udc41\\udb40\\udc7f'],
    ['lone surrogates', 'a\ud800b\udc00', 'a\\ud800b\\udc00'],
  ])('%s', (_name, input, expected) => {
    expect(terminalText(input)).toBe(expected);
    expect(terminalText(input)).not.toMatch(RAW_UNSAFE);
  });

  it.each([
    ['plain ASCII and punctuation', 'Monthly report (v2) — 100% [ok] \\ "x"'],
    ['TAB, which only moves right', 'id\ttitle'],
    ['accents, CJK, right-to-left letters', 'Café 報告 تقرير דוח'],
    ['an emoji joined with ZWJ, and one with a variation selector', '👩‍💻 ❤️ 😀'],
    ['a Persian word with a zero-width non-joiner', 'می‌خواهم'],
    ['an Arabic number sign before digits', '\u0600123'],
  ])('keeps %s', (_name, input) => {
    expect(terminalText(input)).toBe(input);
  });

  it('keeps LF only in text the caller marks as multi-line, and still escapes CR there', () => {
    expect(terminalText('a\nb\r\nc', { multiline: true })).toBe('a\nb\\u000d\nc');
    expect(terminalText('a\nb')).toBe('a\\u000ab');
  });

  it('leaves no control, format or separator character of any code point raw, but the few it keeps', () => {
    const kept = new Set(KEPT);
    let escaped = 0;
    for (let code = 0; code <= 0x10ffff; code++) {
      const character = String.fromCodePoint(code);
      if (!RAW_UNSAFE.test(character)) continue;
      const shown = terminalText(character);
      if (kept.has(code)) expect(shown).toBe(character);
      else {
        expect(shown, `U+${code.toString(16)}`).toMatch(/^(\\u[0-9a-f]{4})+$/);
        escaped++;
      }
    }
    // C0 but TAB (31), DEL and C1 (33), 2048 lone surrogates, the separators and Cf but the kept.
    expect(escaped).toBeGreaterThan(31 + 33 + 2048 + 2 + 150);
  });
});

describe('terminalOutput writes lines for people and JSON for programs', () => {
  const hostile = 'Sales\u202e\u001b[31m\u0007\r\n\u0085\u2028\u{e0041}\ud800 report';

  it('prints a hostile value on one line, escaped', () => {
    const written: string[] = [];
    terminalOutput((text) => written.push(text)).line(`title: ${hostile}`);
    expect(written).toEqual([
      'title: Sales\\u202e\\u001b[31m\\u0007\\u000d\\u000a\\u0085\\u2028\\udb40\\udc41\\ud800 report',
    ]);
  });

  it('prints JSON that parses to exactly the value, indented, with no raw control character', () => {
    const written: string[] = [];
    const value = { title: hostile, list: [1, 'two'], nested: { empty: '' } };
    terminalOutput((text) => written.push(text)).json(value);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0]!)).toEqual(value);
    expect(written[0]!.replaceAll('\n', '')).not.toMatch(RAW_UNSAFE);
    expect(written[0]).toContain('\n  "title": ');
  });
});
