import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DebUpdater } from 'electron-updater';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateNotice } from '../../main/contract/about-api.js';
import { UpdateController, type UpdaterPort } from '../../main/updates/controller.js';
import { updateFeed } from '../../main/updates/feed.js';
import { tempDir } from '../support/temp.js';
import {
  channelFile,
  fakeApp,
  NodeHttpExecutor,
  serveUpdateFeed,
  sha512Base64,
} from '../support/update-feed.js';

const ARTEFACT = 'ScriptDesk-0.2.0.deb';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/**
 * electron-updater's real Linux (.deb) updater, driven by the controller against a real feed on
 * 127.0.0.1. The app is a fake (no Electron here); downloads go over node:http instead of
 * Chromium's net, through the same base class that checks the sha512.
 */
async function updaterAgainst(files: Record<string, string | Buffer>, runsBusy = false) {
  const feed = await serveUpdateFeed(files);
  closers.push(feed.close);
  const dir = await tempDir('scriptdesk-update-');
  const fake = await fakeApp(dir, '0.1.0');
  const updater = new DebUpdater(null, fake.app);
  updater.logger = null; // its own log lines are not what the test checks
  // A development build: electron-updater checks one only when told to.
  updater.forceDevUpdateConfig = true;
  // Set where the ElectronHttpExecutor would be; not in electron-updater's typings.
  (updater as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = new NodeHttpExecutor();
  const installs: boolean[][] = [];
  // Installing a .deb would run dpkg under sudo: the test records the call instead.
  updater.quitAndInstall = (...args: boolean[]) => void installs.push(args);
  const notices: UpdateNotice[] = [];
  const controller = new UpdateController(
    updater as unknown as UpdaterPort,
    updateFeed(
      { feedUrl: feed.url, channel: 'latest', checkIntervalHours: 6 },
      { desktop: true, packaged: false },
    ),
    '0.1.0',
    {
      runsBusy: () => runsBusy,
      windowOpen: () => false,
      online: () => true,
      onNotice: (notice) => notices.push(notice),
      later: () => () => undefined, // the test starts each check itself
    },
  );
  controller.start();
  return { controller, notices, installs, fake, feed };
}

describe('updates from a generic feed on 127.0.0.1', () => {
  it('downloads a valid update in the background and reports it ready, installed at quit', async () => {
    const bytes = Buffer.from('the new version of ScriptDesk\n'.repeat(2000));
    const { controller, notices, installs, fake, feed } = await updaterAgainst(
      {
        'latest-linux.yml': channelFile('0.2.0', ARTEFACT, sha512Base64(bytes), bytes.length),
        [ARTEFACT]: bytes,
      },
      true,
    );
    await controller.checkNow();

    expect(feed.requests).toEqual(['latest-linux.yml', ARTEFACT]);
    expect(controller.notice().state).toBe('ready');
    expect(controller.notice().message).toMatch(/0\.2\.0 is downloaded\. It waits for your runs/);
    expect(notices.map((notice) => notice.state)).toEqual(['checking', 'downloading', 'ready']);
    // Runs are busy: nothing installs now; electron-updater holds it for the app's quit.
    expect(installs).toEqual([]);
    expect(fake.quitHandlers).toHaveLength(1);
    const pending = path.join(fake.cacheDir, 'pending');
    expect(await readFile(path.join(pending, ARTEFACT))).toEqual(bytes);
  });

  it('installs a downloaded update at the next idle moment of an app in the background', async () => {
    const bytes = Buffer.from('0.2.0');
    const { controller, installs } = await updaterAgainst({
      'latest-linux.yml': channelFile('0.2.0', ARTEFACT, sha512Base64(bytes), bytes.length),
      [ARTEFACT]: bytes,
    });
    await controller.checkNow();
    // No run, no window: silent install, and the new version starts again.
    expect(installs).toEqual([[true, true]]);
  });

  it('refuses an update whose latest-linux.yml sha512 does not match the file, and keeps the current version', async () => {
    const bytes = Buffer.from('the new version of ScriptDesk\n'.repeat(2000));
    const tampered = Buffer.from(bytes);
    tampered[100] ^= 1;
    const { controller, notices, installs, fake } = await updaterAgainst({
      'latest-linux.yml': channelFile('0.2.0', ARTEFACT, sha512Base64(bytes), bytes.length),
      [ARTEFACT]: tampered,
    });
    await controller.checkNow();

    const notice = controller.notice();
    expect(notice.state).toBe('refused');
    expect(notice.message).toBe(
      'ScriptDesk 0.2.0 was refused: the downloaded file does not match the sha512 checksum the update feed lists, so it may have been altered or damaged. Nothing was installed; you keep version 0.1.0. Tell IT if this happens again.',
    );
    expect(notices.at(-1)).toEqual(notice);
    expect(installs).toEqual([]);
    // Nothing to install at quit, and no file of the download left behind to pass for one.
    expect(fake.quitHandlers).toEqual([]);
    const left = await readdir(path.join(fake.cacheDir, 'pending')).catch(() => []);
    expect(left).toEqual([]);
  });

  it('says the feed cannot be reached when nothing listens there, and keeps the current version', async () => {
    const { controller, feed, installs } = await updaterAgainst({});
    await feed.close();
    closers.length = 0;
    await controller.checkNow();
    expect(controller.notice()).toEqual({
      state: 'unreachable',
      message: `The update feed at ${new URL(feed.url).host} cannot be reached. ScriptDesk tries again in 5 minutes. You keep version 0.1.0.`,
    });
    expect(installs).toEqual([]);
  });

  it('reports the same version as up to date without downloading anything', async () => {
    const bytes = Buffer.from('0.1.0');
    const { controller, feed } = await updaterAgainst({
      'latest-linux.yml': channelFile('0.1.0', ARTEFACT, sha512Base64(bytes), bytes.length),
    });
    await controller.checkNow();
    expect(controller.notice().state).toBe('up-to-date');
    expect(feed.requests).toEqual(['latest-linux.yml']);
  });
});
