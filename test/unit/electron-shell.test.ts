import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/contract/api.js';
import { APP_ORIGIN } from '../../main/electron/app-origin.js';
import { appResponseHeaders, resolveAppFile } from '../../main/electron/app-protocol.js';
import { contentSecurityPolicy } from '../../main/shared/content-security-policy.js';
import {
  API_EVENT_CHANNEL,
  forwardApiEvents,
  type EventTargetLike,
} from '../../main/electron/ipc.js';
import { createQuitHandler } from '../../main/electron/shutdown.js';

describe('app:// file resolution', () => {
  const root = path.resolve('/opt/scriptdesk/dist/renderer');

  it('serves index.html for the root and files under the renderer folder with their type', () => {
    expect(resolveAppFile('app://scriptdesk/', root, APP_ORIGIN)).toEqual({
      kind: 'file',
      path: path.join(root, 'index.html'),
      contentType: 'text/html; charset=utf-8',
    });
    expect(resolveAppFile('app://scriptdesk/assets/index-abc.js?v=1#x', root, APP_ORIGIN)).toEqual({
      kind: 'file',
      path: path.join(root, 'assets', 'index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
  });

  it('keeps dot segments inside the renderer folder: the URL cannot climb above its root', () => {
    expect(
      resolveAppFile('app://scriptdesk/%2e%2e/%2e%2e/etc/passwd.txt', root, APP_ORIGIN),
    ).toMatchObject({
      kind: 'file',
      path: path.join(root, 'etc', 'passwd.txt'),
    });
  });

  it.each([
    'app://scriptdesk/..%2F..%2Fmain%2Fapp.js',
    'app://scriptdesk/assets/..%2F..%2F..%2Fsecret.json',
    'app://scriptdesk/..%5C..%5Csecret.json',
    'app://scriptdesk/index.html%00.js',
    'app://scriptdesk/%E0%A4%A',
  ])('refuses %s, which tries to leave the renderer folder or is malformed', (url) => {
    const lookup = resolveAppFile(url, root, APP_ORIGIN);
    expect(lookup.kind).toBe('refused');
  });

  it('hands /validators/<sha256>.js to main (the installed catalogue), never to the disk', () => {
    const sha256 = 'ab'.repeat(32);
    expect(resolveAppFile(`app://scriptdesk/validators/${sha256}.js`, root, APP_ORIGIN)).toEqual({
      kind: 'validator',
      sha256,
    });
    // Anything that is not exactly a lower-case hash is an ordinary path under the renderer folder.
    for (const name of [sha256.toUpperCase(), sha256.slice(1), `${sha256}%2F..`])
      expect(
        resolveAppFile(`app://scriptdesk/validators/${name}.js`, root, APP_ORIGIN).kind,
      ).not.toBe('validator');
    expect(resolveAppFile(`app://other/validators/${sha256}.js`, root, APP_ORIGIN).kind).toBe(
      'refused',
    );
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppFile('app://other/index.html', root, APP_ORIGIN).kind).toBe('refused');
    expect(
      resolveAppFile('file:///opt/scriptdesk/dist/renderer/index.html', root, APP_ORIGIN).kind,
    ).toBe('refused');
  });

  it('refuses file types the renderer does not ship rather than guessing their type', () => {
    expect(resolveAppFile('app://scriptdesk/data.sqlite', root, APP_ORIGIN)).toMatchObject({
      kind: 'refused',
      status: 404,
    });
  });

  it('sends the CSP and nosniff with every response', () => {
    expect(appResponseHeaders('text/html; charset=utf-8')).toMatchObject({
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('event forwarding', () => {
  const event: ApiEvent = {
    name: 'run.progress',
    payload: { runId: 'r1', percent: 50, label: 'half' },
  };

  /** A hand-written subscribe that lets the test publish. */
  function publisher() {
    const listeners = new Set<(event: ApiEvent) => void>();
    return {
      subscribe: (listener: (event: ApiEvent) => void) => {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
      publish: (e: ApiEvent) => listeners.forEach((listener) => listener(e)),
    };
  }

  function window(destroyed = false) {
    const sent: Array<[string, ApiEvent]> = [];
    const target: EventTargetLike = {
      send: (channel, payload) => void sent.push([channel, payload]),
      isDestroyed: () => destroyed,
    };
    return { sent, target };
  }

  it('sends each event to the current window on api:event, and stops after unsubscribe', () => {
    const source = publisher();
    const first = window();
    const second = window();
    let current: EventTargetLike | null = first.target;
    const stop = forwardApiEvents(source.subscribe, () => current);
    source.publish(event);
    current = second.target;
    source.publish(event);
    stop();
    source.publish(event);
    expect(first.sent).toEqual([[API_EVENT_CHANNEL, event]]);
    expect(second.sent).toEqual([[API_EVENT_CHANNEL, event]]);
  });

  it('drops events while there is no window or it is destroyed', () => {
    const source = publisher();
    const destroyed = window(true);
    let current: EventTargetLike | null = null;
    forwardApiEvents(source.subscribe, () => current);
    expect(() => source.publish(event)).not.toThrow();
    current = destroyed.target;
    source.publish(event);
    expect(destroyed.sent).toEqual([]);
  });
});

describe('quit handling', () => {
  function quitEvent() {
    return {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
  }

  it('holds the first quit until the app has closed, closes it once, then lets the quit through', async () => {
    let closes = 0;
    let release!: () => void;
    const quits: string[] = [];
    const handler = createQuitHandler(
      () => {
        closes += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => void quits.push('quit'),
      () => {},
    );
    const first = quitEvent();
    handler(first);
    const impatient = quitEvent();
    handler(impatient);
    expect([first.prevented, impatient.prevented, closes, quits.length]).toEqual([
      true,
      true,
      1,
      0,
    ]);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(quits).toEqual(['quit']);
    const final = quitEvent();
    handler(final);
    expect(final.prevented).toBe(false);
    expect(closes).toBe(1);
  });

  it('still quits when closing the app fails, and reports the failure', async () => {
    const errors: unknown[] = [];
    const quits: string[] = [];
    const handler = createQuitHandler(
      () => Promise.reject(new Error('journal locked')),
      () => void quits.push('quit'),
      (e) => void errors.push(e),
    );
    handler(quitEvent());
    await new Promise((resolve) => setImmediate(resolve));
    expect(quits).toEqual(['quit']);
    expect(String(errors[0])).toContain('journal locked');
  });
});
