import { describe, expect, it } from 'vitest';
import {
  createDeepLinkHandler,
  deepLinkAction,
  deepLinkInArgv,
} from '../../main/electron/deep-link-opener.js';

describe('the link on a command line', () => {
  it('takes the argument that begins with scriptdesk:, in any case', () => {
    expect(
      deepLinkInArgv([
        'C:\\Program Files\\ScriptDesk\\ScriptDesk.exe',
        '--allow-file-access-from-files',
        'SCRIPTDESK://script/loan-schedule?preset=Q4',
      ]),
    ).toBe('SCRIPTDESK://script/loan-schedule?preset=Q4');
  });

  it('finds none among switches, paths and other addresses', () => {
    expect(
      deepLinkInArgv(['/opt/ScriptDesk/scriptdesk', '--no-sandbox', 'https://x.example/', '.']),
    ).toBeNull();
    expect(deepLinkInArgv([])).toBeNull();
  });

  it('takes the last of several, as the OS appends the link it launched with', () => {
    expect(deepLinkInArgv(['app', 'scriptdesk://script/a', 'scriptdesk://script/b'])).toBe(
      'scriptdesk://script/b',
    );
  });
});

describe('what the shell does with a link', () => {
  it('opens the window at the form’s address built from the id and preset, never the link text', () => {
    expect(deepLinkAction('scriptdesk://script/loan-schedule?preset=Car+loan%2C+5+years')).toEqual({
      action: 'open',
      url: 'app://scriptdesk/index.html#/scripts/loan-schedule?preset=Car%20loan%2C%205%20years',
    });
    expect(deepLinkAction('scriptdesk://script/loan-schedule/')).toEqual({
      action: 'open',
      url: 'app://scriptdesk/index.html#/scripts/loan-schedule',
    });
  });

  it.each([
    [
      'scriptdesk://script/loan-schedule#/runs/0f8fad5b-d9cb-469f-a165-70867728950e',
      'has a # part',
    ],
    ['scriptdesk://settings', 'ScriptDesk links open a script'],
    ['scriptdesk://script/loan-schedule?preset=x&dryRun=false', 'something other than a preset'],
    ['scriptdesk://admin:pw@script/loan-schedule', 'user name or password'],
  ])('refuses %s in plain words', (raw, reason) => {
    const action = deepLinkAction(raw);
    expect(action.action).toBe('refuse');
    if (action.action === 'refuse') {
      expect(action.message).toMatch(/^ScriptDesk did not open the link: /);
      expect(action.message).toContain(reason);
      expect(action.message).not.toContain('pw@');
    }
  });
});

describe('links that arrive before the window is ready', () => {
  it('wait, only the latest is kept, and later ones are acted on at once', () => {
    const done: string[] = [];
    const links = createDeepLinkHandler({
      open: (url) => done.push(`open ${url}`),
      refuse: (message) => done.push(`refuse ${message}`),
    });
    links.receive('scriptdesk://script/first');
    links.receive('scriptdesk://script/second?preset=Q4');
    expect(done).toEqual([]);
    links.ready();
    expect(done).toEqual(['open app://scriptdesk/index.html#/scripts/second?preset=Q4']);
    links.receive('scriptdesk://run/third');
    expect(done[1]).toMatch(
      /^refuse ScriptDesk did not open the link: ScriptDesk links open a script/,
    );
  });

  it('a start without a link does nothing when ready', () => {
    const done: string[] = [];
    createDeepLinkHandler({ open: (u) => done.push(u), refuse: (m) => done.push(m) }).ready();
    expect(done).toEqual([]);
  });
});
