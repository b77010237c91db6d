/**
 * The preload script: exposes `window.scriptdesk` (see `ScriptDeskBridge` in `bridge.ts`) and
 * nothing else. CommonJS because sandboxed preloads cannot be ES modules (hence `import =
 * require`, which verbatimModuleSyntax asks for in a .cts file); bundled by
 * `build/bundle-preload.mjs` because a sandboxed preload cannot require local files either.
 */
import electron = require('electron');
import bridgeModule = require('./bridge.js');
import type { ScriptDeskBridge } from './bridge.js';

const bridge: ScriptDeskBridge = bridgeModule.createScriptDeskBridge(electron.ipcRenderer);

// Only these functions cross into the page: never ipcRenderer or webUtils themselves, never an
// IPC event.
electron.contextBridge.exposeInMainWorld('scriptdesk', {
  call: (method: string, input: unknown) => bridge.call(method, input),
  onEvent: (listener: Parameters<ScriptDeskBridge['onEvent']>[0]) => bridge.onEvent(listener),
  pathOfDroppedFile: (file: unknown) => bridgeModule.pathOfDroppedFile(electron.webUtils, file),
});
