import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** What the shell knows when it builds the main window. */
export interface WindowSettings {
  /** Absolute path of the bundled preload script (`dist/preload/index.cjs`). */
  preloadPath: string;
  /** Whether DevTools may open; off in packaged builds. */
  devTools: boolean;
}

/**
 * The renderer's web preferences: an untrusted page with no Node, isolated from the preload,
 * in Chromium's OS sandbox. Each line is set explicitly, even where it matches Electron's
 * default, so a future default change cannot loosen the app silently.
 */
export function webPreferences(settings: WindowSettings): WebPreferences {
  return {
    preload: settings.preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    enableWebSQL: false,
    autoplayPolicy: 'document-user-activation-required',
    devTools: settings.devTools,
  };
}

/** The main window's options: hidden until its first paint so it never flashes white. */
export function mainWindowOptions(settings: WindowSettings): BrowserWindowConstructorOptions {
  return {
    title: 'ScriptDesk',
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: webPreferences(settings),
  };
}
