import { describe, expect, it } from 'vitest';
import type { BackgroundChoice } from '../../main/contract/preferences.js';
import {
  afterLastWindowClosed,
  runsInProgressAfter,
  staysInBackground,
  trayMenu,
  type TrayMenuItem,
} from '../../main/electron/background-policy.js';
import { BackgroundKeeper } from '../../main/electron/background-shell.js';
import { keepsRunningWithoutWindows, trayIconFile } from '../../main/platform/background.js';
import { ALL_OSES, type OsName } from '../../main/platform/os.js';

describe('whether the app keeps running in the background', () => {
  it.each<[BackgroundChoice, number, boolean]>([
    ['on', 0, true],
    ['on', 3, true],
    ['off', 0, false],
    ['off', 3, false],
    ['automatic', 0, false],
    ['automatic', 1, true],
  ])('setting %s with %i schedules: %s', (setting, schedules, stays) => {
    expect(staysInBackground(setting, schedules)).toBe(stays);
  });
});

describe('what closing the last window does', () => {
  it.each<[BackgroundChoice, number, OsName, boolean, string]>([
    ['on', 0, 'win32', false, 'stay-in-tray'],
    ['on', 0, 'linux', false, 'stay-in-tray'],
    ['on', 0, 'darwin', false, 'stay-in-tray'],
    ['automatic', 2, 'win32', false, 'stay-in-tray'],
    ['automatic', 0, 'win32', false, 'quit'],
    ['automatic', 0, 'linux', false, 'quit'],
    ['automatic', 0, 'darwin', false, 'stay-in-dock'],
    ['off', 5, 'win32', false, 'quit'],
    ['off', 5, 'darwin', false, 'stay-in-dock'],
    // A quit the user asked for is never overruled, by any setting or OS.
    ['on', 5, 'win32', true, 'quit'],
    ['automatic', 5, 'linux', true, 'quit'],
    ['on', 5, 'darwin', true, 'quit'],
    ['off', 0, 'darwin', true, 'quit'],
  ])(
    'setting %s, %i schedules, on %s, quit asked %s: %s',
    (setting, scheduleCount, os, quitRequested, action) => {
      expect(afterLastWindowClosed({ setting, scheduleCount, os, quitRequested })).toBe(action);
    },
  );
});

describe('the OS conventions for the background', () => {
  it('only macOS keeps an app with no window running by itself', () => {
    expect(ALL_OSES.filter(keepsRunningWithoutWindows)).toEqual(['darwin']);
  });

  it('draws the tray icon in each OS’s format, a template image for the macOS menu bar', () => {
    expect(Object.fromEntries(ALL_OSES.map((os) => [os, trayIconFile(os)]))).toEqual({
      linux: 'tray.png',
      darwin: 'trayTemplate.png',
      win32: 'tray.ico',
    });
  });
});

describe('the tray menu', () => {
  it('offers Open, says no run is in progress, and Quit', () => {
    expect(trayMenu(0)).toEqual({
      tooltip: 'ScriptDesk',
      items: [
        { kind: 'action', id: 'open', label: 'Open ScriptDesk' },
        { kind: 'info', label: 'No runs in progress' },
        { kind: 'separator' },
        { kind: 'action', id: 'quit', label: 'Quit ScriptDesk' },
      ],
    });
  });

  it('counts the runs in progress and says that quitting stops them', () => {
    const one = trayMenu(1);
    expect(one.tooltip).toBe('ScriptDesk — 1 run in progress');
    expect(one.items[1]).toEqual({ kind: 'info', label: '1 run in progress' });
    expect(one.items[3]).toMatchObject({ id: 'quit', label: 'Quit ScriptDesk (stops 1 run)' });
    expect(trayMenu(3).items[3]).toMatchObject({ label: 'Quit ScriptDesk (stops 3 runs)' });
  });
});

describe('the runs in progress, from run.status events', () => {
  it('adds queued and running runs and removes a run when it ends, whatever the ending', () => {
    let runs: ReadonlySet<string> = new Set();
    runs = runsInProgressAfter(runs, { runId: 'a', status: 'queued' });
    runs = runsInProgressAfter(runs, { runId: 'b', status: 'running' });
    runs = runsInProgressAfter(runs, { runId: 'a', status: 'running' });
    expect([...runs].sort()).toEqual(['a', 'b']);
    runs = runsInProgressAfter(runs, { runId: 'a', status: 'cancelled' });
    runs = runsInProgressAfter(runs, { runId: 'b', status: 'interrupted' });
    expect(runs.size).toBe(0);
  });

  it('answers the same set when nothing changed, so the tray is not redrawn', () => {
    const runs = new Set(['a']);
    expect(runsInProgressAfter(runs, { runId: 'a', status: 'running' })).toBe(runs);
    expect(runsInProgressAfter(runs, { runId: 'z', status: 'failed' })).toBe(runs);
  });
});

/** A shell of fakes that records what the keeper asked of Electron. */
function fakeShell(scheduleCount = () => 0) {
  const seen = {
    trays: [] as Array<{ tooltip?: string; menu?: readonly TrayMenuItem[]; destroyed: boolean }>,
    shown: 0,
    quits: 0,
    select: undefined as ((id: 'open' | 'quit') => void) | undefined,
    click: undefined as (() => void) | undefined,
  };
  const keeper = new BackgroundKeeper<readonly TrayMenuItem[]>({
    os: 'win32',
    scheduleCount,
    createTray() {
      const tray: (typeof seen.trays)[number] = { destroyed: false };
      seen.trays.push(tray);
      return {
        setToolTip: (text) => (tray.tooltip = text),
        setContextMenu: (menu) => (tray.menu = menu),
        on: (_event, listener) => (seen.click = listener),
        destroy: () => (tray.destroyed = true),
      };
    },
    buildMenu(items, select) {
      seen.select = select;
      return items;
    },
    showWindow: () => seen.shown++,
    quit: () => seen.quits++,
  });
  return { keeper, seen };
}

describe('the background keeper, against a fake tray', () => {
  it('shows a tray only while the setting keeps the app in the background', () => {
    const { keeper, seen } = fakeShell();
    keeper.settingChanged('automatic');
    expect(seen.trays).toHaveLength(0);
    keeper.settingChanged('on');
    expect(seen.trays).toHaveLength(1);
    expect(seen.trays[0]!.tooltip).toBe('ScriptDesk');
    keeper.settingChanged('off');
    expect(seen.trays[0]!.destroyed).toBe(true);
  });

  it('with schedules, automatic shows the tray and closing the window keeps the app', () => {
    const { keeper, seen } = fakeShell(() => 2);
    keeper.settingChanged('automatic');
    expect(seen.trays).toHaveLength(1);
    keeper.lastWindowClosed();
    expect(seen.quits).toBe(0);
  });

  it('updates the menu as runs start and end, and its items open the window or quit', () => {
    const { keeper, seen } = fakeShell();
    keeper.settingChanged('on');
    keeper.runChanged({ runId: 'r1', status: 'running' });
    expect(seen.trays[0]!.tooltip).toBe('ScriptDesk — 1 run in progress');
    expect(seen.trays[0]!.menu?.[3]).toMatchObject({ label: 'Quit ScriptDesk (stops 1 run)' });
    keeper.runChanged({ runId: 'r1', status: 'succeeded' });
    expect(seen.trays[0]!.tooltip).toBe('ScriptDesk');
    seen.select?.('open');
    seen.click?.();
    expect(seen.shown).toBe(2);
    seen.select?.('quit');
    expect(seen.quits).toBe(1);
  });

  it('quits when the last window closes with the setting off, or after the user asked to quit', () => {
    const off = fakeShell();
    off.keeper.settingChanged('off');
    off.keeper.lastWindowClosed();
    expect(off.seen.quits).toBe(1);

    const on = fakeShell();
    on.keeper.settingChanged('on');
    on.keeper.lastWindowClosed();
    expect(on.seen.quits).toBe(0);
    on.keeper.quitting();
    on.keeper.lastWindowClosed();
    expect(on.seen.quits).toBe(1);
  });
});
