import { execFileSync } from 'node:child_process';
import { symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_STRIDE, LogIndex } from '../../main/runs/log-index.js';
import { lineLevel } from '../../main/runs/log-levels.js';
import {
  buildLogIndex,
  readListedLines,
  readLogChunk,
  readLogLines,
  searchLog,
} from '../../main/runs/log-reader.js';
import { tempDir } from '../support/temp.js';

describe('log levels', () => {
  it.each([
    ['ERROR:root:could not open the ledger', 'error'],
    ['WARNING:billing.export:3 rows skipped', 'warning'],
    ['CRITICAL:root:disk full', 'error'],
    ['2026-12-07 10:00:00,123 ERROR the upload failed', 'error'],
    ['2026-12-07 10:00:00,123 billing WARNING late file', 'warning'],
    ['2026-12-07T10:00:00.123Z - WARNING - slow answer', 'warning'],
    ['[ERROR] no such customer', 'error'],
    ['12:00:01 [WARN] retrying', 'warning'],
    ['billing.export - ERROR - timeout', 'error'],
    ['time=10:00 level=warning msg="late"', 'warning'],
  ] as const)('"%s" is an %s line', (line, level) => {
    expect(lineLevel(line)).toBe(level);
  });

  it.each([
    'Processed 40 rows without error',
    'INFO:root:ERROR handling is on', // the level is INFO; ERROR is in the message
    'error: lower case prose is not a level',
    'TERRORS of the deep',
    '',
  ])('"%s" has no level', (line) => {
    expect(lineLevel(line)).toBeNull();
  });
});

/** A log file of `count` numbered lines; every 10th a logging error, every 7th a stderr warning. */
async function writeLog(count: number): Promise<{ file: string; text: string }> {
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) {
    if (n % 10 === 0) lines.push(`ERROR:root:line ${n} failed`);
    else if (n % 7 === 0) lines.push(`! WARNING:root:line ${n} is late`);
    else lines.push(`line ${n} ${'é'.repeat(n % 5)}`);
  }
  const text = `${lines.join('\n')}\n`;
  const file = path.join(await tempDir(), 'log.txt');
  await writeFile(file, text);
  return { file, text };
}

describe('the log index', () => {
  it('counts lines and errors and warnings the same whether fed in pieces or built from the file', async () => {
    const { file, text } = await writeLog(1000);
    const built = (await buildLogIndex(file))!.index;
    const fed = new LogIndex();
    const bytes = Buffer.from(text);
    let carried = Buffer.alloc(0);
    for (let at = 0; at < bytes.length; at += 777) {
      const chunk = Buffer.concat([carried, bytes.subarray(at, at + 777)]);
      carried = Buffer.from(chunk.subarray(fed.add(chunk)));
    }
    for (const index of [built, fed]) {
      expect(index.lines).toBe(1000);
      expect(index.bytes).toBe(bytes.length);
      // 100 tens; sevens that are not tens: 142 - 14.
      expect(index.levels).toEqual({ errors: 100, warnings: 128 });
      expect(index.problems).toBe(228);
      expect(index.problemAt(0)).toBe(7);
      expect(index.problemAt(1)).toBe(10);
      expect(index.problemIndexFrom(11)).toBe(2);
    }
  });

  it('keeps a line start every 32 lines: about 250 KB for a million lines', () => {
    const index = new LogIndex();
    const block = Buffer.from('x\n'.repeat(100_000));
    for (let i = 0; i < 10; i++) index.add(block);
    expect(index.lines).toBe(1_000_000);
    expect(INDEX_STRIDE).toBe(32);
    expect(index.startBefore(1_000_000)).toEqual({ seq: 999_969, offset: 999_968 * 2 });
  });
});

describe('reading a log by its index', () => {
  it('reads any range of lines with their numbers, streams and levels', async () => {
    const { file } = await writeLog(5000);
    const { index } = (await buildLogIndex(file))!;
    const first = await readLogLines(file, index, 1, 3);
    expect(first).toEqual([
      { seq: 1, stream: 'stdout', line: 'line 1 é', level: null },
      { seq: 2, stream: 'stdout', line: 'line 2 éé', level: null },
      { seq: 3, stream: 'stdout', line: 'line 3 ééé', level: null },
    ]);
    const middle = await readLogLines(file, index, 4990, 1000);
    expect(middle.map((l) => l.seq)).toEqual(Array.from({ length: 11 }, (_, i) => 4990 + i));
    expect(middle[0]).toEqual({
      seq: 4990,
      stream: 'stdout',
      line: 'ERROR:root:line 4990 failed',
      level: 'error',
    });
    expect(middle.find((l) => l.seq === 4991)).toEqual({
      seq: 4991,
      stream: 'stderr',
      line: 'WARNING:root:line 4991 is late',
      level: 'warning',
    });
    expect(await readLogLines(file, index, 5001, 10)).toEqual([]);
    const listed = await readListedLines(file, index, [7, 10, 4991]);
    expect(listed.map((l) => [l.seq, l.level])).toEqual([
      [7, 'warning'],
      [10, 'error'],
      [4991, 'warning'],
    ]);
  });

  it('finds literal text in any case, from a line on, a bounded number at a time', async () => {
    const { file } = await writeLog(5000);
    const { index } = (await buildLogIndex(file))!;
    expect(await searchLog(file, index, 'LINE 4999 ', 1, 10)).toEqual({
      matches: [4999],
      next: null,
    });
    const failed = await searchLog(file, index, 'failed', 15, 3);
    expect(failed).toEqual({ matches: [20, 30, 40], next: 41 });
    // Regular-expression characters are plain text.
    expect((await searchLog(file, index, 'line .*', 1, 10)).matches).toEqual([]);
    // ScriptDesk's own stderr mark is not the script's text.
    expect((await searchLog(file, index, '! W', 1, 10)).matches).toEqual([]);
  });

  it('gives the whole file back in parts that end at line ends', async () => {
    const { file, text } = await writeLog(400_000);
    const { index } = (await buildLogIndex(file))!;
    const parts: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const chunk = await readLogChunk(file, index, offset);
      parts.push(chunk.text);
      offset = chunk.next;
    }
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((part) => part.endsWith('\n'))).toBe(true);
    expect(parts.join('')).toBe(text);
  });

  it('reads a log.txt swapped for a symbolic link or a FIFO as nothing, without waiting', async () => {
    const { file } = await writeLog(100);
    const { index } = (await buildLogIndex(file))!;
    const secret = path.join(await tempDir(), 'secret.txt');
    await writeFile(secret, 'line 1 not the log\n');
    await unlink(file);
    await symlink(secret, file);
    expect(await buildLogIndex(file)).toBeNull();
    expect(await readLogLines(file, index, 1, 10)).toEqual([]);
    expect(await searchLog(file, index, 'line', 1, 10)).toEqual({ matches: [], next: null });
    expect(await readLogChunk(file, index, 0)).toEqual({ text: '', next: null });
    await unlink(file);
    execFileSync('mkfifo', [file]);
    expect(await buildLogIndex(file)).toBeNull();
    expect(await readLogLines(file, index, 1, 10)).toEqual([]);
  });
});
