import type { UpdateNotice } from '../contract/about-api.js';
import type { UpdateFailure } from './failure.js';
import { updateFeed, type UpdatePolicy } from './feed.js';

export type { UpdateNotice };

/** Where the updater is, as the controller tracks it. */
export type UpdateStatus =
  | { state: 'off'; reason: string }
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'up-to-date'; current: string }
  | { state: 'downloading'; version: string; percent: number | null }
  | { state: 'ready'; version: string; waitingForRuns: boolean }
  | {
      state: 'failed';
      failure: UpdateFailure;
      current: string;
      version: string | null;
      feedHost: string;
      retryInMs: number;
    };

const minutes = (ms: number) => {
  const n = Math.max(1, Math.round(ms / 60_000));
  return n === 1 ? '1 minute' : `${n} minutes`;
};

/** What the user is told about updates, in plain words: About shows it, notices repeat it. */
export function updateNotice(status: UpdateStatus): UpdateNotice {
  switch (status.state) {
    case 'off':
      return { state: 'off', message: status.reason };
    case 'idle':
      return { state: 'idle', message: 'Updates are on; the first check has not run yet.' };
    case 'checking':
      return { state: 'checking', message: 'Looking for a new version of ScriptDesk.' };
    case 'up-to-date':
      return {
        state: 'up-to-date',
        message: `ScriptDesk ${status.current} is the newest version the update feed offers.`,
      };
    case 'downloading':
      return {
        state: 'downloading',
        message: `ScriptDesk ${status.version} is available and downloading in the background${status.percent === null ? '' : ` (${Math.floor(status.percent)}%)`}.`,
      };
    case 'ready':
      return {
        state: 'ready',
        message: status.waitingForRuns
          ? `ScriptDesk ${status.version} is downloaded. It waits for your runs to end (nothing is installed while a script runs or waits in the queue), then installs when you quit ScriptDesk.`
          : `ScriptDesk ${status.version} is downloaded and installs when you quit ScriptDesk.`,
      };
    case 'failed':
      return failedNotice(status);
  }
}

function failedNotice(status: Extract<UpdateStatus, { state: 'failed' }>): UpdateNotice {
  const name = status.version ? `ScriptDesk ${status.version}` : 'The update';
  const kept = `Nothing was installed; you keep version ${status.current}.`;
  const retry = `ScriptDesk tries again in ${minutes(status.retryInMs)}.`;
  switch (status.failure) {
    case 'sha512':
      return {
        state: 'refused',
        message: `${name} was refused: the downloaded file does not match the sha512 checksum the update feed lists, so it may have been altered or damaged. ${kept} Tell IT if this happens again.`,
      };
    case 'signature':
      return {
        state: 'refused',
        message: `${name} was refused: it is not signed by the publisher of this app. ${kept} Tell IT.`,
      };
    case 'unreachable':
      return {
        state: 'unreachable',
        message: `The update feed at ${status.feedHost} cannot be reached. ${retry} You keep version ${status.current}.`,
      };
    case 'feed':
      return {
        state: 'failed',
        message: `The update feed at ${status.feedHost} has no usable release for this computer (its latest*.yml is missing or wrong). ${retry} Tell IT if this lasts.`,
      };
    case 'other':
      return {
        state: 'failed',
        message: `Looking for or downloading an update failed. ${kept} ${retry}`,
      };
  }
}

/** About outside the desktop app (the web host, tests): updates are off, and why. */
export function updatesOffNotice(policy: UpdatePolicy): UpdateNotice {
  const feed = updateFeed(policy, { desktop: false, packaged: false });
  return updateNotice({ state: 'off', reason: feed.on ? '' : feed.reason });
}

/**
 * Which notices also become an operating-system notification: an update ready to install, and a
 * refused one (the user should hear of it). Checking, downloading and an unreachable feed, which
 * retries by itself, stay in About.
 */
export function isNotifiedUpdate(notice: UpdateNotice): boolean {
  return notice.state === 'ready' || notice.state === 'refused';
}
