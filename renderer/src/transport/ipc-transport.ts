import type {
  ApiEvent,
  MethodInput,
  MethodName,
  MethodOutput,
} from '../../../main/contract/api.js';
import type { Result } from '../../../main/contract/errors.js';
import type { Transport } from '../../../main/contract/transport.js';
import type { ScriptDeskBridge } from './scriptdesk-bridge.js';

/** The {@link Transport} inside the Electron shell: every call and event goes through the preload bridge. */
export function createIpcTransport(bridge: ScriptDeskBridge): Transport {
  return {
    async call<M extends MethodName>(
      method: M,
      input: MethodInput<M>,
    ): Promise<Result<MethodOutput<M>>> {
      try {
        return (await bridge.call(method, input)) as Result<MethodOutput<M>>;
      } catch {
        // The bridge resolves API errors itself; a rejection means the IPC channel itself broke.
        return {
          ok: false,
          error: {
            code: 'internal',
            message:
              'ScriptDesk could not reach its main process. Restart ScriptDesk and try again.',
          },
        };
      }
    },
    subscribe(listener: (event: ApiEvent) => void, onOpen?: () => void): () => void {
      const stop = bridge.onEvent(listener);
      // Events flow from now on; answers read before (the window's first answers) may be older.
      let live = true;
      if (onOpen) queueMicrotask(() => live && onOpen());
      return () => {
        live = false;
        stop();
      };
    },
  };
}
