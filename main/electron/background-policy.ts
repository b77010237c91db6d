import type { BackgroundChoice } from '../contract/preferences.js';
import type { RunStatus } from '../contract/run-schemas.js';
import { keepsRunningWithoutWindows } from '../platform/background.js';
import type { OsName } from '../platform/os.js';

/**
 * The desktop app with its window closed: whether it keeps running (in the tray, the menu bar on
 * macOS) or quits, and what the tray's menu offers. Plain decisions; `main.ts` only maps them to
 * Electron's `Tray`, `Menu` and window events.
 */

/**
 * Whether the app stays in the tray when its window is closed, by the user's setting: always
 * (`on`), never (`off`), or while the user has schedules (`automatic`), so that they run on time.
 */
export function staysInBackground(setting: BackgroundChoice, scheduleCount: number): boolean {
  switch (setting) {
    case 'on':
      return true;
    case 'off':
      return false;
    case 'automatic':
      return scheduleCount > 0;
  }
}

/** Everything the decision on closing the last window depends on. */
export interface WindowClosed {
  setting: BackgroundChoice;
  /** The user's schedules now (the schedules service's count). */
  scheduleCount: number;
  os: OsName;
  /** The user asked to quit (the tray's Quit, the app menu's Quit, Cmd+Q): never overruled. */
  quitRequested: boolean;
}

/**
 * What happens when the last window closes: `stay-in-tray` (the tray icon reopens it),
 * `stay-in-dock` (macOS's own convention for an app with no window), or `quit`. A quit the user
 * asked for always quits. The window itself is closed, not hidden: its page holds nothing main
 * does not keep, and a closed one uses no memory while the app waits in the background.
 */
export function afterLastWindowClosed(
  closed: WindowClosed,
): 'quit' | 'stay-in-tray' | 'stay-in-dock' {
  if (closed.quitRequested) return 'quit';
  if (staysInBackground(closed.setting, closed.scheduleCount)) return 'stay-in-tray';
  return keepsRunningWithoutWindows(closed.os) ? 'stay-in-dock' : 'quit';
}

/** One entry of the tray's menu; `id` says what selecting it does. */
export type TrayMenuItem =
  | { kind: 'action'; id: 'open' | 'quit'; label: string }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

/** The tray icon's tooltip and menu. */
export interface TrayMenu {
  tooltip: string;
  items: TrayMenuItem[];
}

function runsWord(count: number): string {
  return count === 1 ? '1 run' : `${count} runs`;
}

/**
 * The tray's menu for `activeRuns` runs queued or running: Open ScriptDesk, how many runs are
 * going on (not selectable), Quit — which says it stops them, since quitting does.
 */
export function trayMenu(activeRuns: number): TrayMenu {
  const running = activeRuns === 0 ? 'No runs in progress' : `${runsWord(activeRuns)} in progress`;
  return {
    tooltip: activeRuns === 0 ? 'ScriptDesk' : `ScriptDesk — ${runsWord(activeRuns)} in progress`,
    items: [
      { kind: 'action', id: 'open', label: 'Open ScriptDesk' },
      { kind: 'info', label: running },
      { kind: 'separator' },
      {
        kind: 'action',
        id: 'quit',
        label:
          activeRuns === 0 ? 'Quit ScriptDesk' : `Quit ScriptDesk (stops ${runsWord(activeRuns)})`,
      },
    ],
  };
}

const ACTIVE: ReadonlySet<RunStatus> = new Set<RunStatus>(['queued', 'running']);

/**
 * The runs in progress after a `run.status` event: a queued or running run is added, any other
 * status (an ending) removes it. Returns the same set when nothing changed, so the tray is
 * redrawn only when its count changes.
 */
export function runsInProgressAfter(
  inProgress: ReadonlySet<string>,
  run: { runId: string; status: RunStatus },
): ReadonlySet<string> {
  const active = ACTIVE.has(run.status);
  if (active === inProgress.has(run.runId)) return inProgress;
  const next = new Set(inProgress);
  if (active) next.add(run.runId);
  else next.delete(run.runId);
  return next;
}
