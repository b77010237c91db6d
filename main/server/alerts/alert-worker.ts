import { backoffDelay } from '../../audit/reporter.js';
import type { AlertQueue, ClaimedDelivery, DeliveryOutcome } from '../audit/alert-queue.js';
import type { AlertsConfig, AlertTarget } from './alert-config.js';
import { webhookRequest } from './alert-payload.js';
import { silentAlerts } from './alert-rules.js';

/** What tests (and only they) change: the clock, the retry delays, how often the queue is polled. */
export interface AlertTiming {
  now?: () => Date;
  /** Milliseconds before retry number `failures` (1 = after the first failure). */
  retryDelay?: (failures: number) => number;
  /** Longest wait between looks at the queue; default 5 s (new alerts also wake the worker). */
  pollMs?: number;
}

export interface AlertWorkerOptions {
  queue: AlertQueue;
  config: AlertsConfig;
  targets: AlertTarget[];
  timing?: AlertTiming;
  /** One line per problem of the worker itself (never a URL, secret or body). */
  log: (line: string) => void;
}

/** Deliveries taken per look at the queue. */
const CLAIM_BATCH = 20;

/**
 * Delivers the queued alerts: takes due deliveries, POSTs each to its target with a timeout, and
 * records `delivered`, `failed-retrying` (due again after an exponential, jittered, capped delay)
 * or `gave-up` (after `maxAttempts`). A delivery marked delivered is never sent again. Stopping
 * waits for the requests in flight, so a graceful stop leaves nothing half-done; after a crash,
 * `start` puts deliveries left `delivering` back in line (a receiver may then see one twice and
 * de-duplicates by the alert id). Also runs the silent-device check every `silentCheckMinutes`.
 */
export class AlertWorker {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private silentTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private readonly now: () => Date;
  private readonly retryDelay: (failures: number) => number;
  private readonly pollMs: number;
  private readonly targets: Map<string, AlertTarget>;

  constructor(private readonly options: AlertWorkerOptions) {
    const delivery = options.config.delivery;
    this.now = options.timing?.now ?? (() => new Date());
    this.retryDelay =
      options.timing?.retryDelay ??
      ((failures) =>
        backoffDelay(failures, delivery.firstRetrySeconds * 1000, delivery.maxRetrySeconds * 1000));
    this.pollMs = options.timing?.pollMs ?? 5000;
    this.targets = new Map(options.targets.map((target) => [target.name, target]));
  }

  async start(): Promise<void> {
    await this.options.queue.recover(this.now().toISOString());
    await this.checkSilence();
    this.silentTimer = setInterval(
      () => void this.checkSilence(),
      this.options.config.silentCheckMinutes * 60_000,
    );
    this.silentTimer.unref();
    this.wake();
  }

  /** Looks at the queue now (after an ingest wrote alerts). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .catch((error: unknown) => this.options.log(`alert delivery: ${messageOf(error)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.schedule();
      });
  }

  /** The silent-device check: queues an alert for each device silent past a rule's days. */
  async checkSilence(): Promise<void> {
    if (!this.options.config.rules.some((rule) => rule.on === 'device-silent')) return;
    try {
      const now = this.now();
      const alerts = silentAlerts(
        await this.options.queue.deviceReports(),
        now,
        this.options.config,
      );
      if (alerts.length === 0) return;
      await this.options.queue.enqueue(alerts, now.toISOString());
      this.wake();
    } catch (error) {
      this.options.log(`silent-device check: ${messageOf(error)}`);
    }
  }

  /** Stops taking work and waits for the requests in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.silentTimer);
    await this.running;
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    let wait = this.pollMs;
    try {
      const next = await this.options.queue.nextDue();
      if (next !== null)
        wait = Math.min(wait, Math.max(0, Date.parse(next) - this.now().getTime()));
    } catch (error) {
      this.options.log(`alert delivery: ${messageOf(error)}`);
    }
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), wait);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const claimed = await this.options.queue.claimDue(this.now().toISOString(), CLAIM_BATCH);
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    }
  }

  private async deliver(delivery: ClaimedDelivery): Promise<void> {
    const target = this.targets.get(delivery.target);
    const error = target
      ? await this.send(delivery, target)
      : `target "${delivery.target}" is no longer in the server config`;
    const at = this.now();
    const outcome: DeliveryOutcome = {
      alertId: delivery.alertId,
      target: delivery.target,
      state: 'delivered',
    };
    if (error !== null) {
      const giveUp = !target || delivery.attempts >= this.options.config.delivery.maxAttempts;
      outcome.state = giveUp ? 'gave-up' : 'failed-retrying';
      outcome.error = `attempt ${delivery.attempts}: ${error}`;
      if (!giveUp)
        outcome.nextAt = new Date(at.getTime() + this.retryDelay(delivery.attempts)).toISOString();
    }
    await this.options.queue.settle(outcome, at.toISOString());
  }

  /** One POST; null when the target took it (2xx), else what went wrong, fit to store. */
  private async send(delivery: ClaimedDelivery, target: AlertTarget): Promise<string | null> {
    const request = webhookRequest(delivery, target, this.now());
    const timeoutMs = this.options.config.delivery.timeoutSeconds * 1000;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return null;
      return `the target answered HTTP ${response.status}`;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError')
        return `no answer within ${this.options.config.delivery.timeoutSeconds} s`;
      return `the target could not be reached or did not answer in HTTP (${causeOf(error)})`;
    }
  }
}

/** The reason of a failed fetch without the URL (it may hold a secret, as Slack's do). */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return 'network error';
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
}
