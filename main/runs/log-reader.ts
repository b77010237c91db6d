import { lstat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { openRegularFileOrRefusal } from '../shared/regular-file.js';
import { LogIndex, lineText, STDERR_MARK } from './log-index.js';
import { lineLevel, type LogLevel } from './log-levels.js';

/** Most bytes one read of lines looks at, and most text it returns: a reply stays small. */
export const READ_BYTES = 2 * 1024 * 1024;
/** Most bytes one search call looks through; the caller continues from `next`. */
export const SEARCH_BYTES = 8 * 1024 * 1024;
/** Bytes of the log one download call returns. */
export const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
/** Bytes read from the file at a time while indexing it. */
const INDEX_READ_BYTES = 1024 * 1024;

/** One line of a run's log as the run view gets it. */
export interface ReadLine {
  seq: number;
  stream: 'stdout' | 'stderr';
  line: string;
  level: LogLevel | null;
}

/**
 * Opens a run's `log.txt` for reading, or null. The run folder is the script's working folder,
 * so `log.txt` (or the folder) may have been swapped for a link or a FIFO: those are not followed
 * or waited on, and read as nothing.
 */
async function openLog(file: string): Promise<{ handle: FileHandle; size: number } | null> {
  if (!(await lstat(path.dirname(file)).catch(() => null))?.isDirectory()) return null;
  const opened = await openRegularFileOrRefusal(file).catch(() => null);
  if (opened === null || 'refused' in opened) return null;
  return { handle: opened.handle, size: opened.stats.size };
}

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The bytes of the indexed lines from line `from` on (the nearest remembered start before it). */
async function bytesFrom(
  handle: FileHandle,
  size: number,
  index: LogIndex,
  from: number,
  budget: number,
): Promise<{ bytes: Buffer; seq: number }> {
  const start = index.startBefore(from);
  const end = Math.min(index.bytes, size);
  const bytes = await readAt(
    handle,
    start.offset,
    Math.max(0, Math.min(budget, end - start.offset)),
  );
  return { bytes, seq: start.seq };
}

/** Indexes a finished run's log file from its start; null when it is not a regular file. */
export async function buildLogIndex(
  file: string,
): Promise<{ index: LogIndex; size: number } | null> {
  const opened = await openLog(file);
  if (!opened) return null;
  const { handle, size } = opened;
  try {
    const index = new LogIndex();
    let carried = Buffer.alloc(0);
    let position = 0;
    while (position < size) {
      const read = await readAt(handle, position, Math.min(INDEX_READ_BYTES, size - position));
      if (read.length === 0) break;
      position += read.length;
      const chunk = carried.length ? Buffer.concat([carried, read]) : read;
      const used = index.add(chunk);
      carried = Buffer.from(chunk.subarray(used));
    }
    return { index, size };
  } finally {
    await handle.close();
  }
}

/**
 * Lines `from` to `from + count - 1` of the log (fewer when the log is shorter, or when they hold
 * more than {@link READ_BYTES}: the caller asks again from the next one).
 */
export async function readLogLines(
  file: string,
  index: LogIndex,
  from: number,
  count: number,
  budget = READ_BYTES,
): Promise<ReadLine[]> {
  if (from > index.lines) return [];
  const opened = await openLog(file);
  if (!opened) return [];
  try {
    const { bytes, seq } = await bytesFrom(opened.handle, opened.size, index, from, budget);
    const lines: ReadLine[] = [];
    let start = 0;
    let text = 0;
    for (let number = seq; lines.length < count; number++) {
      const end = bytes.indexOf(0x0a, start);
      if (end < 0) break;
      if (number >= from) {
        text += end - start;
        if (text > READ_BYTES / 2 && lines.length > 0) break;
        lines.push(readLine(bytes, start, end, number));
      }
      start = end + 1;
    }
    return lines;
  } finally {
    await opened.handle.close();
  }
}

/** Bytes read first for one listed line: enough for it and the lines before it, as a rule. */
const LISTED_LINE_BYTES = 64 * 1024;

/**
 * The lines listed in `seqs` (ascending): each read with the lines around it, so lines close
 * together cost one read and lines far apart one small read each.
 */
export async function readListedLines(
  file: string,
  index: LogIndex,
  seqs: readonly number[],
): Promise<ReadLine[]> {
  const lines: ReadLine[] = [];
  let at = 0;
  while (at < seqs.length) {
    const first = seqs[at]!;
    let read = await readLogLines(file, index, first, 1000, LISTED_LINE_BYTES);
    if (read.length === 0) read = await readLogLines(file, index, first, 1);
    if (read.length === 0) break;
    const last = read.at(-1)!.seq;
    while (at < seqs.length && seqs[at]! <= last) {
      const line = read[seqs[at]! - first];
      if (line) lines.push(line);
      at += 1;
    }
  }
  return lines;
}

function readLine(bytes: Buffer, start: number, end: number, seq: number): ReadLine {
  const line = lineText(bytes, start, end);
  const stderr = bytes[start] === 0x21 && bytes[start + 1] === 0x20;
  return { seq, stream: stderr ? 'stderr' : 'stdout', line, level: lineLevel(line) };
}

/**
 * The numbers of lines from `from` on that contain `query` (literal text, any case), at most
 * `limit`, looking through at most {@link SEARCH_BYTES}; `next` is where to go on, or null when
 * the indexed log has been searched to its end.
 */
export async function searchLog(
  file: string,
  index: LogIndex,
  query: string,
  from: number,
  limit: number,
): Promise<{ matches: number[]; next: number | null }> {
  if (from > index.lines) return { matches: [], next: null };
  const opened = await openLog(file);
  if (!opened) return { matches: [], next: null };
  try {
    const { bytes, seq } = await bytesFrom(opened.handle, opened.size, index, from, SEARCH_BYTES);
    const complete = bytes.lastIndexOf(0x0a) + 1;
    // Lower-casing keeps every "\n" where it was, so counting them still gives line numbers.
    const text = bytes.toString('utf8', 0, complete).toLowerCase();
    const needle = query.toLowerCase();
    const matches: number[] = [];
    let number = seq;
    let lineStart = 0;
    let lineEnd = text.indexOf('\n');
    let found = text.indexOf(needle);
    while (found >= 0 && lineEnd >= 0) {
      while (lineEnd >= 0 && lineEnd < found) {
        lineStart = lineEnd + 1;
        lineEnd = text.indexOf('\n', lineStart);
        number += 1;
      }
      if (lineEnd < 0) break;
      // The stderr mark is ScriptDesk's, not the script's: a match inside it does not count.
      const marked = text.startsWith(STDERR_MARK, lineStart);
      if (number >= from && (!marked || found >= lineStart + STDERR_MARK.length)) {
        matches.push(number);
        if (matches.length === limit) return { matches, next: number + 1 };
      }
      found = text.indexOf(needle, lineEnd + 1);
    }
    const lastSearched = seq + countLines(bytes, complete) - 1;
    return { matches, next: lastSearched >= index.lines ? null : lastSearched + 1 };
  } finally {
    await opened.handle.close();
  }
}

function countLines(bytes: Buffer, end: number): number {
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0 && at < end; at = bytes.indexOf(0x0a, at + 1))
    lines += 1;
  return lines;
}

/**
 * Up to {@link DOWNLOAD_CHUNK_BYTES} of the log's indexed bytes from `offset`, ending at a line's
 * end (so no character is cut), and the offset of the next chunk, or null after the last.
 */
export async function readLogChunk(
  file: string,
  index: LogIndex,
  offset: number,
): Promise<{ text: string; next: number | null }> {
  const end = index.bytes;
  if (offset >= end) return { text: '', next: null };
  const opened = await openLog(file);
  if (!opened) return { text: '', next: null };
  try {
    const want = Math.min(DOWNLOAD_CHUNK_BYTES, end - offset, Math.max(0, opened.size - offset));
    const bytes = await readAt(opened.handle, offset, want);
    const cut = offset + bytes.length >= end ? bytes.length : bytes.lastIndexOf(0x0a) + 1;
    if (cut === 0) return { text: '', next: null };
    const next = offset + cut;
    return { text: bytes.toString('utf8', 0, cut), next: next >= end ? null : next };
  } finally {
    await opened.handle.close();
  }
}
