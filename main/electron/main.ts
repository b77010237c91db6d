/**
 * The Electron shell: the only file that imports `electron` at run time. It wires Electron's
 * objects to the plain, unit-tested decisions next to it and to the ScriptDesk app; it makes
 * no decision of its own.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  protocol,
  session,
  shell,
  Tray,
  type MenuItemConstructorOptions,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SYNC_INTERVAL_MS, openScriptDeskApp } from '../app/app.js';
import type { DesktopShell } from '../app/desktop-shell.js';
import { defaultHome } from '../shared/home.js';
import type { Dispatch } from '../contract/dispatcher.js';
import { PreferencesSchema } from '../contract/preferences.js';
import { trayIconFile } from '../platform/background.js';
import { HOST_OS } from '../platform/os.js';
import { DEEP_LINK_SCHEME } from '../shared/deep-link.js';
import { APP_ENTRY_URL, APP_ORIGIN, APP_SCHEME } from './app-origin.js';
import { appResponseHeaders, resolveAppFile } from './app-protocol.js';
import type { TrayMenuItem } from './background-policy.js';
import { BackgroundKeeper } from './background-shell.js';
import { createDeepLinkHandler, deepLinkInArgv } from './deep-link-opener.js';
import { forwardApiEvents, registerIpcHandlers } from './ipc.js';
import { isTrustedSender } from './ipc-sender-policy.js';
import { externalLinkPolicy, isAllowedNavigation } from './navigation-policy.js';
import { showRunNotifications } from './run-notifications.js';
import { chosenPath, openDialogOptions } from './file-dialog.js';
import { createQuitHandler } from './shutdown.js';
import { mainWindowOptions } from './window-options.js';
import { desktopUpdateNotice, startDesktopUpdates } from './updates.js';

const PRELOAD_PATH = fileURLToPath(new URL('../../preload/index.cjs', import.meta.url));
const RENDERER_ROOT = fileURLToPath(new URL('../../renderer/', import.meta.url));

/** Hosts whose https links open in the user's browser. Empty until machine policy supplies them. */
const EXTERNAL_LINK_HOSTS: readonly string[] = [];

let mainWindow: BrowserWindow | null = null;

/** Where the tray icons are: the package's resources, or build/electron/tray in development. */
function trayIconPath(): string {
  const folder = app.isPackaged
    ? path.join(process.resourcesPath, 'tray')
    : fileURLToPath(new URL('../../../build/electron/tray/', import.meta.url));
  return path.join(folder, trayIconFile(HOST_OS));
}

/** The tray's menu items as Electron's menu template. */
function trayMenuTemplate(
  items: readonly TrayMenuItem[],
  select: (id: 'open' | 'quit') => void,
): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.kind === 'separator') return { type: 'separator' };
    if (item.kind === 'info') return { label: item.label, enabled: false };
    return { label: item.label, click: () => select(item.id) };
  });
}

/** The user's active schedules (main/schedules/), known once the app has opened. */
let activeSchedules = (): number => 0;

/**
 * The tray icon and the decision to quit or stay when the window closes. `scheduleCount` is the
 * number of the user's active schedules: until the app has opened, none, so "Automatic" quits
 * with the window as "Off" does.
 */
const background = new BackgroundKeeper({
  os: HOST_OS,
  scheduleCount: () => activeSchedules(),
  createTray: () => new Tray(trayIconPath()),
  buildMenu: (items, select) => Menu.buildFromTemplate(trayMenuTemplate(items, select)),
  showWindow: () => showWindow(),
  quit: () => app.quit(),
});

/**
 * Brings the window forward, creating it if it was closed; at `url` if given. Only the address's
 * fragment changes then (`#/runs/…`, `#/scripts/…`): the page follows it without reloading.
 */
function showWindow(url?: string): void {
  if (!mainWindow) {
    mainWindow = createMainWindow(url);
    return;
  }
  const window = mainWindow;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
  if (url) window.loadURL(url).catch((error: unknown) => logError(`opening ${url}`, error));
}

/**
 * `scriptdesk://` links, from every door; each is judged by the parser before the window sees
 * an address built from what it accepted. A refused one is explained in a message box.
 */
const deepLinks = createDeepLinkHandler({
  open: (url) => showWindow(url),
  refuse: (message) => {
    const options = { type: 'warning' as const, title: 'ScriptDesk', message };
    const shown = mainWindow
      ? dialog.showMessageBox(mainWindow, options)
      : dialog.showMessageBox(options);
    shown.catch((error: unknown) => logError('telling about a refused link', error));
  },
});

function logError(what: string, error: unknown): void {
  console.error(`ScriptDesk: ${what}:`, error);
}

/** Opens a link in the browser when the policy allows it; never inside the app. */
function openExternallyIfAllowed(url: string): void {
  const decision = externalLinkPolicy(url, EXTERNAL_LINK_HOSTS);
  if (decision.action === 'open-externally') {
    shell
      .openExternal(decision.url)
      .catch((error: unknown) => logError(`opening ${decision.url}`, error));
  }
}

/** Navigation, new windows and webviews are decided here, for every web contents ever created. */
function lockDownWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url, APP_ORIGIN)) return;
    event.preventDefault();
    openExternallyIfAllowed(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url, APP_ORIGIN)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternallyIfAllowed(url);
    return { action: 'deny' };
  });
}

/** The renderer asks for no permission the app needs: camera, notifications, HID, all refused. */
function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
}

/**
 * Serves `dist/renderer` (and nothing else) on `app://scriptdesk/`, with the CSP on every
 * response, and the form validators main loaded for the installed catalogue (`validatorModule`).
 */
function serveRenderer(
  validatorModule: (sha256: string) => Promise<Uint8Array<ArrayBuffer> | null>,
): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405 });
    const lookup = resolveAppFile(request.url, RENDERER_ROOT, APP_ORIGIN);
    if (lookup.kind === 'refused') return new Response(null, { status: lookup.status });
    if (lookup.kind === 'validator') {
      const body = await validatorModule(lookup.sha256).catch(() => null);
      if (!body) return new Response(null, { status: 404 });
      return new Response(body, {
        status: 200,
        headers: appResponseHeaders('text/javascript; charset=utf-8'),
      });
    }
    try {
      const body = await readFile(lookup.path);
      return new Response(body, { status: 200, headers: appResponseHeaders(lookup.contentType) });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}

/**
 * Electron's save dialog and shell, for the output actions. Main decides every path it hands
 * them, from the run's record and after checking the file (`main/app/output-handlers.ts`).
 */
const desktopShell: DesktopShell = {
  async chooseSavePath(fileName) {
    const options = { defaultPath: path.join(app.getPath('downloads'), fileName) };
    const chosen = mainWindow
      ? await dialog.showSaveDialog(mainWindow, options)
      : await dialog.showSaveDialog(options);
    return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
  },
  openPath: (file) => shell.openPath(file),
  showItemInFolder: (file) => shell.showItemInFolder(file),
};

function createMainWindow(url = APP_ENTRY_URL): BrowserWindow {
  const window = new BrowserWindow(
    mainWindowOptions({ preloadPath: PRELOAD_PATH, devTools: !app.isPackaged }),
  );
  window.once('ready-to-show', () => window.show());
  // A link that came while the app was starting opens once the page is there to follow it.
  window.webContents.once('did-finish-load', () => deepLinks.ready());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.loadURL(url).catch((error: unknown) => logError(`loading ${url}`, error));
  return window;
}

/** IPC from anything but the current main window's top frame, on the app's origin, is refused. */
function isTrustedEvent(event: IpcMainInvokeEvent): boolean {
  return (
    mainWindow !== null &&
    event.sender === mainWindow.webContents &&
    isTrustedSender(event.senderFrame, APP_ORIGIN)
  );
}

async function start(): Promise<void> {
  await app.whenReady();
  denyAllPermissions();
  // Handlers go in before the window exists, so the first call never finds no handler; calls
  // made while the app is still opening wait for it.
  const opening = openScriptDeskApp({
    home: defaultHome(),
    autoSyncMs: DEFAULT_SYNC_INTERVAL_MS,
    logError: (message) => console.error(message),
    chooseFile: async (request) => {
      const options = openDialogOptions(request);
      const result = mainWindow
        ? await dialog.showOpenDialog(mainWindow, options)
        : await dialog.showOpenDialog(options);
      return chosenPath(result);
    },
    desktop: desktopShell,
    // The Python the package carries (resources/python, see build/fetch-python.mjs).
    ...(app.isPackaged ? { resourcesDir: process.resourcesPath } : {}),
    updateNotice: desktopUpdateNotice,
  });
  serveRenderer(async (sha256) => (await opening).validatorModule(sha256));

  const dispatch: Dispatch = async (method, input, context) =>
    (await opening).dispatch(method, input, context);
  registerIpcHandlers(ipcMain, dispatch, isTrustedEvent, (method, error) =>
    logError(`IPC ${method}`, error),
  );
  mainWindow ??= createMainWindow();

  const scriptDesk = await opening;

  // --- Updates (main/updates/, wired in updates.ts): from the machine policy's feed only. ---
  startDesktopUpdates(
    scriptDesk,
    () => mainWindow !== null,
    (message) => console.error(message),
  );
  // --- end of updates ---
  forwardApiEvents(
    (listener) => scriptDesk.subscribe(listener),
    () => mainWindow?.webContents ?? null,
  );
  showRunNotifications((listener) => scriptDesk.subscribe(listener), {
    supported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    windowFocused: () => mainWindow?.isFocused() ?? false,
    open: (url) => showWindow(url),
  });
  // The dispatcher checked the answer against the contract; its type is read back from it.
  const preferences = await scriptDesk.dispatch('prefs.get', {}, { transport: 'ipc' });
  if (preferences.ok)
    background.settingChanged(PreferencesSchema.parse(preferences.value).runInBackground);
  activeSchedules = () => scriptDesk.services.scheduler.activeCount();
  background.refresh();
  scriptDesk.subscribe((event) => {
    if (event.name === 'schedules.changed') background.refresh();
    if (event.name === 'prefs.changed') background.settingChanged(event.payload.runInBackground);
    if (event.name === 'run.status') background.runChanged(event.payload);
  });
  app.on(
    'will-quit',
    createQuitHandler(
      () => scriptDesk.close(),
      () => app.quit(),
      (error) => logError('closing ScriptDesk', error),
    ),
  );
  app.on('activate', () => {
    if (mainWindow === null) mainWindow = createMainWindow();
  });
  // Windows and Linux start the app with the link on its command line.
  const launchedWith = deepLinkInArgv(process.argv);
  if (launchedWith) deepLinks.receive(launchedWith);
}

// Must run before `ready`: lets app:// pages have a real origin, secure context and fetch.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
  },
]);

if (!app.requestSingleInstanceLock()) {
  // Two instances would share one audit journal and one database; the second one leaves.
  app.quit();
} else {
  // Installers register the scheme (electron-builder.yml `protocols`); this claims it again for
  // the installed app (the OS may have handed it to another program). Never from a development
  // run, which would point the user's links at a developer's checkout.
  if (app.isPackaged) app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  // A second launch (Windows, Linux) hands over its command line, and with it any link.
  app.on('second-instance', (_event, argv) => {
    const link = deepLinkInArgv(argv);
    if (link) deepLinks.receive(link);
    // Before `ready` no window can be made; start() makes the first one then.
    else if (app.isReady()) showWindow();
  });
  // macOS hands a link to the running app, or to the app it is launching (before `ready`).
  app.on('open-url', (event, url) => {
    event.preventDefault();
    deepLinks.receive(url);
  });
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents));
  app.on('before-quit', () => background.quitting());
  app.on('will-quit', () => background.close());
  app.on('window-all-closed', () => background.lastWindowClosed());
  start().catch((error: unknown) => {
    logError('starting', error);
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('ScriptDesk could not start', message);
    app.exit(1);
  });
}
