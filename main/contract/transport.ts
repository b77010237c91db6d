import type { ApiEvent, MethodInput, MethodName, MethodOutput } from './api.js';
import type { Result } from './errors.js';

/** How the renderer reaches main: Electron IPC through the preload bridge, or HTTP to the loopback host. */
export interface Transport {
  /** Calls one API method; never throws for API errors, only returns `{ ok: false }`. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  /**
   * Receives pushed events until the returned function is called. `onOpen` is called each time
   * events start to flow (again): events pushed before it may have been missed, so whatever the
   * subscriber read earlier should be read again.
   */
  subscribe(listener: (event: ApiEvent) => void, onOpen?: () => void): () => void;
}
