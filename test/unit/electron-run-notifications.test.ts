import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../main/contract/api.js';
import {
  notificationFor,
  runPageUrl,
  showRunNotifications,
  type NotificationLike,
  type NotificationShell,
} from '../../main/electron/run-notifications.js';

const RUN_ID = '0b7e4f8e-6a1c-4a43-9b38-4bd1b0f0d2a1';
const NOTICE: ApiEvent = {
  name: 'run.notice',
  payload: {
    runId: RUN_ID,
    status: 'succeeded',
    title: 'Monthly extract finished',
    body: 'Took 12 s. Select to open the run in ScriptDesk.',
  },
};

/** A hand-written stand-in for Electron's Notification and window (the binary cannot run here). */
class FakeNotification extends EventEmitter implements NotificationLike {
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    this.shown = true;
  }
}

function fakeShell(state: { supported?: boolean; focused?: boolean } = {}) {
  const created: FakeNotification[] = [];
  const opened: string[] = [];
  const shell: NotificationShell = {
    supported: () => state.supported ?? true,
    create: (options) => {
      const notification = new FakeNotification(options);
      created.push(notification);
      return notification;
    },
    windowFocused: () => state.focused ?? false,
    open: (url) => opened.push(url),
  };
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => listeners.forEach((listener) => listener(event));
  const subscribe = (listener: (event: ApiEvent) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return { shell, created, opened, emit, subscribe, listeners };
}

describe('the Electron shell’s OS notifications for long runs', () => {
  it('shows main’s words for a run.notice while the window is in the background; selecting it opens the run', () => {
    const fake = fakeShell();
    showRunNotifications(fake.subscribe, fake.shell);
    fake.emit(NOTICE);
    expect(fake.created.map((n) => [n.options.title, n.options.body, n.shown])).toEqual([
      ['Monthly extract finished', 'Took 12 s. Select to open the run in ScriptDesk.', true],
    ]);
    fake.created[0]!.emit('click');
    expect(fake.opened).toEqual([`app://scriptdesk/index.html#/runs/${RUN_ID}`]);
  });

  it('shows nothing while the window has the focus (its title badge says it) or where the OS cannot', () => {
    expect(notificationFor(NOTICE, { supported: true, windowFocused: true })).toBeNull();
    expect(notificationFor(NOTICE, { supported: false, windowFocused: false })).toBeNull();
  });

  it('shows nothing for any other event, such as a run’s status', () => {
    const status: ApiEvent = {
      name: 'run.status',
      payload: {
        runId: RUN_ID,
        scriptId: 'monthly-extract',
        scriptVersion: '1.0.0',
        title: 'Monthly extract',
        status: 'succeeded',
        dryRun: false,
        startedAt: '2026-12-07T09:00:00.000Z',
        finishedAt: '2026-12-07T09:00:12.000Z',
        exitCode: 0,
        message: '',
      },
    };
    expect(notificationFor(status, { supported: true, windowFocused: false })).toBeNull();
  });

  it('never points the window anywhere but a run page: a run id that is not a UUID opens nothing', () => {
    expect(runPageUrl('../../etc/passwd')).toBeNull();
    expect(runPageUrl(`${RUN_ID}#x`)).toBeNull();
    const odd = { ...NOTICE, payload: { ...NOTICE.payload, runId: 'https://evil.example/' } };
    expect(notificationFor(odd as ApiEvent, { supported: true, windowFocused: false })).toBeNull();
  });

  it('stops when unsubscribed', () => {
    const fake = fakeShell();
    const stop = showRunNotifications(fake.subscribe, fake.shell);
    stop();
    fake.emit(NOTICE);
    expect(fake.created).toEqual([]);
  });
});
