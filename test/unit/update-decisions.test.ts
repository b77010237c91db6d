import { describe, expect, it } from 'vitest';
import {
  checkPlan,
  FIRST_RETRY_MS,
  retryDelay,
  type CheckState,
} from '../../main/updates/check-plan.js';
import { updateFailure } from '../../main/updates/failure.js';
import { updateFeed } from '../../main/updates/feed.js';
import {
  installPlan,
  type InstallPlan,
  type InstallState,
} from '../../main/updates/install-plan.js';
import { isNotifiedUpdate, updateNotice, updatesOffNotice } from '../../main/updates/notice.js';

const HOUR = 3_600_000;
const POLICY = { channel: 'latest', checkIntervalHours: 6 };
const DESKTOP = { desktop: true, packaged: true };

describe('updateFeed: updates come from the machine policy only', () => {
  it.each([
    [{ ...POLICY }, DESKTOP, /names no update feed \(updates\.feedUrl\)/],
    [{ ...POLICY }, { desktop: false, packaged: false }, /names no update feed/],
    [
      { ...POLICY, feedUrl: 'https://u.example.org/sd' },
      { desktop: false, packaged: false },
      /the desktop app installs them/,
    ],
    [
      { ...POLICY, feedUrl: 'http://127.0.0.1:8080/' },
      DESKTOP,
      /plain http, which only development builds accept/,
    ],
  ])('is off for %j in %j, saying why', (policy, build, reason) => {
    const feed = updateFeed(policy, build);
    expect(feed.on).toBe(false);
    if (!feed.on) expect(feed.reason).toMatch(reason);
  });

  it('is on for an https feed, as a folder, with the channel and the interval in milliseconds', () => {
    expect(
      updateFeed(
        { feedUrl: 'https://u.example.org/sd', channel: 'beta', checkIntervalHours: 2 },
        DESKTOP,
      ),
    ).toEqual({
      on: true,
      url: 'https://u.example.org/sd/',
      channel: 'beta',
      intervalMs: 2 * HOUR,
    });
  });

  it('takes a loopback http feed in a development build (tests, trying a feed out)', () => {
    expect(
      updateFeed(
        { ...POLICY, feedUrl: 'http://127.0.0.1:8080/' },
        { desktop: true, packaged: false },
      ).on,
    ).toBe(true);
  });
});

describe('checkPlan: when to ask the feed', () => {
  const base: CheckState = {
    now: 10 * HOUR,
    lastCheckAt: null,
    failures: 0,
    online: true,
    busy: false,
    intervalMs: 6 * HOUR,
  };
  it.each<[string, Partial<CheckState>, ReturnType<typeof checkPlan>]>([
    ['at start', {}, { action: 'check' }],
    ['not while a check runs', { busy: true }, { action: 'wait-for-check' }],
    ['not offline, waiting for the network', { online: false }, { action: 'wait-for-network' }],
    [
      'not offline even when due',
      { online: false, lastCheckAt: 0 },
      { action: 'wait-for-network' },
    ],
    [
      'an interval after the last check',
      { lastCheckAt: 9 * HOUR },
      { action: 'wait', ms: 5 * HOUR },
    ],
    ['when the interval has passed', { lastCheckAt: 4 * HOUR }, { action: 'check' }],
    [
      '5 minutes after one failure',
      { lastCheckAt: 10 * HOUR, failures: 1 },
      { action: 'wait', ms: FIRST_RETRY_MS },
    ],
    [
      '20 minutes after three failures',
      { lastCheckAt: 10 * HOUR, failures: 3 },
      { action: 'wait', ms: 4 * FIRST_RETRY_MS },
    ],
    [
      'no later than the interval after many failures',
      { lastCheckAt: 10 * HOUR, failures: 40 },
      { action: 'wait', ms: 6 * HOUR },
    ],
    [
      'no more than one interval away when the clock was turned back',
      { lastCheckAt: 30 * HOUR },
      { action: 'wait', ms: 6 * HOUR },
    ],
  ])('checks %s', (_name, change, plan) => {
    expect(checkPlan({ ...base, ...change })).toEqual(plan);
  });

  it('backs off by doubling, capped at the interval', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay(n, 2 * HOUR) / 60_000)).toEqual([
      120, 5, 10, 20, 40, 80, 120, 120,
    ]);
  });
});

describe('installPlan: never while a run is going or queued', () => {
  it.each<[InstallState, InstallPlan]>([
    [{ ready: false, runsBusy: false, windowOpen: false }, 'nothing'],
    [{ ready: true, runsBusy: true, windowOpen: false }, 'after-runs'],
    [{ ready: true, runsBusy: true, windowOpen: true }, 'after-runs'],
    [{ ready: true, runsBusy: false, windowOpen: true }, 'on-quit'],
    [{ ready: true, runsBusy: false, windowOpen: false }, 'now'],
  ])('%j → %s', (state, plan) => {
    expect(installPlan(state)).toBe(plan);
  });
});

describe('updateFailure: what went wrong, from electron-updater errors', () => {
  const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  it.each<[unknown, ReturnType<typeof updateFailure>]>([
    [coded('ERR_CHECKSUM_MISMATCH', 'sha512 checksum mismatch'), 'sha512'],
    [coded('ERR_UPDATER_INVALID_SIGNATURE'), 'signature'],
    [new Error('Code signature at URL file:///x did not pass validation'), 'signature'],
    [coded('ECONNREFUSED'), 'unreachable'],
    [coded('ENOTFOUND'), 'unreachable'],
    [new Error('net::ERR_INTERNET_DISCONNECTED'), 'unreachable'],
    [coded('HTTP_ERROR_503'), 'unreachable'],
    [coded('HTTP_ERROR_404'), 'feed'],
    [coded('ERR_UPDATER_CHANNEL_FILE_NOT_FOUND'), 'feed'],
    [coded('ERR_UPDATER_INVALID_UPDATE_INFO'), 'feed'],
    [new Error('EACCES: permission denied'), 'other'],
    ['a string', 'other'],
  ])('%s → %s', (error, kind) => {
    expect(updateFailure(error)).toBe(kind);
  });
});

describe('updateNotice: plain words', () => {
  const failed = {
    state: 'failed' as const,
    current: '1.0.0',
    version: '1.1.0',
    feedHost: 'u.example.org',
    retryInMs: 60_000,
  };
  it.each<[Parameters<typeof updateNotice>[0], string, RegExp]>([
    [
      { state: 'downloading', version: '1.1.0', percent: 42.7 },
      'downloading',
      /^ScriptDesk 1\.1\.0 is available and downloading in the background \(42%\)\.$/,
    ],
    [
      { state: 'downloading', version: '1.1.0', percent: null },
      'downloading',
      /in the background\.$/,
    ],
    [
      { state: 'ready', version: '1.1.0', waitingForRuns: false },
      'ready',
      /^ScriptDesk 1\.1\.0 is downloaded and installs when you quit ScriptDesk\.$/,
    ],
    [
      { state: 'ready', version: '1.1.0', waitingForRuns: true },
      'ready',
      /waits for your runs to end/,
    ],
    [
      { ...failed, failure: 'sha512' },
      'refused',
      /does not match the sha512 checksum.*you keep version 1\.0\.0/,
    ],
    [
      { ...failed, failure: 'signature' },
      'refused',
      /not signed by the publisher of this app.*you keep version 1\.0\.0/,
    ],
    [
      { ...failed, failure: 'unreachable' },
      'unreachable',
      /^The update feed at u\.example\.org cannot be reached\. ScriptDesk tries again in 1 minute\./,
    ],
    [{ ...failed, failure: 'feed' }, 'failed', /has no usable release for this computer/],
    [
      { ...failed, failure: 'other', version: null },
      'failed',
      /you keep version 1\.0\.0\. ScriptDesk tries again in 1 minute/,
    ],
    [{ state: 'up-to-date', current: '1.0.0' }, 'up-to-date', /1\.0\.0 is the newest version/],
  ])('%j', (status, state, message) => {
    const notice = updateNotice(status);
    expect(notice.state).toBe(state);
    expect(notice.message).toMatch(message);
  });

  it('tells the web host why it does not update', () => {
    expect(updatesOffNotice({ ...POLICY, feedUrl: 'https://u.example.org/' }).message).toMatch(
      /desktop app installs them/,
    );
    expect(updatesOffNotice(POLICY)).toEqual({
      state: 'off',
      message: expect.stringMatching(/names no update feed/),
    });
  });
});

describe('isNotifiedUpdate: which notices the operating system shows too', () => {
  it.each([
    ['ready', true],
    ['refused', true],
    ['off', false],
    ['checking', false],
    ['downloading', false],
    ['unreachable', false],
    ['failed', false],
    ['up-to-date', false],
  ] as const)('%s → %s', (state, shown) => {
    expect(isNotifiedUpdate({ state, message: 'x' })).toBe(shown);
  });
});
