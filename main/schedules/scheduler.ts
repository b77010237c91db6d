import { AUDIT_TYPES, type AuditJournal } from '../audit/journal.js';
import type { ApiEvent } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import type { Identity } from '../identity/identity.js';
import type { Runner } from '../runs/runner.js';
import { checkSchedule, type ScheduleCheckDeps } from './schedule-check.js';
import { decideDue, dueTimes, nextTime } from './schedule-rule.js';
import type { ScheduleStore, StoredSchedule } from './schedule-store.js';

/**
 * The longest the scheduler's one timer waits. A timer runs on the process's clock, which stops
 * while the computer sleeps and knows nothing of a changed wall clock: waking at least this often
 * notices both within a minute, and a wake-up after sleep finds its times late (see decideDue).
 */
export const MAX_TIMER_MS = 60_000;

/** Most missed times one `schedule.missed` event lists (it always counts them all). */
const MAX_LISTED_MISSED = 100;

export interface SchedulerDeps {
  store: ScheduleStore;
  check: ScheduleCheckDeps;
  runner: Pick<Runner, 'start'>;
  journal: AuditJournal;
  identity: Identity;
  emit: (event: ApiEvent) => void;
  logError: (message: string) => void;
  clock?: () => Date;
}

/**
 * Starts scheduled runs while the app (desktop or web host) runs: one timer, set for the soonest
 * time of any active schedule (at most a minute away), set again whenever schedules or the
 * catalogue change. Each due time is acted on once: a run through the runner's own admission,
 * journal and queue (as the analyst's Run), a `schedule.missed` record, or a pause with a notice
 * when the schedule can no longer run as set. Ticks never overlap.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private recheckPending = false;
  private readonly now: () => number;

  constructor(private readonly deps: SchedulerDeps) {
    const clock = deps.clock ?? (() => new Date());
    this.now = () => clock().getTime();
  }

  /** Acts on what is due now and sets the timer for what comes next. */
  start(): void {
    this.poke();
  }

  /**
   * Something changed (a schedule, the catalogue, the user's presets): act on it now. Schedules
   * that can no longer run as set are paused at once, not only when their time comes.
   */
  poke(recheck = false): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      this.recheckPending ||= recheck;
      return;
    }
    this.recheckPending ||= recheck;
    this.running = this.tick()
      .catch((error: unknown) =>
        this.deps.logError(
          `[scriptdesk] the scheduler failed: ${(error as Error).stack ?? String(error)}`,
        ),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.poke();
        } else this.arm();
      });
  }

  /** How many schedules are active (not paused): the desktop app stays in the tray for them. */
  activeCount(): number {
    return this.deps.store.list().filter((schedule) => !schedule.paused).length;
  }

  /** Resolves when no tick is running (tests wait for a tick's outcome this way). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Settles: no tick runs and no timer is set afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** The next time a schedule fires (ms), from what it has acted on; null while paused. */
  nextRunOf(schedule: StoredSchedule): number | null {
    if (schedule.paused) return null;
    return nextTime(schedule.rule, schedule.timeZone, Date.parse(schedule.checkedUntil));
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    const now = this.now();
    let soonest = now + MAX_TIMER_MS;
    for (const schedule of this.deps.store.list()) {
      const next = this.nextRunOf(schedule);
      if (next !== null && next < soonest) soonest = next;
    }
    this.timer = setTimeout(() => this.poke(), Math.max(0, soonest - now));
    // The host's server keeps the process alive; the scheduler alone must not.
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const recheck = this.recheckPending;
    this.recheckPending = false;
    for (const schedule of this.deps.store.list()) {
      if (this.closed) return;
      if (schedule.paused) continue;
      await this.actOn(schedule, recheck);
    }
  }

  private async actOn(schedule: StoredSchedule, recheck: boolean): Promise<void> {
    const now = this.now();
    const { times, more } = dueTimes(
      schedule.rule,
      schedule.timeZone,
      Date.parse(schedule.checkedUntil),
      now,
    );
    if (!times.length) {
      if (recheck) await this.pauseIfBroken(schedule);
      return;
    }
    const decision = decideDue(times, now, schedule.missedPolicy);
    const until = new Date(now).toISOString();
    if (decision.missed.length) {
      this.journalMissed(schedule, decision.missed, more);
    }
    if (!decision.run) {
      this.deps.store.checked(schedule.id, until);
      this.changed();
      return;
    }
    const check = await checkSchedule(this.deps.check, schedule);
    if (check.kind === 'pause') return this.pause(schedule, check.title, check.reason, until);
    if (check.kind === 'problem') {
      this.deps.store.checked(schedule.id, until, { problem: check.message });
      return this.changed();
    }
    // Written before the run starts: a crash now loses this one run rather than repeating it.
    this.deps.store.checked(schedule.id, until);
    const { dueAt, late, catchingUp } = decision.run;
    try {
      const { runId, finished } = await this.deps.runner.start(check.request, {
        kind: 'schedule',
        scheduleId: schedule.id,
        dueAt: new Date(dueAt).toISOString(),
        late,
        catchingUp,
      });
      this.deps.store.checked(schedule.id, until, { runId });
      void finished.then(() => this.changed());
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      if (error.code === 'invalid_inputs' || error.code === 'forbidden')
        return this.pause(schedule, check.title, error.message, until);
      // Refused this time (a secret not set, the journal unavailable…): said in the list; the
      // refusal itself is journaled by the runner.
      this.deps.store.checked(schedule.id, until, { problem: error.message });
    }
    this.changed();
  }

  private async pauseIfBroken(schedule: StoredSchedule): Promise<void> {
    const check = await checkSchedule(this.deps.check, schedule);
    if (check.kind === 'pause') this.pause(schedule, check.title, check.reason, null);
  }

  /** Pauses a schedule that cannot run as set, journals it and tells every window why. */
  private pause(
    schedule: StoredSchedule,
    title: string,
    reason: string,
    until: string | null,
  ): void {
    const at = new Date(this.now()).toISOString();
    if (until) this.deps.store.checked(schedule.id, until, { problem: null });
    this.deps.store.setPaused(schedule.id, { by: 'scriptdesk', reason, at }, at);
    this.journal(AUDIT_TYPES.schedulePaused, schedule, { reason }, 'a paused schedule');
    this.deps.emit({
      name: 'schedules.changed',
      payload: { paused: { scheduleId: schedule.id, title, reason } },
    });
  }

  private journalMissed(schedule: StoredSchedule, missed: number[], more: boolean): void {
    const times = missed.slice(-MAX_LISTED_MISSED).map((t) => new Date(t).toISOString());
    this.journal(
      AUDIT_TYPES.scheduleMissed,
      schedule,
      { missedPolicy: 'skip', times, count: missed.length, more },
      'missed times of a schedule',
    );
  }

  /** Journals a schedule's event; one the journal cannot take is logged (the schedule goes on). */
  private journal(
    type: string,
    schedule: StoredSchedule,
    data: Record<string, unknown>,
    what: string,
  ): void {
    const { scriptId } = schedule;
    const { user, host } = this.deps.identity;
    try {
      this.deps.journal.append(type, scriptId, {
        scheduleId: schedule.id,
        scriptId,
        user,
        host,
        ...data,
      });
    } catch (error) {
      this.deps.logError(
        `[scriptdesk] ${what} of ${scriptId} could not be journaled: ${(error as Error).message}`,
      );
    }
  }

  private changed(): void {
    this.deps.emit({ name: 'schedules.changed', payload: { paused: null } });
  }
}
