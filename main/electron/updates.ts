/**
 * The desktop app's updates, wired: electron-updater's platform updater driven by the
 * UpdateController (main/updates/), which makes every decision. Nothing here decides.
 */
import { app, net, Notification, powerMonitor } from 'electron';
import electronUpdater from 'electron-updater';
import type { ScriptDeskApp } from '../app/app.js';
import type { UpdateNotice } from '../contract/about-api.js';
import { UpdateController, type UpdaterPort } from '../updates/controller.js';
import { updateFeed } from '../updates/feed.js';
import { isNotifiedUpdate, updateNotice } from '../updates/notice.js';

let controller: UpdateController | null = null;
let notStarted: string | null = null;

/** What About shows about updates (before they start: the first check has not run). */
export function desktopUpdateNotice(): UpdateNotice {
  if (notStarted !== null) return updateNotice({ state: 'off', reason: notStarted });
  return controller?.notice() ?? updateNotice({ state: 'idle' });
}

/** Starts updates from the machine policy's feed (or leaves them off, saying why). */
export function startDesktopUpdates(
  scriptDesk: ScriptDeskApp,
  windowOpen: () => boolean,
  logError: (message: string) => void,
): void {
  try {
    wire(scriptDesk, windowOpen, logError);
  } catch (error) {
    // Updates that cannot start never keep the app from working; About says so.
    logError(`[updates] could not start: ${(error as Error).stack ?? String(error)}`);
    notStarted = 'Updates are off: the updater could not start on this computer (see the log).';
  }
}

function wire(
  scriptDesk: ScriptDeskApp,
  windowOpen: () => boolean,
  logError: (message: string) => void,
): void {
  const { runner, policy } = scriptDesk.services;
  // The platform's updater: NsisUpdater, MacUpdater, or AppImage/deb/rpm on Linux.
  const { autoUpdater } = electronUpdater;
  autoUpdater.logger = {
    info: () => undefined,
    warn: (message: unknown) => logError(`[updates] ${String(message)}`),
    error: (message: unknown) => logError(`[updates] ${String(message)}`),
  };
  // A development build checks only a feed its policy names (and needs dev-app-update.yml).
  autoUpdater.forceDevUpdateConfig = !app.isPackaged;
  controller = new UpdateController(
    autoUpdater as UpdaterPort,
    updateFeed(policy.updates, { desktop: true, packaged: app.isPackaged }),
    app.getVersion(),
    {
      runsBusy: () => runner.busy(),
      windowOpen,
      online: () => net.isOnline(),
      onNotice: (notice) => {
        if (isNotifiedUpdate(notice) && Notification.isSupported())
          new Notification({ title: 'ScriptDesk update', body: notice.message }).show();
      },
    },
  );
  controller.start();
  const updates = controller;
  // A run that ends or the last window closing may leave the app idle; waking from sleep may bring the network back.
  scriptDesk.subscribe((event) => {
    if (event.name === 'run.status' && event.payload.finishedAt !== null && !runner.busy())
      updates.idle();
  });
  app.on('window-all-closed', () => updates.idle());
  powerMonitor.on('resume', () => updates.networkChanged());
  app.on('browser-window-focus', () => updates.networkChanged());
}
