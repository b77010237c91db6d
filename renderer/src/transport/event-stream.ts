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
 * The events' schemas (and Zod with them), fetched when the stream first opens rather than with
 * the entry script: the window shows the catalogue without them.
 */
const loadEventSchemas = (): Promise<EventSchemas> =>
  import('../contract-values.js').then((module) => module.eventSchemas);

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

/**
 * One shared server-sent-events connection read with `fetch` (EventSource cannot send the
 * Authorization header). It opens with the first listener, closes with the last, and reconnects
 * with a growing delay whenever the stream ends or fails.
 */
export class EventStream {
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private controller: AbortController | undefined;

  constructor(private readonly options: EventStreamOptions) {}

  /** Adds a listener; the returned function removes it. */
  add(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.controller) {
      this.controller = new AbortController();
      void this.run(this.controller.signal);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.controller) {
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
    if (!event) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // One failing listener must not stop the stream for the others; surface it separately.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
