import { createWriteStream, type WriteStream } from 'node:fs';
import type { EventPayload } from '../contract/api.js';
import type { OutputStream } from './child-process.js';

/** Lines kept in memory for `run.get` while a run is active. */
export const TAIL_LINES = 500;
/** Most lines one `run.log` event carries; a run writing faster has its older lines omitted. */
export const EVENT_LINES = 200;
/** How often buffered lines go to windows. */
export const EVENT_INTERVAL_MS = 100;
/** Log text buffered before it is handed to the file. */
const FILE_BUFFER_CHARS = 256 * 1024;

type LogEvent = EventPayload<'run.log'>;
type Entry = LogEvent['lines'][number];

/**
 * The log of one run: every line goes to `log.txt` in the run folder (stderr lines start with
 * "! "), numbered from 1; windows get batches of new lines a few times a second, never more than
 * {@link EVENT_LINES} per batch, and the newest {@link TAIL_LINES} stay in memory for `run.get`.
 * So a script printing 50 MB costs the disk what it costs, and the UI a bounded amount.
 */
export class RunLog {
  private seq = 0;
  private readonly file: WriteStream;
  private parts: string[] = [];
  private partsChars = 0;
  private batch: Entry[] = [];
  private omitted = 0;
  private readonly tail: string[] = new Array<string>(TAIL_LINES);
  private readonly timer: NodeJS.Timeout;

  constructor(
    path: string,
    private readonly runId: string,
    private readonly emit: (payload: LogEvent) => void,
  ) {
    this.file = createWriteStream(path, { flags: 'a', mode: 0o600 });
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

  /** Adds lines; returns a promise while the file is behind, so the caller can wait. */
  write(stream: OutputStream, lines: readonly string[]): Promise<void> | undefined {
    const count = lines.length;
    if (count === 0) return undefined;
    const first = this.seq + 1;
    const prefix = stream === 'stderr' ? '! ' : '';
    const text = prefix + lines.join(`\n${prefix}`) + '\n';
    this.parts.push(text);
    this.partsChars += text.length;
    // Only the newest lines of a large read can matter to the tail and to windows.
    for (let i = Math.max(0, count - TAIL_LINES); i < count; i++)
      this.tail[(first + i) % TAIL_LINES] = prefix + lines[i]!;
    const skipped = Math.max(0, count - EVENT_LINES);
    if (skipped > 0) {
      // Lines left out come before the ones sent, so what is already batched goes too.
      this.omitted += this.batch.length + skipped;
      this.batch = [];
    } else if (this.batch.length + count > 2 * EVENT_LINES) {
      const drop = this.batch.length + count - EVENT_LINES;
      this.omitted += drop;
      this.batch.splice(0, drop);
    }
    for (let i = skipped; i < count; i++)
      this.batch.push({ seq: first + i, stream, line: lines[i]! });
    this.seq += count;
    if (this.partsChars >= FILE_BUFFER_CHARS && !this.flushFile())
      return new Promise((resolve) => this.file.once('drain', resolve));
    return undefined;
  }

  /** The newest lines, oldest first, and the `seq` of the last one. */
  tailLines(): { lines: string[]; seq: number } {
    const count = Math.min(this.seq, TAIL_LINES);
    const lines: string[] = [];
    for (let seq = this.seq - count + 1; seq <= this.seq; seq++)
      lines.push(this.tail[seq % TAIL_LINES]!);
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

  private flushFile(): boolean {
    if (this.parts.length === 0) return true;
    const text = this.parts.join('');
    this.parts = [];
    this.partsChars = 0;
    return this.file.write(text);
  }

  private flushEvents(): void {
    if (this.batch.length === 0 && this.omitted === 0) return;
    let lines = this.batch;
    let omitted = this.omitted;
    if (lines.length > EVENT_LINES) {
      omitted += lines.length - EVENT_LINES;
      lines = lines.slice(-EVENT_LINES);
    }
    this.batch = [];
    this.omitted = 0;
    this.emit({ runId: this.runId, lines, omitted });
  }
}
