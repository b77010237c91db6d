import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type Route } from '../../renderer/src/routing/route.js';

describe('the page address (hash) and the route it stands for', () => {
  it.each<[string, Route]>([
    ['', { page: 'scripts' }],
    ['#/scripts', { page: 'scripts' }],
    ['#/scripts/loan-schedule', { page: 'scripts', scriptId: 'loan-schedule' }],
    [
      '#/scripts/loan-schedule?preset=Car%20loan%2C%205%20years',
      { page: 'scripts', scriptId: 'loan-schedule', preset: 'Car loan, 5 years' },
    ],
    ['#/scripts/loan-schedule?', { page: 'scripts', scriptId: 'loan-schedule' }],
    [
      '#/runs/0f8fad5b-d9cb-469f-a165-70867728950e',
      { page: 'run', runId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    ],
    ['#/history', { page: 'history' }],
    ['#/settings', { page: 'settings' }],
    ['#token=abc', { page: 'scripts' }],
    ['#/elsewhere/x?preset=y', { page: 'scripts' }],
  ])('reads %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it.each([
    ['#/scripts/loan-schedule?preset=a&run=now', 'something other than a preset'],
    ['#/scripts/loan-schedule?preset=a&preset=b', 'more than one preset'],
    ['#/scripts/loan-schedule?preset=%0A', 'preset name in the link is not valid'],
    [`#/scripts/loan-schedule?preset=${'x'.repeat(81)}`, 'at most 80 characters'],
  ])('opens the script but not the preset of %j, and says why', (hash, reason) => {
    const route = parseRoute(hash);
    expect(route).toMatchObject({ page: 'scripts', scriptId: 'loan-schedule' });
    expect(route).not.toHaveProperty('preset');
    expect(route.page === 'scripts' && route.linkProblem).toContain(reason);
  });

  it.each<Route>([
    { page: 'scripts' },
    { page: 'scripts', scriptId: 'loan-schedule' },
    { page: 'scripts', scriptId: 'loan-schedule', preset: 'Q4 — close & report?' },
    { page: 'run', runId: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    { page: 'history' },
    { page: 'settings' },
  ])('writes %j so that it reads back the same', (route) => {
    expect(parseRoute(formatRoute(route))).toEqual(route);
  });
});
