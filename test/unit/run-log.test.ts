import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventPayload } from '../../main/contract/api.js';
import { MAX_LINE_CHARS, normalise } from '../../main/runs/child-process.js';
import { EVENT_LINES, RunLog, TAIL_LINES } from '../../main/runs/run-log.js';
import { tempDir } from '../support/temp.js';

async function logWith(writes: [stream: 'stdout' | 'stderr', count: number][]) {
  const file = path.join(await tempDir(), 'log.txt');
  const events: EventPayload<'run.log'>[] = [];
  const log = new RunLog(file, 'run-1', (payload) => events.push(payload));
  let n = 0;
  for (const [stream, count] of writes) {
    const lines = Array.from({ length: count }, () => `line ${++n}`);
    await log.write(stream, { bytes: Buffer.from(lines.join('\n') + '\n'), lines: count });
  }
  const tail = log.tailLines();
  await log.close();
  return { events, tail, text: await readFile(file, 'utf8'), total: n };
}

describe('reading output', () => {
  it('counts lines, drops a carriage return before a newline and breaks lines over the cap', () => {
    const read = (text: string) => {
      const { bytes, lines } = normalise(Buffer.from(text));
      return { text: bytes.toString(), lines };
    };
    expect(read('a\r\nb\n\n')).toEqual({ text: 'a\nb\n\n', lines: 3 });
    const long = 'x'.repeat(MAX_LINE_CHARS * 2 + 5);
    expect(read(`${long}\nend\n`)).toEqual({
      text: `${'x'.repeat(MAX_LINE_CHARS)}\n${'x'.repeat(MAX_LINE_CHARS)}\nxxxxx\nend\n`,
      lines: 4,
    });
    // A line of multi-byte characters under the cap in characters stays whole.
    const accents = 'é'.repeat(MAX_LINE_CHARS);
    expect(read(`${accents}\n`)).toEqual({ text: `${accents}\n`, lines: 1 });
  });
});

describe('the run log', () => {
  it('writes every line to the file in order, stderr lines marked with "! "', async () => {
    const { text } = await logWith([
      ['stdout', 2],
      ['stderr', 1],
      ['stdout', 1],
    ]);
    expect(text).toBe('line 1\nline 2\n! line 3\nline 4\n');
  });

  it('numbers lines from 1 and sends each at most once, newest last, counting those left out', async () => {
    const { events, total } = await logWith([
      ['stdout', 150],
      ['stderr', 150],
      ['stdout', 5000],
      ['stdout', 3],
    ]);
    const sent = events.flatMap((e) => e.lines.map((l) => l.seq));
    const omitted = events.reduce((n, e) => n + e.omitted, 0);
    expect(sent.length + omitted).toBe(total);
    expect(omitted).toBeGreaterThan(0); // more lines than one batch carries arrived between flushes
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.at(-1)).toBe(total);
    expect(events.every((e) => e.lines.length <= EVENT_LINES)).toBe(true);
    // Within a batch there is no gap: the omitted lines all come before it.
    for (const e of events)
      e.lines.forEach((l, i) => i > 0 && expect(l.seq).toBe(e.lines[i - 1]!.seq + 1));
  });

  it('keeps the newest lines in memory with the seq of the last one', async () => {
    const { tail, total } = await logWith([
      ['stdout', 700],
      ['stderr', 2],
    ]);
    expect(tail.seq).toBe(total);
    expect(tail.lines).toHaveLength(TAIL_LINES);
    expect(tail.lines.at(-1)).toBe(`! line ${total}`);
    expect(tail.lines[0]).toBe(`line ${total - TAIL_LINES + 1}`);
  });
});
