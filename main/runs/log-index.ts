import { lineLevel, type LevelCounts, type LogLevel } from './log-levels.js';

/** Lines between two remembered line starts: reading a line reads at most this many before it. */
export const INDEX_STRIDE = 32;

/** stderr lines in `log.txt` start with this (see run-log.ts). */
export const STDERR_MARK = '! ';

/** Finds the lines that may carry a level, so most lines are never decoded on their own. */
const CANDIDATE = /CRITICAL|FATAL|ERROR|WARN|level=/g;

/** Bytes of a line decoded to look for its level (a level is written near the start). */
const LEVEL_BYTES = 512;

/**
 * Where the lines of a run's `log.txt` start, and which of them are errors and warnings, kept
 * small enough to hold for a log of any length: the byte offset of every {@link INDEX_STRIDE}th
 * line (8 bytes per 32 lines: 250 KB for a million lines) and the numbers of the error and
 * warning lines (4 bytes each). It is fed whole lines exactly as they are in the file, in order.
 */
export class LogIndex {
  /** Lines indexed (the `seq` of the last one). */
  lines = 0;
  /** Bytes indexed: the length of the file up to the end of the last indexed line. */
  bytes = 0;
  private readonly counts: LevelCounts = { errors: 0, warnings: 0 };
  private starts = new Float64Array(1024);
  private problemSeqs = new Uint32Array(256);
  private problemCount = 0;

  /** The error and warning lines counted so far. */
  get levels(): LevelCounts {
    return { ...this.counts };
  }

  /** How many lines are errors or warnings (the length of {@link problemAt}'s list). */
  get problems(): number {
    return this.problemCount;
  }

  /** The `seq` of the `index`th (from 0) error or warning line. */
  problemAt(index: number): number | undefined {
    return index >= 0 && index < this.problemCount ? this.problemSeqs[index] : undefined;
  }

  /** The position in the error and warning list of the first such line at or after `seq`. */
  problemIndexFrom(seq: number): number {
    let low = 0;
    let high = this.problemCount;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.problemSeqs[middle]! < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Where to start reading to reach line `seq`: a remembered line start at or before it. */
  startBefore(seq: number): { seq: number; offset: number } {
    const slot = Math.floor((Math.max(1, Math.min(seq, this.lines)) - 1) / INDEX_STRIDE);
    return { seq: slot * INDEX_STRIDE + 1, offset: this.lines === 0 ? 0 : this.starts[slot]! };
  }

  /**
   * Indexes `chunk`'s complete lines (it is the file's bytes from {@link bytes} on) and returns
   * how many bytes that was: a cut last line is left for the next call.
   */
  add(chunk: Buffer): number {
    // Latin-1 keeps one character per byte, so positions in the text are offsets in the file.
    const text = chunk.toString('latin1');
    CANDIDATE.lastIndex = 0;
    let candidate = CANDIDATE.exec(text)?.index ?? Infinity;
    let start = 0;
    for (;;) {
      const end = text.indexOf('\n', start);
      if (end < 0) break;
      if (this.lines % INDEX_STRIDE === 0) this.remember(this.bytes + start);
      this.lines += 1;
      if (candidate < end) {
        const level = lineLevel(lineText(chunk, start, Math.min(end, start + LEVEL_BYTES)));
        if (level) this.count(level);
        CANDIDATE.lastIndex = end;
        candidate = CANDIDATE.exec(text)?.index ?? Infinity;
      }
      start = end + 1;
    }
    this.bytes += start;
    return start;
  }

  private remember(offset: number): void {
    const slot = this.lines / INDEX_STRIDE;
    if (slot === this.starts.length) {
      const grown = new Float64Array(this.starts.length * 2);
      grown.set(this.starts);
      this.starts = grown;
    }
    this.starts[slot] = offset;
  }

  private count(level: LogLevel): void {
    if (level === 'error') this.counts.errors += 1;
    else this.counts.warnings += 1;
    if (this.problemCount === this.problemSeqs.length) {
      const grown = new Uint32Array(this.problemSeqs.length * 2);
      grown.set(this.problemSeqs);
      this.problemSeqs = grown;
    }
    this.problemSeqs[this.problemCount++] = this.lines;
  }
}

/** The text of the line at `start`..`end` of `bytes`, without stderr's mark. */
export function lineText(bytes: Buffer, start: number, end: number): string {
  const marked = bytes[start] === 0x21 && bytes[start + 1] === 0x20; // "! "
  return bytes.toString('utf8', marked ? start + 2 : start, end);
}
