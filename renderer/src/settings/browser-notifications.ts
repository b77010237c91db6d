/**
 * Whether this window may show notifications itself: `electron` (the shell shows them from main;
 * the page never asks), `unsupported` (no Notification API), or the browser's permission.
 */
export type NotificationAccess = 'electron' | 'unsupported' | NotificationPermission;

/** What this window can do about notifications now. */
export function notificationAccess(): NotificationAccess {
  if (window.scriptdesk) return 'electron';
  if (typeof window.Notification !== 'function') return 'unsupported';
  return window.Notification.permission;
}

/**
 * Asks the browser for permission to notify. Called only from the user turning notifications on
 * (or pressing "Allow browser notifications"), never on load: browsers ignore or penalise
 * unprompted asks, and the user should know why they are asked.
 */
export async function askNotificationPermission(): Promise<NotificationAccess> {
  const access = notificationAccess();
  if (access !== 'default') return access;
  return window.Notification.requestPermission();
}

/**
 * Shows a browser notification for a run (web host only). `tag` is the run's id, so two tabs of
 * the same ScriptDesk telling the same ending show it once. Selecting it brings the window forward
 * and opens the run.
 */
export function showBrowserNotification(
  notice: { runId: string; title: string; body: string },
  openRun: (runId: string) => void,
): void {
  if (notificationAccess() !== 'granted') return;
  const notification = new window.Notification(notice.title, {
    body: notice.body,
    tag: notice.runId,
  });
  notification.onclick = () => {
    window.focus();
    openRun(notice.runId);
    notification.close();
  };
}
