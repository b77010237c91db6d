import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { UpdateController, type UpdaterPort } from '../../main/updates/controller.js';
import { updateFeed } from '../../main/updates/feed.js';

/**
 * The controller's wiring over a hand-written updater: installing cannot run here (it replaces
 * the app), so the fake records it. The real updater against a real feed is in
 * test/integration/update-feed.test.ts.
 */
class FakeUpdater extends EventEmitter {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  allowDowngrade = true;
  feed: unknown = null;
  installs: boolean[][] = [];
  offer: string | null = '2.0.0';
  fail: Error | null = null;
  inactive = false;
  setFeedURL(options: unknown) {
    this.feed = options;
  }
  checkForUpdates() {
    if (this.fail) return Promise.reject(this.fail);
    if (this.inactive) return Promise.resolve(null);
    if (this.offer === null) return Promise.resolve({ downloadPromise: null });
    this.emit('update-available', { version: this.offer });
    this.emit('download-progress', { percent: 50 });
    this.emit('update-downloaded', { version: this.offer });
    return Promise.resolve({ downloadPromise: Promise.resolve() });
  }
  quitAndInstall(...args: boolean[]) {
    this.installs.push(args);
  }
}

function setUp(policy: { feedUrl?: string } = { feedUrl: 'https://u.example.org/sd' }) {
  const updater = new FakeUpdater();
  const app = { busy: true, window: true, online: true, now: 1_000_000 };
  const timers: { ms: number; task: () => void }[] = [];
  const controller = new UpdateController(
    updater as unknown as UpdaterPort,
    updateFeed(
      { ...policy, channel: 'beta', checkIntervalHours: 1 },
      { desktop: true, packaged: true },
    ),
    '1.0.0',
    {
      runsBusy: () => app.busy,
      windowOpen: () => app.window,
      online: () => app.online,
      now: () => app.now,
      later: (task, ms) => {
        const timer = { ms, task };
        timers.push(timer);
        return () => timers.splice(timers.indexOf(timer), 1);
      },
    },
  );
  return { updater, app, timers, controller };
}

describe('UpdateController', () => {
  it('configures the updater from the policy: background download, install at quit, no downgrade', () => {
    const { updater, controller, timers } = setUp();
    controller.start();
    expect(updater.feed).toEqual({
      provider: 'generic',
      url: 'https://u.example.org/sd/',
      channel: 'beta',
    });
    expect([updater.autoDownload, updater.autoInstallOnAppQuit, updater.allowDowngrade]).toEqual([
      true,
      true,
      false,
    ]);
    expect(timers.map((t) => t.ms)).toEqual([0]);
  });

  it('does nothing at all without a feed, and About says updates are off', () => {
    const { updater, controller, timers } = setUp({});
    controller.start();
    expect(updater.feed).toBeNull();
    expect(timers).toEqual([]);
    expect(controller.notice().state).toBe('off');
  });

  it('holds a downloaded update while runs are busy and installs it at the first idle moment in the background', async () => {
    const { updater, app, controller, timers } = setUp();
    controller.start();
    await controller.checkNow();
    expect(controller.notice()).toMatchObject({
      state: 'ready',
      message: expect.stringMatching(/waits for your runs/),
    });
    expect(timers.map((t) => t.ms)).toEqual([3_600_000]);
    app.busy = false;
    controller.idle();
    expect(controller.notice().message).toMatch(/installs when you quit/);
    expect(updater.installs).toEqual([]);
    app.window = false;
    controller.idle();
    expect(updater.installs).toEqual([[true, true]]);
  });

  it('backs off after a failed check and checks again when the network comes back', async () => {
    const { updater, app, controller, timers } = setUp();
    controller.start();
    updater.fail = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await controller.checkNow();
    expect(controller.notice().state).toBe('unreachable');
    expect(timers.map((t) => t.ms)).toEqual([5 * 60_000]);
    app.online = false;
    controller.networkChanged();
    expect(timers).toEqual([]);
    app.online = true;
    app.now += 5 * 60_000;
    controller.networkChanged();
    expect(timers.map((t) => t.ms)).toEqual([0]);
  });

  it('says the version is the newest when the feed offers nothing newer', async () => {
    const { updater, controller } = setUp();
    updater.offer = null;
    controller.start();
    await controller.checkNow();
    expect(controller.notice().state).toBe('up-to-date');
  });

  it('turns updates off, saying why, when this install cannot update itself', async () => {
    const { updater, controller, timers } = setUp();
    updater.inactive = true;
    controller.start();
    await controller.checkNow();
    expect(controller.notice()).toMatchObject({
      state: 'off',
      message: expect.stringMatching(/this installation cannot update itself/),
    });
    expect(timers).toEqual([]);
  });
});
