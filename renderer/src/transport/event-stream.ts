import type { ApiEvent, EventName, eventSchemas } from '../../../main/contract/api.js';
import { SseReader, type SseMessage } from './sse-reader.js';

/** Where and how to open the event stream. */
export interface EventStreamOptions {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  /** First reconnect delay; doubles up to {@link MAX_DELAY_MS} while the host stays away. */
  initialDelayMs?: number;
}

const MAX_DELAY_MS = 15_000;

type EventSchemas = typeof eventSchemas;

/**
 * Resolves once the page has painted its next frame (at once where there are no frames). The
 * window's first render opens the stream; evaluating Zod and the schemas (about 25 ms) before
 * that render is on screen would hold the first screen back for nothing.
 */
function afterNextPaint(): Promise<void> {
  if (typeof requestAnimationFrame !== 'function') return Promise.resolve();
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/**
 * The events' schemas (and Zod with them), fetched when the stream first opens, after the frame
 * that shows it, rather than with the entry script: the window shows the catalogue without them.
 */
const loadEventSchemas = (): Promise<EventSchemas> =>
  afterNextPaint()
    .then(() => import('../contract-values.js'))
    .then((module) => module.eventSchemas);

/** Parses one SSE message into an {@link ApiEvent}; anything not in the contract is dropped. */
export function toApiEvent(message: SseMessage, schemas: EventSchemas): ApiEvent | undefined {
  if (!Object.prototype.hasOwnProperty.call(schemas, message.event)) return undefined;
  const name = message.event as EventName;
  let payload: unknown;
  try {
    payload = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const parsed = schemas[name].safeParse(payload);
  return parsed.success ? ({ name, payload: parsed.data } as ApiEvent) : undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** One subscriber of the stream: its events, and what to do each time the stream opens. */
interface Subscriber {
  listener: (event: ApiEvent) => void;
  onOpen: (() => void) | undefined;
}

/**
 * One shared server-sent-events connection read with `fetch` (EventSource cannot send the
 * Authorization header). It opens with the first listener, closes with the last, and reconnects
 * with a growing delay whenever the stream ends or fails.
 *
 * Events pushed while no stream is open are lost: before the first connection (the schemas and
 * the stream are fetched after the window's first answers) and between a drop and the reconnect.
 * So each subscriber's `onOpen` is called every time a stream opens, for it to read again what it
 * read before; a subscriber added while a stream is already open missed nothing of it.
 */
export class EventStream {
  private readonly subscribers = new Set<Subscriber>();
  private controller: AbortController | undefined;

  constructor(private readonly options: EventStreamOptions) {}

  /** Adds a listener (and what to call whenever the stream opens); the returned function removes it. */
  add(listener: (event: ApiEvent) => void, onOpen?: () => void): () => void {
    const subscriber: Subscriber = { listener, onOpen };
    this.subscribers.add(subscriber);
    if (!this.controller) {
      this.controller = new AbortController();
      void this.run(this.controller.signal);
    }
    return () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0 && this.controller) {
        this.controller.abort();
        this.controller = undefined;
      }
    };
  }

  private async run(signal: AbortSignal): Promise<void> {
    const firstDelay = this.options.initialDelayMs ?? 1000;
    let baseDelay = firstDelay;
    let delay = baseDelay;
    let schemas: EventSchemas | undefined;
    while (!signal.aborted) {
      try {
        schemas ??= await loadEventSchemas();
        const known = schemas;
        const response = await this.options.fetch(this.options.url, {
          headers: { ...this.options.headers, Accept: 'text/event-stream' },
          cache: 'no-store',
          credentials: 'omit',
          signal,
        });
        if (response.ok && response.body) {
          delay = baseDelay;
          // The host subscribed this stream before answering: anything read from now on is
          // followed by its changes, and whatever was read before may have missed some.
          this.notify((subscriber) => subscriber.onOpen?.());
          const reader = response.body.getReader();
          const sse = new SseReader(
            (message) => this.dispatch(message, known),
            (retryMs) => {
              baseDelay = Math.min(Math.max(retryMs, 250), MAX_DELAY_MS);
            },
          );
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            sse.push(value);
          }
        } else {
          // A refused token will not become valid by retrying quickly.
          if (response.status === 401 || response.status === 403) delay = MAX_DELAY_MS;
          await response.body?.cancel().catch(() => {});
        }
      } catch {
        // Network failure or abort: fall through to the delay (or the loop's exit when aborted).
      }
      if (signal.aborted) return;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }

  private dispatch(message: SseMessage, schemas: EventSchemas): void {
    const event = toApiEvent(message, schemas);
    if (event) this.notify((subscriber) => subscriber.listener(event));
  }

  /** Calls `each` for every subscriber; one that throws does not stop the others. */
  private notify(each: (subscriber: Subscriber) => void): void {
    for (const subscriber of [...this.subscribers]) {
      try {
        each(subscriber);
      } catch (error) {
        // One failing listener must not stop the stream for the others; surface it separately.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
