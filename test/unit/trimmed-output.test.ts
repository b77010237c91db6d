import { describe, expect, it } from 'vitest';
import { trimmedLines } from '../../main/publishing/trimmed-output.js';

describe('trimmedLines (a failing test’s report under its error line)', () => {
  it('keeps a short report whole, without trailing blank lines', () => {
    expect(trimmedLines('Traceback\n  line\nAssertionError: 1 != 2\n\n')).toEqual([
      'Traceback',
      '  line',
      'AssertionError: 1 != 2',
    ]);
    expect(trimmedLines('')).toEqual([]);
  });

  it('keeps the first 5 and last 25 lines of a long one, saying how many were left out', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`);
    const trimmed = trimmedLines(lines.join('\n'));
    expect(trimmed).toHaveLength(31);
    expect(trimmed.slice(0, 5)).toEqual(lines.slice(0, 5));
    expect(trimmed[5]).toBe('… 70 lines left out …');
    expect(trimmed.slice(6)).toEqual(lines.slice(75));
  });

  it('cuts a very long line to 300 characters and says how long it was', () => {
    const [line] = trimmedLines('x'.repeat(5000));
    expect(line).toBe(`${'x'.repeat(300)}… (5000 characters)`);
  });
});
