import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventPayload } from '../contract/api.js';
import type { OutputChunk, OutputStream } from './child-process.js';
import { LogIndex } from './log-index.js';
import { lineLevel } from './log-levels.js';

/** Lines kept in memory for `run.get` while a run is active. */
export const TAIL_LINES = 500;
/** Most lines one `run.log` event carries; a run writing faster has its older lines omitted. */
export const EVENT_LINES = 200;
/** How often buffered lines go to the file and to windows. */
export const EVENT_INTERVAL_MS = 100;
/** Log bytes buffered before they are handed to the file. */
const FILE_BUFFER_BYTES = 1024 * 1024;

type LogEvent = EventPayload<'run.log'>;
type Entry = LogEvent['lines'][number];

/** One read's lines as received, numbered from `first`. */
interface Block {
  stream: OutputStream;
  bytes: Buffer;
  first: number;
  lines: number;
}

/**
 * The log of one run: every line goes to `log.txt` in the run folder (stderr lines start with
 * "! "), numbered from 1; windows get batches of new lines a few times a second, never more than
 * {@link EVENT_LINES} per batch, and `run.get` gets the newest {@link TAIL_LINES}. Lines are kept
 * as the blocks they arrived in and only the newest are ever split, so a script printing 50 MB
 * costs the disk what it costs and the UI a bounded amount.
 */
export class RunLog {
  private seq = 0;
  /** The last line sent to windows. */
  private sent = 0;
  private readonly file: WriteStream;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** The newest blocks, holding at least the last TAIL_LINES lines. */
  private recent: Block[] = [];
  private recentLines = 0;
  private readonly timer: NodeJS.Timeout;
  /** The lines in the file so far: fed once the file has them, so a read finds what it indexes. */
  readonly index = new LogIndex();

  constructor(
    path: string,
    private readonly runId: string,
    private readonly emit: (payload: LogEvent) => void,
  ) {
    // A deep buffer: the file is written by libuv's threads while the pipe keeps being read; only a
    // disk that falls 4 MB behind makes the runner wait (and so the script).
    this.file = createWriteStream(path, {
      flags: 'a',
      mode: 0o600,
      highWaterMark: 4 * 1024 * 1024,
    });
    this.file.on('error', () => {}); // surfaced by close()
    this.timer = setInterval(() => {
      this.flushFile();
      this.flushEvents();
    }, EVENT_INTERVAL_MS);
    this.timer.unref();
  }

  /** How many lines were written so far (the `seq` of the newest). */
  get lines(): number {
    return this.seq;
  }

  /** Adds one read's lines; returns a promise while the file is behind, so the caller can wait. */
  write(stream: OutputStream, chunk: OutputChunk): Promise<void> | undefined {
    if (chunk.lines === 0) return undefined;
    const bytes = stream === 'stderr' ? markStderr(chunk.bytes) : chunk.bytes;
    this.parts.push(bytes);
    this.partsBytes += bytes.length;
    this.recent.push({ stream, bytes: chunk.bytes, first: this.seq + 1, lines: chunk.lines });
    this.recentLines += chunk.lines;
    this.seq += chunk.lines;
    while (this.recentLines - this.recent[0]!.lines >= TAIL_LINES) {
      this.recentLines -= this.recent.shift()!.lines;
    }
    if (this.partsBytes >= FILE_BUFFER_BYTES && !this.flushFile())
      return new Promise((resolve) => this.file.once('drain', resolve));
    return undefined;
  }

  /** The newest lines as the log file shows them, oldest first, and the `seq` of the last one. */
  tailLines(): { lines: string[]; seq: number } {
    const lines = this.newest(Math.min(this.seq, TAIL_LINES)).map((entry) =>
      entry.stream === 'stderr' ? `! ${entry.line}` : entry.line,
    );
    return { lines, seq: this.seq };
  }

  /** Sends what is buffered to the file and the windows, and closes the file. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.flushFile();
    this.flushEvents();
    await new Promise<void>((resolve, reject) =>
      this.file.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }

  /** The newest `count` lines (at most what `recent` holds), split out of their blocks. */
  private newest(count: number): Entry[] {
    const entries: Entry[] = [];
    for (let b = this.recent.length - 1; b >= 0 && entries.length < count; b--) {
      const block = this.recent[b]!;
      const lines = block.bytes.toString('utf8', 0, block.bytes.length - 1).split('\n');
      for (let i = lines.length - 1; i >= 0 && entries.length < count; i--)
        entries.push({
          seq: block.first + i,
          stream: block.stream,
          line: lines[i]!,
          level: lineLevel(lines[i]!),
        });
    }
    return entries.reverse();
  }

  private flushFile(): boolean {
    const parts = this.parts;
    if (parts.length === 0) return true;
    this.parts = [];
    this.partsBytes = 0;
    // Corked, the parts go to the file in one writev without being copied together first.
    this.file.cork();
    let ready = true;
    const last = parts.length - 1;
    for (const [i, part] of parts.entries())
      ready = this.file.write(part, i === last ? () => this.indexWritten(parts) : undefined);
    this.file.uncork();
    return ready;
  }

  /** Indexes parts once the file holds them (writes complete in order). */
  private indexWritten(parts: Buffer[]): void {
    for (const part of parts) this.index.add(part);
  }

  private flushEvents(): void {
    const unsent = this.seq - this.sent;
    if (unsent === 0) return;
    const lines = this.newest(Math.min(unsent, EVENT_LINES));
    this.sent = this.seq;
    this.emit({
      runId: this.runId,
      lines,
      omitted: unsent - lines.length,
      levels: this.index.levels,
    });
  }
}

/** Marks every line of stderr output with "! ". */
function markStderr(bytes: Buffer): Buffer {
  const text = bytes.toString('utf8', 0, bytes.length - 1);
  return Buffer.from(`! ${text.replaceAll('\n', '\n! ')}\n`, 'utf8');
}
