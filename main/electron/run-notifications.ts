import type { ApiEvent } from '../contract/api.js';
import { APP_ENTRY_URL } from './app-origin.js';

/** The part of Electron's `Notification` the shell uses. */
export interface NotificationLike {
  on(event: 'click' | 'close', listener: () => void): unknown;
  show(): void;
}

/** What the shell lends the notifier: Electron's objects behind small functions. */
export interface NotificationShell {
  /** `Notification.isSupported()`. */
  supported(): boolean;
  /** `new Notification(options)`. */
  create(options: { title: string; body: string; silent: boolean }): NotificationLike;
  /** Whether the app's window has the focus now. */
  windowFocused(): boolean;
  /** Brings the window forward on `url` (a run's page). */
  open(url: string): void;
}

const RUN_ID = /^[0-9a-f-]{36}$/;

/**
 * The address of a run's page in the window, for a run id main itself reported. Null for anything
 * else, so no event can point the window somewhere other than a run.
 */
export function runPageUrl(runId: string): string | null {
  return RUN_ID.test(runId) ? `${APP_ENTRY_URL}#/runs/${runId}` : null;
}

/**
 * Whether to show an OS notification for `event`: a `run.notice` (main already decided the run
 * was long and the user wants to be told), while the window does not have the focus (with the
 * focus, the user sees the window's own badge), where the OS can show one.
 */
export function notificationFor(
  event: ApiEvent,
  state: { supported: boolean; windowFocused: boolean },
): { title: string; body: string; url: string } | null {
  if (event.name !== 'run.notice' || !state.supported || state.windowFocused) return null;
  const url = runPageUrl(event.payload.runId);
  return url ? { title: event.payload.title, body: event.payload.body, url } : null;
}

/**
 * Shows an OS notification for each long run that ends while the window is in the background;
 * selecting it opens the run's page. Returns the unsubscribe function.
 */
export function showRunNotifications(
  subscribe: (listener: (event: ApiEvent) => void) => () => void,
  shell: NotificationShell,
): () => void {
  // Held until closed or selected: a notification nothing refers to can be collected, and its
  // click would then be lost.
  const showing = new Set<NotificationLike>();
  return subscribe((event) => {
    const shown = notificationFor(event, {
      supported: shell.supported(),
      windowFocused: shell.windowFocused(),
    });
    if (!shown) return;
    const notification = shell.create({ title: shown.title, body: shown.body, silent: false });
    showing.add(notification);
    notification.on('click', () => {
      showing.delete(notification);
      shell.open(shown.url);
    });
    notification.on('close', () => showing.delete(notification));
    notification.show();
  });
}
