import { describe, expect, it } from 'vitest';
import {
  checkScriptLink,
  MAX_DEEP_LINK_LENGTH,
  parseDeepLink,
  scriptPageHash,
} from '../../main/shared/deep-link.js';

describe('parseDeepLink: the links ScriptDesk opens', () => {
  it.each([
    ['scriptdesk://script/loan-schedule?preset=Car%20loan', 'loan-schedule', 'Car loan'],
    ['scriptdesk://script/loan-schedule', 'loan-schedule', null],
    ['scriptdesk://script/loan-schedule/', 'loan-schedule', null],
    ['scriptdesk://script/loan-schedule?preset=Car+loan', 'loan-schedule', 'Car loan'],
    ['SCRIPTDESK://Script/csv-summary?preset=Q4', 'csv-summary', 'Q4'],
    ['scriptdesk://script/a?preset=%C3%89t%C3%A9%20%E2%80%94%2025%25', 'a', 'Été — 25%'],
    ['scriptdesk://script/a?preset=Team%20%40%20London', 'a', 'Team @ London'],
    ['scriptdesk://script/a?preset=x%2Fy', 'a', 'x/y'],
    [
      `scriptdesk://script/${'a'.repeat(64)}?preset=${'p'.repeat(80)}`,
      'a'.repeat(64),
      'p'.repeat(80),
    ],
  ])('opens %s', (raw, scriptId, preset) => {
    expect(parseDeepLink(raw)).toEqual({ ok: true, link: { scriptId, preset } });
  });
});

describe('parseDeepLink: hostile and malformed links are refused in plain words', () => {
  it.each([
    [42, 'the link is not text'],
    [null, 'the link is not text'],
    ['', 'it is not a ScriptDesk link'],
    ['https://script/loan-schedule', 'it is not a ScriptDesk link'],
    ['javascript:alert(1)//scriptdesk://script/a', 'it is not a ScriptDesk link'],
    ['scriptdesk:script/loan-schedule', 'it is not a ScriptDesk link'],
    ['scriptdesk:/script/loan-schedule', 'it is not a ScriptDesk link'],
    ['scriptdesk:///script/loan-schedule', 'ScriptDesk links open a script'],
    ['scriptdesk://run/loan-schedule', 'ScriptDesk links open a script'],
    ['scriptdesk://scripts/loan-schedule', 'ScriptDesk links open a script'],
    ['scriptdesk://script.evil.example/loan-schedule', 'ScriptDesk links open a script'],
    ['scriptdesk://user:secret@script/loan-schedule', 'user name or password'],
    ['scriptdesk://user@script/loan-schedule', 'user name or password'],
    ['scriptdesk://:@script/loan-schedule', 'user name or password'],
    ['scriptdesk://script:8080/loan-schedule', 'names a port'],
    ['scriptdesk://script/loan-schedule#run', 'has a # part'],
    ['scriptdesk://script/loan-schedule?preset=x#', 'has a # part'],
    ['scriptdesk://script', 'must name one script'],
    ['scriptdesk://script/', 'must name one script'],
    ['scriptdesk://script?preset=x', 'must name one script'],
    ['scriptdesk://script/loan-schedule/run', 'must name one script'],
    ['scriptdesk://script/a/../loan-schedule', 'must name one script'],
    ['scriptdesk://script//loan-schedule', 'must name one script'],
    ['scriptdesk://script/..', 'script id in the link is not valid'],
    ['scriptdesk://script/%2e%2e', 'script id in the link is not valid'],
    ['scriptdesk://script/Loan-Schedule', 'script id in the link is not valid'],
    ['scriptdesk://script/-loan', 'script id in the link is not valid'],
    ['scriptdesk://script/loan%2Fschedule', 'script id in the link is not valid'],
    ['scriptdesk://script/loan_schedule', 'script id in the link is not valid'],
    [`scriptdesk://script/${'a'.repeat(65)}`, 'script id in the link is not valid'],
    ['scriptdesk://script/loan-schedule?run=1', 'something other than a preset'],
    ['scriptdesk://script/loan-schedule?preset=x&run=now', 'something other than a preset'],
    ['scriptdesk://script/loan-schedule?preset=x&preset=y', 'more than one preset'],
    ['scriptdesk://script/loan-schedule?preset=', 'preset name in the link is not valid'],
    ['scriptdesk://script/loan-schedule?preset=%20%20', 'preset name in the link is not valid'],
    ['scriptdesk://script/loan-schedule?preset=a%0Ab', 'preset name in the link is not valid'],
    ['scriptdesk://script/loan-schedule?preset=a%00b', 'preset name in the link is not valid'],
    [`scriptdesk://script/a?preset=${'p'.repeat(81)}`, 'at most 80 characters'],
    ['scriptdesk://script/loan-schedule?preset=Car loan', 'spaces or control characters'],
    ['scriptdesk://scr\nipt/loan-schedule', 'spaces or control characters'],
    ['scriptdesk://script/loan-schedule\t', 'spaces or control characters'],
    [' scriptdesk://script/loan-schedule', 'spaces or control characters'],
    ['scriptdesk://script/loan\u0085schedule', 'spaces or control characters'],
    [`scriptdesk://script/a?preset=${'%41'.repeat(400)}`, `longer than ${MAX_DEEP_LINK_LENGTH}`],
  ])('refuses %j', (raw, reason) => {
    const result = parseDeepLink(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('never repeats a secret the link carried in its reason', () => {
    const result = parseDeepLink('scriptdesk://ana:hunter2@script/loan-schedule');
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

describe('the page address of a script form', () => {
  it('encodes the preset so the link reads back to the same name', () => {
    const hash = scriptPageHash('loan-schedule', 'Car loan & 5% / year?');
    expect(hash).toBe('#/scripts/loan-schedule?preset=Car%20loan%20%26%205%25%20%2F%20year%3F');
    const [, query] = hash.split('?');
    expect(checkScriptLink('loan-schedule', `?${query}`)).toEqual({
      ok: true,
      link: { scriptId: 'loan-schedule', preset: 'Car loan & 5% / year?' },
    });
  });

  it('leaves the query out when no preset is named', () => {
    expect(scriptPageHash('loan-schedule')).toBe('#/scripts/loan-schedule');
    expect(scriptPageHash('loan-schedule', null)).toBe('#/scripts/loan-schedule');
  });
});
