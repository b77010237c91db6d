import { METHOD_NAMES, type ApiEvent } from '../main/contract/api.js';
import type { ScriptDeskBridge } from '../main/contract/bridge.js';
import type { Result } from '../main/contract/errors.js';
import { API_EVENT_CHANNEL, ipcChannelFor } from '../main/contract/ipc-channels.js';

/** The part of Electron's `ipcRenderer` the bridge uses; tests pass a hand-written fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

const KNOWN_METHODS: ReadonlySet<string> = new Set(METHOD_NAMES);

/** Turns a failed `invoke` into a Result: input that cannot be cloned is the caller's fault, the rest is not. */
function ipcFailure(method: string, error: unknown): Result<unknown> {
  const reason = error instanceof Error ? error.message : '';
  if (/could not be cloned/i.test(reason)) {
    return {
      ok: false,
      error: {
        code: 'bad_request',
        message: `${method}: the input must be plain data (no functions, DOM nodes or class instances).`,
      },
    };
  }
  return {
    ok: false,
    error: {
      code: 'internal',
      message: `ScriptDesk did not answer ${method}; restart the app if this persists.`,
    },
  };
}

/**
 * Builds the bridge over `ipc`. Unknown method names are refused here, before any IPC; the
 * IPC event object never reaches the renderer, only the payload.
 */
export function createScriptDeskBridge(ipc: IpcRendererLike): ScriptDeskBridge {
  return {
    async call(method, input) {
      if (typeof method !== 'string' || !KNOWN_METHODS.has(method)) {
        const name = typeof method === 'string' ? method.slice(0, 80) : typeof method;
        return {
          ok: false,
          error: { code: 'unknown_method', message: `There is no API method named "${name}".` },
        };
      }
      try {
        return (await ipc.invoke(
          ipcChannelFor(method as (typeof METHOD_NAMES)[number]),
          input,
        )) as Result<unknown>;
      } catch (error) {
        // Reached only when IPC itself fails; the renderer still gets a Result, never an exception.
        return ipcFailure(method, error);
      }
    },
    onEvent(listener) {
      if (typeof listener !== 'function')
        throw new TypeError('scriptdesk.onEvent needs a function.');
      const relay = (_event: unknown, payload: unknown) => listener(payload as ApiEvent);
      ipc.on(API_EVENT_CHANNEL, relay);
      return () => {
        ipc.removeListener(API_EVENT_CHANNEL, relay);
      };
    },
  };
}

/** The part of Electron's `webUtils` the bridge uses. */
export interface WebUtilsLike {
  getPathForFile(file: never): string;
}

/** A dropped file's path on disk, or null (not a File, or not a file on disk). */
export function pathOfDroppedFile(webUtils: WebUtilsLike, file: unknown): string | null {
  if (typeof File === 'undefined' || !(file instanceof File)) return null;
  try {
    return webUtils.getPathForFile(file as never) || null;
  } catch {
    return null;
  }
}

export type { ScriptDeskBridge };
