import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../main/contract/api.js';
import type { Dispatch } from '../../main/contract/dispatcher.js';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../main/electron/app-origin.js';
import { contentSecurityPolicy } from '../../main/shared/content-security-policy.js';
import {
  ipcChannelFor,
  registeredMethods,
  registerIpcHandlers,
  type IpcMainLike,
} from '../../main/electron/ipc.js';
import { isTrustedSender } from '../../main/electron/ipc-sender-policy.js';
import { externalLinkPolicy, isAllowedNavigation } from '../../main/electron/navigation-policy.js';
import { mainWindowOptions, webPreferences } from '../../main/electron/window-options.js';

/** The CSP as a map from directive to its sources. */
function parseCsp(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

describe('window options', () => {
  const settings = { preloadPath: '/app/dist/preload/index.cjs', devTools: false };

  it('isolate an untrusted renderer: context isolation, OS sandbox, no Node anywhere, no webview', () => {
    expect(webPreferences(settings)).toMatchObject({
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
    });
  });

  it('load the given preload and honour the DevTools setting', () => {
    expect(webPreferences(settings).preload).toBe('/app/dist/preload/index.cjs');
    expect(webPreferences(settings).devTools).toBe(false);
    expect(webPreferences({ ...settings, devTools: true }).devTools).toBe(true);
  });

  it('keep the window hidden until its first paint and carry the locked-down preferences', () => {
    const options = mainWindowOptions(settings);
    expect(options.show).toBe(false);
    expect(options.webPreferences).toEqual(webPreferences(settings));
  });
});

describe('content security policy', () => {
  const csp = parseCsp(contentSecurityPolicy());

  it('denies everything by default and lets the page connect only to itself', () => {
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('runs only the app’s own script files: no inline scripts and no eval (validators are precompiled)', () => {
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toContain('unsafe-eval');
  });

  it('forbids base-tag hijacking, form posts and being framed', () => {
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('allows only the app’s own images (plus data:), fonts and styles', () => {
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
    expect(csp.get('font-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });
});

describe('navigation policy', () => {
  it('allows the app’s own pages', () => {
    expect(isAllowedNavigation(APP_ENTRY_URL, APP_ORIGIN)).toBe(true);
    expect(isAllowedNavigation('app://scriptdesk/index.html#/runs', APP_ORIGIN)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:3000/',
    'app://other/index.html',
    'app://scriptdesk.evil.com/index.html',
    'app://scriptdesk:8080/index.html',
    'app://user@scriptdesk/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'file:///app/dist/renderer/index.html',
    'about:blank',
    'not a url',
    '',
  ])('refuses to navigate to %s', (url) => {
    expect(isAllowedNavigation(url, APP_ORIGIN)).toBe(false);
  });
});

describe('external link policy', () => {
  const allowList = ['docs.example.com'];

  it('opens an allow-listed https link in the browser, passing on the normalised URL', () => {
    expect(externalLinkPolicy('https://DOCS.example.com/guide?x=1', allowList)).toEqual({
      action: 'open-externally',
      url: 'https://docs.example.com/guide?x=1',
    });
  });

  it.each([
    ['plain http', 'http://docs.example.com/guide'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['a look-alike host', 'https://docs.example.com.evil.com/'],
    ['a sub-domain', 'https://evil.docs.example.com/'],
    ['credentials pointing elsewhere', 'https://docs.example.com@evil.com/'],
    ['credentials on the allowed host', 'https://user:pw@docs.example.com/'],
    ['an explicit port', 'https://docs.example.com:8443/'],
    ['a host not on the list', 'https://example.com/'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_what, url) => {
    expect(externalLinkPolicy(url, allowList).action).toBe('deny');
  });

  it('opens nothing when the allow-list is empty', () => {
    expect(externalLinkPolicy('https://docs.example.com/', []).action).toBe('deny');
  });
});

describe('IPC sender policy', () => {
  const topFrame = (url: string) => ({ url, parent: null });

  it('trusts the app’s own top frame', () => {
    expect(isTrustedSender(topFrame(APP_ENTRY_URL), APP_ORIGIN)).toBe(true);
  });

  it('refuses a subframe even when it is on the app’s origin', () => {
    expect(
      isTrustedSender({ url: APP_ENTRY_URL, parent: topFrame(APP_ENTRY_URL) }, APP_ORIGIN),
    ).toBe(false);
  });

  it('refuses a frame that is already gone', () => {
    expect(isTrustedSender(null, APP_ORIGIN)).toBe(false);
  });

  it.each([
    'about:blank',
    'data:text/html,hi',
    'https://evil.com/',
    'http://127.0.0.1:8080/',
    'file:///app/index.html',
    'app://other/',
  ])('refuses a top frame on %s', (url) => {
    expect(isTrustedSender(topFrame(url), APP_ORIGIN)).toBe(false);
  });
});

/** A hand-written ipcMain: records handlers so the test can invoke them like the renderer would. */
class FakeIpcMain implements IpcMainLike<{ trusted: boolean }> {
  readonly handlers = new Map<
    string,
    (event: { trusted: boolean }, ...args: unknown[]) => Promise<unknown>
  >();
  handle(
    channel: string,
    listener: (event: { trusted: boolean }, ...args: unknown[]) => Promise<unknown>,
  ): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  invoke(channel: string, event: { trusted: boolean }, input: unknown): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, input);
  }
}

/** A dispatch that records its calls and answers with a fixed value. */
function recordingDispatch() {
  const calls: Array<{ method: string; input: unknown; transport: string }> = [];
  const dispatch: Dispatch = async (method, input, context) => {
    calls.push({ method, input, transport: context.transport });
    return { ok: true, value: { echoed: method } };
  };
  return { calls, dispatch };
}

describe('registerIpcHandlers', () => {
  const isTrusted = (event: { trusted: boolean }) => event.trusted;

  it('registers exactly one api:<method> channel per contract method, and nothing else', () => {
    const ipc = new FakeIpcMain();
    const channels = registerIpcHandlers(ipc, recordingDispatch().dispatch, isTrusted);
    const expected = METHOD_NAMES.map((method) => `api:${method}`);
    expect([...ipc.handlers.keys()].sort()).toEqual([...expected].sort());
    expect(channels.sort()).toEqual([...expected].sort());
    expect(ipcChannelFor('run.start')).toBe('api:run.start');
  });

  it('refuses an untrusted sender with forbidden and never reaches dispatch', async () => {
    const ipc = new FakeIpcMain();
    const { calls, dispatch } = recordingDispatch();
    registerIpcHandlers(ipc, dispatch, isTrusted);
    const result = await ipc.invoke(
      'api:run.start',
      { trusted: false },
      { scriptId: 'x', inputs: {} },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('forwards a trusted call to dispatch with its method, input and the ipc transport', async () => {
    const ipc = new FakeIpcMain();
    const { calls, dispatch } = recordingDispatch();
    registerIpcHandlers(ipc, dispatch, isTrusted);
    const input = { scriptId: 'monthly-report', inputs: { month: '2024-05' } };
    const result = await ipc.invoke('api:run.start', { trusted: true }, input);
    expect(result).toEqual({ ok: true, value: { echoed: 'run.start' } });
    expect(calls).toEqual([{ method: 'run.start', input, transport: 'ipc' }]);
  });

  it('turns a dispatcher that throws into an internal Result instead of a thrown IPC error', async () => {
    const ipc = new FakeIpcMain();
    const reported: string[] = [];
    const throwing: Dispatch = async () => {
      throw new Error('boom with a secret path /home/x');
    };
    registerIpcHandlers(ipc, throwing, isTrusted, (method) => reported.push(method));
    const result = await ipc.invoke('api:audit.list', { trusted: true }, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(reported).toEqual(['audit.list']);
  });

  it('reports the methods it serves, read back from a real registration, equal to the contract', () => {
    expect(registeredMethods().sort()).toEqual([...METHOD_NAMES].sort());
  });
});
