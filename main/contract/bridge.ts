import type { ApiEvent } from './api.js';
import type { Result } from './errors.js';

/**
 * What the Electron preload exposes to the page as `window.scriptdesk`: the typed API and
 * nothing else. `call` takes any string because the page is untrusted; unknown names come back
 * as `unknown_method` results, never as exceptions.
 */
export interface ScriptDeskBridge {
  /** Calls one API method; resolves to its result, never rejects. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  /** Receives every pushed event until the returned function is called. */
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /**
   * Where a file dropped on the page is on disk (Electron keeps it off `File`); null for anything
   * that is not a dropped file on disk. The page learns only a path the user dragged in.
   */
  pathOfDroppedFile?(file: unknown): string | null;
}
