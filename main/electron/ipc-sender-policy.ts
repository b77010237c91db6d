import { isAppUrl } from './app-origin.js';

/** The part of Electron's `WebFrameMain` the sender policy reads. */
export interface SenderFrameLike {
  /** The frame's current URL. */
  readonly url: string;
  /** The parent frame; `null` for a window's top frame. */
  readonly parent: object | null;
}

/**
 * True when an IPC message comes from the app's own top frame. Subframes are refused even when
 * same-origin (the app has none, so one would be injected); so are frames gone before the
 * check (`null`), `about:blank`, `data:`, `file:` and every http(s) origin.
 */
export function isTrustedSender(frame: SenderFrameLike | null, appOrigin: string): boolean {
  if (frame === null) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url, appOrigin);
}
