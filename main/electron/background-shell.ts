import type { BackgroundChoice } from '../contract/preferences.js';
import type { RunStatus } from '../contract/run-schemas.js';
import type { OsName } from '../platform/os.js';
import {
  afterLastWindowClosed,
  runsInProgressAfter,
  staysInBackground,
  trayMenu,
  type TrayMenuItem,
} from './background-policy.js';

/** The part of Electron's `Tray` the shell uses. */
export interface TrayLike<Menu> {
  setToolTip(text: string): void;
  setContextMenu(menu: Menu): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

/** What the background keeper lends from the shell: Electron's objects behind small functions. */
export interface BackgroundDeps<Menu> {
  os: OsName;
  /** How many schedules the user has now. */
  scheduleCount: () => number;
  /** `new Tray(icon)` with the OS's icon (`trayIconFile`). */
  createTray(): TrayLike<Menu>;
  /** `Menu.buildFromTemplate` for the model's items; `select` is called with the chosen action. */
  buildMenu(items: readonly TrayMenuItem[], select: (id: 'open' | 'quit') => void): Menu;
  /** Brings the window forward, creating it if it was closed. */
  showWindow(): void;
  /** `app.quit()`. */
  quit(): void;
}

/**
 * Keeps the tray icon in step with the setting, the schedules and the runs in progress, and
 * decides, when the last window closes, whether the app quits. The decisions are
 * `background-policy.ts`'s; this only holds the state they are asked about.
 */
export class BackgroundKeeper<Menu> {
  private setting: BackgroundChoice = 'automatic';
  private inProgress: ReadonlySet<string> = new Set();
  private quitRequested = false;
  private tray: TrayLike<Menu> | null = null;

  constructor(private readonly deps: BackgroundDeps<Menu>) {}

  /** The user's "Keep running in the background" setting, at start and on every change. */
  settingChanged(setting: BackgroundChoice): void {
    this.setting = setting;
    this.refresh();
  }

  /** A run's status changed (`run.status`): the tray counts the runs in progress. */
  runChanged(run: { runId: string; status: RunStatus }): void {
    const next = runsInProgressAfter(this.inProgress, run);
    if (next === this.inProgress) return;
    this.inProgress = next;
    this.refresh();
  }

  /** The user asked to quit (`before-quit`): closing the window now quits, whatever the setting. */
  quitting(): void {
    this.quitRequested = true;
  }

  /** The last window closed (`window-all-closed`): quit, or keep running without it. */
  lastWindowClosed(): void {
    const action = afterLastWindowClosed({
      setting: this.setting,
      scheduleCount: this.deps.scheduleCount(),
      os: this.deps.os,
      quitRequested: this.quitRequested,
    });
    if (action === 'quit') this.deps.quit();
    else this.refresh();
  }

  /** Shows, updates or removes the tray icon as the state now asks. */
  refresh(): void {
    if (!staysInBackground(this.setting, this.deps.scheduleCount())) {
      this.tray?.destroy();
      this.tray = null;
      return;
    }
    if (!this.tray) {
      this.tray = this.deps.createTray();
      this.tray.on('click', () => this.deps.showWindow());
    }
    const menu = trayMenu(this.inProgress.size);
    this.tray.setToolTip(menu.tooltip);
    this.tray.setContextMenu(
      this.deps.buildMenu(menu.items, (id) =>
        id === 'open' ? this.deps.showWindow() : this.deps.quit(),
      ),
    );
  }

  /** Removes the tray icon (the app is quitting). */
  close(): void {
    this.tray?.destroy();
    this.tray = null;
  }
}
