/**
 * Drives the real shell (`main/electron/main.ts`) against a hand-written fake of the `electron`
 * module, because the Electron binary cannot run here. Proves the wiring: what main.ts hands to
 * Electron, and that the real ScriptDesk app answers through it. Runs in a child process so the
 * shell's module-level side effects stay out of the test runner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../main/shared/content-security-policy.js';

/**
 * The parts of `electron` main.ts uses; records everything on `globalThis.__fake`. `s.started`
 * settles once the shell has registered its quit handler (the last thing it does before it is up)
 * or has reported that it could not start, and `s.quitAgain` once the shell quits a second time:
 * the driver waits for these events, never for a length of time.
 */
const FAKE_ELECTRON = `
import { EventEmitter } from 'node:events';
const s = (globalThis.__fake = { handlers: new Map(), windows: [], protocolHandlers: new Map(), quits: 0, opened: [], errors: [], messages: [], trays: [], protocols: [] });
let markReady, markStarted, markQuitAgain;
s.whenReady = new Promise((resolve) => (markReady = resolve));
s.ready = () => markReady();
s.started = new Promise((resolve) => (markStarted = resolve));
s.quitAgain = new Promise((resolve) => (markQuitAgain = resolve));
class App extends EventEmitter {
  isPackaged = true;
  constructor() {
    super();
    this.on('newListener', (name) => name === 'will-quit' && markStarted());
  }
  whenReady() { return s.whenReady; }
  getVersion() { return '9.9.9'; }
  getPath(name) { return '/home/analyst/' + name; }
  requestSingleInstanceLock() { return true; }
  isReady() { return Boolean(s.readyCalled); }
  setAsDefaultProtocolClient(scheme) { s.protocols.push(scheme); return true; }
  quit() {
    s.quits++;
    const event = { prevented: false, preventDefault() { this.prevented = true; } };
    this.emit('will-quit', event);
    s.quitEvents = [...(s.quitEvents ?? []), event.prevented];
    if (s.quits === 2) markQuitAgain();
  }
  exit(code) { s.exitCode = code; markStarted(); }
}
export const app = new App();
s.app = app;
class WebContents extends EventEmitter {
  sent = [];
  send(channel, payload) { this.sent.push([channel, payload]); }
  isDestroyed() { return false; }
  setWindowOpenHandler(handler) { this.openHandler = handler; }
}
export class BrowserWindow extends EventEmitter {
  constructor(options) { super(); this.options = options; this.webContents = new WebContents(); s.windows.push(this); app.emit('web-contents-created', {}, this.webContents); }
  loadURL(url) { this.url = url; return Promise.resolve(); }
  show() {}
  focus() {}
  isMinimized() { return false; }
}
export const ipcMain = { handle(channel, listener) { s.handlers.set(channel, listener); s.handlersBeforeWindow ??= s.windows.length === 0; } };
export const protocol = {
  registerSchemesAsPrivileged(schemes) { s.privileged = schemes; s.privilegedBeforeReady = !s.readyCalled; },
  handle(scheme, handler) { s.protocolHandlers.set(scheme, handler); },
};
export const session = { defaultSession: {
  setPermissionRequestHandler(h) { s.permissionRequest = h; },
  setPermissionCheckHandler(h) { s.permissionCheck = h; },
  setDevicePermissionHandler(h) { s.devicePermission = h; },
} };
export const shell = {
  openExternal(url) { s.opened.push(url); return Promise.resolve(); },
  openPath(file) { s.opened.push(file); return Promise.resolve(''); },
  showItemInFolder(file) { s.opened.push(file); },
};
export const dialog = {
  showErrorBox(title, message) { s.errors.push(title + ': ' + message); markStarted(); },
  showMessageBox(...args) { s.messages.push(args.at(-1).message); return Promise.resolve({ response: 0 }); },
};
export class Tray extends EventEmitter {
  constructor(icon) { super(); this.icon = icon; this.destroyed = false; s.trays.push(this); }
  setToolTip(text) { this.tooltip = text; }
  setContextMenu(menu) { this.menu = menu; }
  destroy() { this.destroyed = true; }
}
export const Menu = { buildFromTemplate(template) { return template; } };
export const net = { isOnline: () => true };
export const powerMonitor = new EventEmitter();
export class Notification extends EventEmitter {
  static isSupported() { return true; }
  constructor(options) { super(); this.options = options; }
  show() { (s.notifications ??= []).push(this.options); }
}
`;

/** electron-updater's platform updater, recording how the shell configures it. */
const FAKE_UPDATER = `
import { EventEmitter } from 'node:events';
class Updater extends EventEmitter {
  setFeedURL(options) { (globalThis.__fake.updaterFeeds ??= []).push(options); }
  checkForUpdates() { return Promise.resolve({ downloadPromise: null }); }
  quitAndInstall() { globalThis.__fake.installs = (globalThis.__fake.installs ?? 0) + 1; }
}
export default { autoUpdater: new Updater() };
`;

/** Marks the driver's report lines among whatever else the shell prints. */
const REPORT = 'REPORT ';

/**
 * Starts the shell, exercises it like Electron and the page would, and prints what it saw as one
 * JSON report line; then quits and prints what the quit did as a second one.
 */
const DRIVER = `
// What Electron sets in a packaged app: the folder holding the tray icons and the bundled Python.
process.resourcesPath = process.cwd() + '/resources';
await import('./dist/main/electron/main.js');
const s = globalThis.__fake;
const print = (report) => console.log('${REPORT}' + JSON.stringify(report));
const report = { privileged: s.privileged, handlersBeforeReady: s.handlers.size };
s.readyCalled = true;
s.ready();
await s.started;
const win = s.windows[0];
const contents = win.webContents;
Object.assign(report, {
  errors: s.errors, windows: s.windows.length, url: win.url, webPreferences: win.options.webPreferences,
  channels: [...s.handlers.keys()], handlersBeforeWindow: s.handlersBeforeWindow,
});
const serve = s.protocolHandlers.get('app');
const get = async (url) => { const r = await serve(new Request(url)); return { status: r.status, type: r.headers.get('content-type'), csp: r.headers.get('content-security-policy'), body: r.status === 200 ? await r.text() : null }; };
report.index = await get('app://scriptdesk/');
report.traversal = await get('app://scriptdesk/..%2F..%2F..%2Fsecret.json');
report.planted = await get('app://scriptdesk/validators/${'ab'.repeat(32)}.js');
report.post = (await serve(new Request('app://scriptdesk/index.html', { method: 'POST', body: 'x' }))).status;
let granted = 'not called';
s.permissionRequest(contents, 'media', (g) => (granted = g));
report.permissions = { request: granted, check: s.permissionCheck(contents, 'clipboard-read'), device: s.devicePermission({}) };
const navigate = (url) => { const e = { url, prevented: false, preventDefault() { this.prevented = true; } }; contents.emit('will-navigate', e); return e.prevented; };
report.navigationPrevented = { foreign: navigate('https://evil.example/'), own: navigate('app://scriptdesk/index.html#/runs') };
report.windowOpen = contents.openHandler({ url: 'https://evil.example/' });
report.opened = s.opened;
const top = { sender: contents, senderFrame: { url: 'app://scriptdesk/index.html', parent: null } };
const info = s.handlers.get('api:app.info');
report.ipc = {
  trusted: await info(top, {}),
  subframe: await info({ ...top, senderFrame: { url: top.senderFrame.url, parent: top.senderFrame } }, {}),
  otherContents: await info({ ...top, sender: {} }, {}),
  badInput: await s.handlers.get('api:run.list')(top, { limit: 'many' }),
};
// The page has loaded: links are followed from now on. A second launch hands over its command line.
contents.emit('did-finish-load');
const relaunch = (argv) => s.app.emit('second-instance', {}, argv, '/home/analyst');
relaunch(['/opt/ScriptDesk/scriptdesk', '--no-sandbox', 'scriptdesk://script/loan-schedule?preset=Car+loan']);
report.linkOpened = win.url;
relaunch(['/opt/ScriptDesk/scriptdesk', 'scriptdesk://script/loan-schedule#/runs/x']);
// A plain second launch only brings the window forward: still one window, at the same address.
relaunch(['/opt/ScriptDesk/scriptdesk']);
const openUrl = { prevented: false, preventDefault() { this.prevented = true; } };
s.app.emit('open-url', openUrl, 'javascript:alert(1)');
report.links = { afterRefusals: win.url, messages: s.messages, openUrlPrevented: openUrl.prevented, windows: s.windows.length };
report.protocols = s.protocols;
// "Keep running in the background: On" through the window's own API call puts the icon in the tray.
report.traysBefore = s.trays.length;
// main tells every window and the shell (prefs.changed) before it answers the call.
await s.handlers.get('api:prefs.set')(top, { runInBackground: 'on' });
const tray = s.trays[0];
report.tray = tray && { icon: tray.icon, tooltip: tray.tooltip, menu: tray.menu.map((item) => item.label ?? item.type) };
report.updates = { about: (await s.handlers.get('api:app.about')(top, {})).value.updates, feeds: s.updaterFeeds ?? [] };
print(report);
s.app.quit();
// The shell lets the quit through only after the app has closed, by quitting again.
await s.quitAgain;
print({ quits: s.quits, prevented: s.quitEvents });
process.exit(0);
`;

const fromRoot = (relative: string) => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** The driver's report lines, parsed, one per `next()`; fails if the driver ends before the next. */
function reportLines(child: ChildProcess): { next(): Promise<unknown> } {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    async next() {
      for (;;) {
        const line = await lines.next();
        if (line.done)
          throw new Error('the driver ended before its next report (its stderr is above)');
        if (line.value.startsWith(REPORT)) return JSON.parse(line.value.slice(REPORT.length));
      }
    },
  };
}

interface Report {
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  handlersBeforeReady: number;
  errors: string[];
  windows: number;
  url: string;
  webPreferences: Record<string, unknown>;
  channels: string[];
  handlersBeforeWindow: boolean;
  index: { status: number; type: string; csp: string; body: string };
  traversal: { status: number };
  planted: { status: number };
  post: number;
  permissions: { request: unknown; check: unknown; device: unknown };
  navigationPrevented: { foreign: boolean; own: boolean };
  windowOpen: { action: string };
  opened: string[];
  linkOpened: string;
  links: { afterRefusals: string; messages: string[]; openUrlPrevented: boolean; windows: number };
  protocols: string[];
  traysBefore: number;
  tray?: { icon: string; tooltip: string; menu: string[] };
  updates: { about: { state: string; message: string }; feeds: unknown[] };
  ipc: Record<
    'trusted' | 'subframe' | 'otherContents' | 'badInput',
    { ok: boolean; value?: Record<string, unknown>; error?: { code: string } }
  >;
}

interface QuitReport {
  quits: number;
  prevented: boolean[];
}

describe('the Electron shell, wired to a fake electron and the real app', () => {
  let dir: string;
  let driver: ChildProcess | undefined;
  let report: Report;
  let quitReport: Promise<QuitReport>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-shell-'));
    await mkdir(path.join(dir, 'dist', 'renderer'), { recursive: true });
    await writeFile(
      path.join(dir, 'dist', 'renderer', 'index.html'),
      '<!doctype html><title>ScriptDesk</title>',
    );
    await writeFile(path.join(dir, 'secret.json'), '{"secret":true}');
    // A file named like a validator in the renderer folder: it must never be what is served.
    await mkdir(path.join(dir, 'dist', 'renderer', 'validators'));
    await writeFile(
      path.join(dir, 'dist', 'renderer', 'validators', `${'ab'.repeat(32)}.js`),
      'export const planted = true;',
    );
    await writeFile(path.join(dir, 'fake-electron.mjs'), FAKE_ELECTRON);
    await writeFile(path.join(dir, 'fake-electron-updater.mjs'), FAKE_UPDATER);
    await writeFile(
      path.join(dir, 'policy.json'),
      JSON.stringify({ updates: { feedUrl: 'https://updates.example.org/scriptdesk' } }),
    );
    await writeFile(path.join(dir, 'driver.mjs'), DRIVER);
    // Packages stay external and resolve from the project's node_modules, as in the real build.
    await symlink(fromRoot('node_modules'), path.join(dir, 'node_modules'), 'dir');
    await build({
      entryPoints: [fromRoot('main/electron/main.ts')],
      outfile: path.join(dir, 'dist', 'main', 'electron', 'main.js'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      alias: {
        electron: path.join(dir, 'fake-electron.mjs'),
        'electron-updater': path.join(dir, 'fake-electron-updater.mjs'),
      },
      logLevel: 'error',
    });
    driver = spawn(process.execPath, ['driver.mjs'], {
      cwd: dir,
      env: {
        ...process.env,
        SCRIPTDESK_HOME: path.join(dir, 'home'),
        SCRIPTDESK_POLICY: path.join(dir, 'policy.json'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const reports = reportLines(driver);
    report = (await reports.next()) as Report;
    quitReport = reports.next() as Promise<QuitReport>;
    quitReport.catch(() => {}); // awaited (and reported) by its own test
  });

  afterAll(async () => {
    driver?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('registers app:// as a standard, secure scheme before Electron is ready, without bypassing CSP', () => {
    expect(report.privileged).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ]);
    expect(report.handlersBeforeReady).toBe(0);
  });

  it('opens one sandboxed window on app://scriptdesk/index.html, DevTools off when packaged', () => {
    expect(report.errors).toEqual([]);
    expect(report.windows).toBe(1);
    expect(report.url).toBe('app://scriptdesk/index.html');
    expect(report.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      devTools: false,
    });
    expect(String(report.webPreferences.preload)).toMatch(/dist[\\/]preload[\\/]index\.cjs$/);
  });

  it('serves the renderer with the CSP header, and refuses traversal and non-GET requests', () => {
    expect(report.index).toMatchObject({
      status: 200,
      type: 'text/html; charset=utf-8',
      csp: contentSecurityPolicy(),
    });
    expect(report.index.body).toContain('<title>ScriptDesk</title>');
    expect(report.traversal.status).toBe(403);
    // Main has loaded no such validator for an installed catalogue: 404, whatever is on disk.
    expect(report.planted.status).toBe(404);
    expect(report.post).toBe(405);
  });

  it('denies every permission request and check', () => {
    expect(report.permissions).toEqual({ request: false, check: false, device: false });
  });

  it('keeps the window on the app and opens no window or foreign link', () => {
    expect(report.navigationPrevented).toEqual({ foreign: true, own: false });
    expect(report.windowOpen).toEqual({ action: 'deny' });
    expect(report.opened).toEqual([]);
  });

  it('registers every IPC channel before the window exists', () => {
    expect(report.handlersBeforeWindow).toBe(true);
    expect(report.channels).toContain('api:app.info');
  });

  it('answers the window’s top frame through the real app, and refuses subframes and other web contents', () => {
    // desktop: main was handed Electron's dialog and shell, so the window offers Open and Save as.
    expect(report.ipc.trusted).toMatchObject({
      ok: true,
      value: { catalogue: null, desktop: true },
    });
    expect(report.ipc.subframe).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(report.ipc.otherContents).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(report.ipc.badInput).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('hands a second launch’s link to the window as the form’s address, and refuses hostile ones', () => {
    expect(report.protocols).toEqual(['scriptdesk']);
    expect(report.linkOpened).toBe(
      'app://scriptdesk/index.html#/scripts/loan-schedule?preset=Car%20loan',
    );
    // A link with a fragment and a javascript: address: the window stays where it was.
    expect(report.links).toEqual({
      afterRefusals: 'app://scriptdesk/index.html#/scripts/loan-schedule?preset=Car%20loan',
      messages: [
        'ScriptDesk did not open the link: the link has a # part; ScriptDesk links have none.',
        'ScriptDesk did not open the link: it is not a ScriptDesk link (scriptdesk://script/<script id>?preset=<preset name>).',
      ],
      openUrlPrevented: true,
      windows: 1,
    });
  });

  it('puts ScriptDesk in the tray once the user turns "keep running in the background" on', () => {
    expect(report.traysBefore).toBe(0);
    expect(report.tray).toEqual({
      icon: expect.stringMatching(/resources[\\/]tray[\\/]tray\.png$/),
      tooltip: 'ScriptDesk',
      menu: ['Open ScriptDesk', 'No runs in progress', 'separator', 'Quit ScriptDesk'],
    });
  });

  it("starts updates from the machine policy's feed and shows their state in About", () => {
    expect(report.updates.feeds).toEqual([
      { provider: 'generic', url: 'https://updates.example.org/scriptdesk/', channel: 'latest' },
    ]);
    // Whether the first check has run yet is the updater's business; updates are on either way.
    expect(['idle', 'checking', 'up-to-date']).toContain(report.updates.about.state);
  });

  it('holds the first quit until the app has closed, then quits', async () => {
    expect(await quitReport).toEqual({ quits: 2, prevented: [true, false] });
  });
});
