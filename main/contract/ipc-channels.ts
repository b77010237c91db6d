import type { MethodName } from './api.js';

/**
 * IPC channel names, shared by the shell and the preload bridge so the two cannot drift.
 * No runtime imports: the preload bundle includes this file.
 */

/** Prefix of every method channel: `api:<method>`. */
export const METHOD_CHANNEL_PREFIX = 'api:';

/** The one channel main pushes {@link ApiEvent}s on. Method names always contain a dot, so no method channel can collide with it. */
export const API_EVENT_CHANNEL = 'api:event';

/** The IPC channel of one API method, e.g. `api:run.start`. */
export function ipcChannelFor(method: MethodName): string {
  return METHOD_CHANNEL_PREFIX + method;
}
