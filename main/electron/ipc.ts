import { METHOD_NAMES, type ApiEvent } from '../contract/api.js';
import type { Dispatch } from '../contract/dispatcher.js';
import { internalError, type Result } from '../contract/errors.js';
import {
  API_EVENT_CHANNEL,
  ipcChannelFor,
  METHOD_CHANNEL_PREFIX,
} from '../contract/ipc-channels.js';

export { API_EVENT_CHANNEL, ipcChannelFor } from '../contract/ipc-channels.js';

/** The part of Electron's `ipcMain` the shell uses; tests pass a hand-written fake. */
export interface IpcMainLike<Event> {
  handle(
    channel: string,
    listener: (event: Event, ...args: unknown[]) => Promise<Result<unknown>>,
  ): void;
}

/** Where pushed events go: the window's `webContents`. */
export interface EventTargetLike {
  send(channel: string, payload: ApiEvent): void;
  isDestroyed(): boolean;
}

/**
 * Registers one `api:<method>` handler per contract method. Each refuses untrusted senders
 * before anything else, then forwards the single argument to `dispatch`, which validates it.
 * Returns the channels registered.
 */
export function registerIpcHandlers<Event>(
  ipc: IpcMainLike<Event>,
  dispatch: Dispatch,
  isTrusted: (event: Event) => boolean,
  onInternalError: (method: string, error: unknown) => void = () => {},
): string[] {
  return METHOD_NAMES.map((method) => {
    const channel = ipcChannelFor(method);
    ipc.handle(channel, async (event, input) => {
      // Only the app's own top frame may reach main: an injected frame or foreign page must not.
      if (!isTrusted(event)) {
        return {
          ok: false,
          error: {
            code: 'forbidden',
            message: `${method} may only be called by the ScriptDesk window.`,
          },
        };
      }
      try {
        return await dispatch(method, input, { transport: 'ipc' });
      } catch (error) {
        // The dispatcher never throws by contract; if it did, an exception would reach the renderer mangled.
        onInternalError(method, error);
        return { ok: false, error: internalError(method) };
      }
    });
    return channel;
  });
}

/** The method a channel serves, or null for a channel that is not a method channel. */
export function methodForChannel(channel: string): string | null {
  if (!channel.startsWith(METHOD_CHANNEL_PREFIX) || channel === API_EVENT_CHANNEL) return null;
  return channel.slice(METHOD_CHANNEL_PREFIX.length);
}

/**
 * The methods the IPC transport actually serves, read back from a recording registration (not
 * restated from the contract), for the contract test that compares both transports.
 */
export function registeredMethods(): string[] {
  const channels: string[] = [];
  const recorder: IpcMainLike<unknown> = { handle: (channel) => void channels.push(channel) };
  registerIpcHandlers(
    recorder,
    async () => ({ ok: true, value: null }),
    () => false,
  );
  return channels.map((channel) => methodForChannel(channel) ?? channel);
}

/**
 * Sends every API event to the window on {@link API_EVENT_CHANNEL}. `target` is read on each
 * event, so a window re-created later (macOS `activate`) keeps receiving them. Returns the
 * unsubscribe function.
 */
export function forwardApiEvents(
  subscribe: (listener: (event: ApiEvent) => void) => () => void,
  target: () => EventTargetLike | null,
): () => void {
  return subscribe((event) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(API_EVENT_CHANNEL, event);
  });
}
