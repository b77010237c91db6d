import type { UpdateNotice } from '../contract/about-api.js';
import { checkPlan } from './check-plan.js';
import { updateFailure } from './failure.js';
import type { UpdateFeed } from './feed.js';
import { installPlan } from './install-plan.js';
import { updateNotice, type UpdateStatus } from './notice.js';

/** What the controller needs of electron-updater's `AppUpdater` (the platform's, or a test's). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void;
  checkForUpdates(): Promise<{ downloadPromise?: Promise<unknown> | null } | null>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
}

/** The app around the updater: its runs, its windows, the network, the clock. */
export interface UpdateHost {
  /** A run is going or waits in the queue. */
  runsBusy(): boolean;
  windowOpen(): boolean;
  online(): boolean;
  /** The state changed (a notice the shell may show); About reads {@link UpdateController.notice}. */
  onNotice?(notice: UpdateNotice): void;
  /** Milliseconds since the epoch (tests move it). */
  now?(): number;
  /** Calls `task` after `ms`; returns how to cancel it. Default: an unref'd setTimeout. */
  later?(task: () => void, ms: number): () => void;
}

const NOT_UPDATABLE =
  'Updates are off: this installation cannot update itself (on Linux only the AppImage and the deb package can); update it the way it was installed.';

const defaultLater = (task: () => void, ms: number) => {
  const timer = setTimeout(task, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Drives electron-updater from the machine policy's feed: checks on the policy's schedule,
 * downloads in the background, and installs only when {@link installPlan} says so (at quit, or
 * when the app idles in the background). Every decision is one of the pure functions beside it.
 */
export class UpdateController {
  private status: UpdateStatus;
  private lastCheckAt: number | null = null;
  private failures = 0;
  private checking = false;
  private offered: string | null = null;
  private ready: string | null = null;
  private cancelTimer: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly updater: UpdaterPort,
    private readonly feed: UpdateFeed,
    private readonly currentVersion: string,
    private readonly host: UpdateHost,
  ) {
    this.status = feed.on ? { state: 'idle' } : { state: 'off', reason: feed.reason };
  }

  /** Configures the updater from the feed and plans the first check (nothing when updates are off). */
  start(): void {
    if (!this.feed.on) return;
    const { updater } = this;
    updater.setFeedURL({ provider: 'generic', url: this.feed.url, channel: this.feed.channel });
    updater.autoDownload = true;
    updater.autoInstallOnAppQuit = true;
    // A channel named in the feed options must never take a computer back to an older version.
    updater.allowDowngrade = false;
    updater.on('update-available', (info) => {
      this.offered = info.version;
      this.set({ state: 'downloading', version: info.version, percent: null });
    });
    updater.on('download-progress', (progress) => {
      if (this.status.state === 'downloading')
        this.status = { ...this.status, percent: progress.percent };
    });
    updater.on('update-downloaded', (info) => {
      this.ready = info.version;
      this.considerInstall();
    });
    this.plan();
  }

  /** What About shows. */
  notice(): UpdateNotice {
    return updateNotice(this.status);
  }

  /** Asks the feed now and waits for the download it starts; failures become the status. */
  async checkNow(): Promise<void> {
    if (!this.feed.on || this.checking) return;
    this.checking = true;
    this.cancelTimer?.();
    this.lastCheckAt = this.now();
    this.set({ state: 'checking' });
    try {
      const result = await this.updater.checkForUpdates();
      if (result === null) {
        // electron-updater answers null when this install cannot update itself at all.
        this.stopped = true;
        this.set({ state: 'off', reason: NOT_UPDATABLE });
        return;
      }
      await result.downloadPromise;
      this.failures = 0;
      if (this.ready === null && this.status.state === 'checking')
        this.set({ state: 'up-to-date', current: this.currentVersion });
    } catch (error) {
      this.failures += 1;
      this.set({
        state: 'failed',
        failure: updateFailure(error),
        current: this.currentVersion,
        version: this.offered,
        feedHost: new URL(this.feed.url).host,
        retryInMs: this.nextDelay(),
      });
    } finally {
      this.checking = false;
      this.plan();
    }
  }

  /** The app calls this when its last run ends or its last window closes: an idle moment. */
  idle(): void {
    this.considerInstall();
  }

  /** The network came back (or went): decide again. */
  networkChanged(): void {
    this.plan();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private considerInstall(): void {
    if (this.ready === null) return;
    const plan = installPlan({
      ready: true,
      runsBusy: this.host.runsBusy(),
      windowOpen: this.host.windowOpen(),
    });
    if (plan === 'now' && !this.stopped) {
      // Silent, and the new version starts again: the app was idle in the background.
      this.updater.quitAndInstall(true, true);
      return;
    }
    this.set({ state: 'ready', version: this.ready, waitingForRuns: plan === 'after-runs' });
  }

  private nextDelay(): number {
    const plan = checkPlan(this.planState());
    return plan.action === 'wait' ? plan.ms : 0;
  }

  private planState() {
    return {
      now: this.now(),
      lastCheckAt: this.lastCheckAt,
      failures: this.failures,
      online: this.host.online(),
      busy: false,
      intervalMs: this.feed.on ? this.feed.intervalMs : 0,
    };
  }

  private plan(): void {
    if (!this.feed.on || this.stopped) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    const plan = checkPlan({ ...this.planState(), busy: this.checking });
    const later = this.host.later ?? defaultLater;
    if (plan.action === 'check') this.cancelTimer = later(() => void this.checkNow(), 0);
    else if (plan.action === 'wait') this.cancelTimer = later(() => this.plan(), plan.ms);
  }

  private now(): number {
    return this.host.now?.() ?? Date.now();
  }

  private set(status: UpdateStatus): void {
    const changed = status.state !== this.status.state;
    this.status = status;
    if (changed || status.state === 'ready' || status.state === 'failed')
      this.host.onNotice?.(updateNotice(status));
  }
}
