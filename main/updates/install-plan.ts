/** What decides when a downloaded update is installed. */
export interface InstallState {
  /** A verified update is downloaded and waits to be installed. */
  ready: boolean;
  /** A run is going or waits in the queue. */
  runsBusy: boolean;
  /** A window of the app is open (the user may be filling a form). */
  windowOpen: boolean;
}

/**
 * - `nothing`: no update waits.
 * - `after-runs`: installed once no run is going or queued (or when the user quits).
 * - `on-quit`: installed when the user quits the app.
 * - `now`: restart into the new version now.
 */
export type InstallPlan = 'nothing' | 'after-runs' | 'on-quit' | 'now';

/**
 * Whether to install a downloaded update now. Never while a run is going or queued (restarting
 * would stop it); never under an open window (the user would lose what they were typing); so
 * `now` is only the idle moment of an app running in the background with nothing to run.
 */
export function installPlan(state: InstallState): InstallPlan {
  if (!state.ready) return 'nothing';
  if (state.runsBusy) return 'after-runs';
  if (state.windowOpen) return 'on-quit';
  return 'now';
}
