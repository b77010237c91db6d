/** One server-sent event as received: its `event:` name (default `message`) and joined `data:` lines. */
export interface SseMessage {
  event: string;
  data: string;
}

/**
 * Turns a server-sent-events byte stream, delivered in arbitrary chunks, into messages, following
 * the HTML event-stream rules: `event:`/`data:`/`retry:` fields, `:` comment lines (pings) ignored,
 * a blank line ends a message. `onRetry` receives a `retry:` delay in milliseconds.
 */
export class SseReader {
  private readonly decoder = new TextDecoder();
  private pending = '';
  private event = '';
  private data: string[] = [];
  /** The previous chunk ended in `\r`, so a `\n` starting the next one belongs to that line end. */
  private endedWithCr = false;

  constructor(
    private readonly onMessage: (message: SseMessage) => void,
    private readonly onRetry: (delayMs: number) => void = () => {},
  ) {}

  /** Feeds the next chunk of the stream. */
  push(chunk: Uint8Array): void {
    let text = this.decoder.decode(chunk, { stream: true });
    if (!text) return;
    if (this.endedWithCr && text.startsWith('\n')) text = text.slice(1);
    this.endedWithCr = text.endsWith('\r');
    const lines = (this.pending + text).split(/\r\n|\r|\n/);
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length)
        this.onMessage({ event: this.event || 'message', data: this.data.join('\n') });
      this.event = '';
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) this.onRetry(Number(value));
  }
}
