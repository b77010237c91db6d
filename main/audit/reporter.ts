import { IngestResponseSchema, type EventResult } from './protocol.js';
import type { DeliveryStatus } from '../contract/api.js';
import type { AuditJournal } from './journal.js';

/** The keychain entry of the bearer token this computer sends to the audit endpoint. */
export const AUDIT_TOKEN_NAME = 'scriptdesk.audit-token';

export interface ReporterOptions {
  journal: AuditJournal;
  /** The endpoint's base URL; batches go to `v1/events` under it. */
  endpoint: string;
  /** The bearer token (from the keychain); null when it is not set on this computer. */
  token: () => Promise<string | null>;
  /** At most this many events per request (default 500). */
  batchSize?: number;
  /** And about this many bytes (default 4 MiB). */
  maxBatchBytes?: number;
  /** Backoff after a failure: from `minDelayMs` doubling up to `maxDelayMs`, with full jitter. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** One request's time limit (default 30 s). */
  timeoutMs?: number;
  random?: () => number;
  /** Told after every attempt, so the app can show the new state. */
  onChange?: () => void;
}

type Attempt = 'empty' | 'sent' | 'failed';

/**
 * Sends the journal's undelivered events to the audit endpoint in sequence order, in batches,
 * and marks them delivered only when the endpoint acknowledged each one (stored, or already
 * stored before: resending is always safe because the endpoint deduplicates by source and id).
 * Failures back off exponentially with full jitter and keep going until the endpoint is back.
 * Events the endpoint refuses for good (a bad signature, a conflicting id) are marked rejected,
 * flagged at the endpoint, and kept here; a refusal the endpoint says to retry (this computer's
 * key not approved yet) stops the batch and is retried later.
 */
export class AuditReporter {
  private readonly url: URL;
  private batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private failures = 0;
  private nextAttemptAt: Date | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private pendingWake = false;
  private sending: Promise<Attempt> | null = null;
  /** While a flush runs: when it must be over. */
  private deadline: Date | null = null;
  /** Aborted by {@link stop}: closing the app never waits for a slow endpoint. */
  private readonly abandon = new AbortController();

  constructor(private readonly options: ReporterOptions) {
    this.url = new URL(
      'v1/events',
      options.endpoint.endsWith('/') ? options.endpoint : `${options.endpoint}/`,
    );
    this.batchSize = options.batchSize ?? 500;
    this.maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
    this.minDelayMs = options.minDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.random = options.random ?? Math.random;
  }

  status(): DeliveryStatus {
    return {
      endpoint: this.options.endpoint,
      ...this.options.journal.deliveryState(),
      nextAttemptAt: this.nextAttemptAt?.toISOString() ?? null,
    };
  }

  /** Starts delivering in the background until {@link stop}; new events wake it up. */
  start(): void {
    if (this.running) return;
    const unsubscribe = this.options.journal.onAppend(() => this.wake());
    this.running = this.loop().finally(unsubscribe);
  }

  /** Something new to send: deliver it soon (a backoff in progress still runs its course). */
  wake(): void {
    this.pendingWake = true;
    if (this.nextAttemptAt === null) this.wakeUp?.();
  }

  /** Stops the background loop; a request in flight is abandoned (its events stay pending). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    this.abandon.abort();
    await this.running;
    await this.sending;
  }

  /**
   * Sends everything pending now and resolves with the state afterwards (`scriptdesk audit flush`,
   * and `scriptdesk run` before it exits). Failures are retried with the same backoff until
   * `deadline`; with `retry: false` the first failure ends it. No request outlasts the deadline
   * by more than a second. Never throws: what went wrong is in `lastError`.
   */
  async flush(deadline: Date, options: { retry?: boolean } = {}): Promise<DeliveryStatus> {
    this.deadline = deadline;
    try {
      for (;;) {
        const attempt = await this.attempt();
        if (attempt === 'empty') break;
        if (attempt === 'sent') continue;
        if (options.retry === false) break;
        const delay = this.nextDelay();
        if (Date.now() + delay >= deadline.getTime()) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    } finally {
      this.deadline = null;
    }
    this.nextAttemptAt = null;
    return this.status();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.pendingWake = false;
      const attempt = await this.attempt();
      if (this.stopped) return;
      if (attempt === 'sent') continue;
      if (attempt === 'empty') {
        if (!this.pendingWake) await this.sleep(null);
        continue;
      }
      const delay = this.nextDelay();
      this.nextAttemptAt = new Date(Date.now() + delay);
      this.options.onChange?.();
      await this.sleep(delay);
      this.nextAttemptAt = null;
    }
  }

  /** Waits `ms` (null: until woken); {@link stop} always ends the wait. */
  private sleep(ms: number | null): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = ms === null ? undefined : setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private nextDelay(): number {
    return backoffDelay(this.failures, this.minDelayMs, this.maxDelayMs, this.random);
  }

  /** One batch; concurrent callers (the loop and a flush) share the request in flight. */
  private attempt(): Promise<Attempt> {
    this.sending ??= this.sendBatch().finally(() => {
      this.sending = null;
      this.options.onChange?.();
    });
    return this.sending;
  }

  private async sendBatch(): Promise<Attempt> {
    const { journal } = this.options;
    const batch = journal.pending(this.batchSize, this.maxBatchBytes);
    if (batch.length === 0) return 'empty';
    const fail = (message: string): Attempt => {
      this.failures++;
      journal.recordFailure(message);
      return 'failed';
    };
    let token: string | null;
    try {
      token = await this.options.token();
    } catch (error) {
      return fail(
        `the audit token could not be read from the keychain: ${(error as Error).message}`,
      );
    }
    if (!token)
      return fail(
        'no audit token is set on this computer; an administrator sets it with: scriptdesk audit token set',
      );
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/cloudevents-batch+json',
          // Undelivered events, this batch included: how the server tells a device that went
          // quiet with events still to send (its silent-device alert) from one switched off.
          'scriptdesk-backlog': String(journal.deliveryState().pending),
        },
        body: `[${batch.map((event) => event.body).join(',')}]`,
        signal: AbortSignal.any([
          this.abandon.signal,
          AbortSignal.timeout(
            this.deadline
              ? Math.min(this.timeoutMs, Math.max(1000, this.deadline.getTime() - Date.now()))
              : this.timeoutMs,
          ),
        ]),
        // A redirect would carry the token and the records somewhere else: follow none.
        redirect: 'manual',
      });
      text = await response.text();
    } catch (error) {
      if (this.stopped) return 'failed'; // abandoned at shutdown: not the endpoint's failure
      return fail(`the audit endpoint ${this.url.origin} cannot be reached (${reasonOf(error)})`);
    }
    if (response.status >= 300 && response.status < 400)
      return fail(
        `the audit endpoint redirects (HTTP ${response.status}${response.headers.get('location') ? ` to ${oneLine(response.headers.get('location')!)}` : ''}); nothing is sent through a redirect, so IT must set audit.endpoint in the machine policy to the final address`,
      );
    if (response.status === 401)
      return fail(
        "the audit endpoint refused this computer's token; an administrator sets the right one with: scriptdesk audit token set",
      );
    if (response.status === 413 && this.batchSize > 1) {
      this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
      return fail(
        `the audit endpoint found the batch too large; sending ${this.batchSize} at a time`,
      );
    }
    if (![200, 403, 409, 422].includes(response.status))
      return fail(`the audit endpoint answered HTTP ${response.status}`);
    let results: EventResult[];
    try {
      results = IngestResponseSchema.parse(JSON.parse(text)).results;
    } catch {
      return fail(`the audit endpoint's answer (HTTP ${response.status}) is not a batch result`);
    }
    const seqOf = new Map(batch.map((event) => [event.id, event.seq]));
    const delivered: number[] = [];
    const rejected: { seq: number; reason: string }[] = [];
    let retryLater: string | null = null;
    for (const result of results) {
      const seq = result.id === null ? undefined : seqOf.get(result.id);
      if (seq === undefined) continue;
      if (result.status !== 'refused') delivered.push(seq);
      else if (result.retry) retryLater ??= result.message ?? result.reason ?? 'refused for now';
      else rejected.push({ seq, reason: (result.reason ?? 'refused').slice(0, 200) });
    }
    journal.recordDelivery({ delivered, rejected });
    if (retryLater)
      return fail(`the audit endpoint holds this computer's events back: ${oneLine(retryLater)}`);
    if (delivered.length + rejected.length === 0)
      return fail('the audit endpoint acknowledged none of the batch');
    this.failures = 0;
    return 'sent';
  }
}

function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return oneLine((cause?.message ?? (error as Error).message) || String(error));
}

function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, 300);
}

/**
 * How long to wait after `failures` failed attempts in a row: full jitter, a uniformly random
 * delay up to min(max, min × 2^(failures − 1)), so many laptops coming back online at once do not
 * hit the endpoint in step.
 */
export function backoffDelay(
  failures: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.max(1, Math.round(random() * ceiling));
}
