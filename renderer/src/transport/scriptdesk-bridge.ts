import type { ScriptDeskBridge } from '../../../main/contract/bridge.js';

export type { ScriptDeskBridge };

declare global {
  interface Window {
    /** Present only inside the Electron shell (set by the preload script). */
    readonly scriptdesk?: ScriptDeskBridge;
  }
}
