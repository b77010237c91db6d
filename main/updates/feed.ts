/** The update settings of the machine policy (`updates` in policy.json). */
export interface UpdatePolicy {
  feedUrl?: string | undefined;
  channel: string;
  checkIntervalHours: number;
}

/** Where this app looks for new versions, or why it does not look at all. */
export type UpdateFeed =
  { on: true; url: string; channel: string; intervalMs: number } | { on: false; reason: string };

/** What the running app is: only a packaged desktop app installs updates from a remote feed. */
export interface UpdateBuild {
  /** The desktop app (Electron); the web host and the CLI never update themselves. */
  desktop: boolean;
  /** A packaged build (Electron's `app.isPackaged`), as opposed to `npm start` or a test. */
  packaged: boolean;
}

/**
 * Whether updates are on, from the machine policy only (never from the user). Plain http is left
 * to development builds even on loopback: any program on the computer, run by any user, can listen
 * on a loopback port and answer as the feed, and on Linux the feed's own sha512 is the only check.
 */
export function updateFeed(policy: UpdatePolicy, build: UpdateBuild): UpdateFeed {
  if (policy.feedUrl === undefined)
    return {
      on: false,
      reason:
        'Updates are off: the machine policy names no update feed (updates.feedUrl). Ask IT if this computer should update ScriptDesk itself.',
    };
  if (!build.desktop)
    return { on: false, reason: 'Updates are off here: the desktop app installs them.' };
  const url = new URL(policy.feedUrl);
  if (url.protocol !== 'https:' && build.packaged)
    return {
      on: false,
      reason: `Updates are off: the machine policy's update feed ${url.origin} is plain http, which only development builds accept. Ask IT for an https:// feed.`,
    };
  return {
    on: true,
    // electron-updater resolves file names against the feed as a folder.
    url: url.href.endsWith('/') ? url.href : `${url.href}/`,
    channel: policy.channel,
    intervalMs: policy.checkIntervalHours * 3_600_000,
  };
}
