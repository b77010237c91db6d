import { describe, expect, it } from 'vitest';
import {
  clearRunAgain,
  pendingRunAgain,
  prefillFrom,
  requestRunAgain,
  type RunAgain,
} from '../../renderer/src/common/run-again.js';

const schema = {
  type: 'object',
  properties: {
    folder: { type: 'string' },
    pin: { type: 'integer', 'x-sensitive': true },
    account: {
      type: 'object',
      properties: { name: { type: 'string' }, token: { type: 'string', 'x-sensitive': true } },
    },
    codes: { type: 'array', items: { type: 'string', 'x-sensitive': true } },
    limit: { type: 'integer' },
  },
};

describe('prefillFrom: a form filled from a run as recorded', () => {
  it('carries recorded values over as they were, nested ones included', () => {
    expect(
      prefillFrom(schema, { folder: '/data/in', limit: 10, account: { name: 'ops' } }),
    ).toEqual({
      data: { folder: '/data/in', limit: 10, account: { name: 'ops' } },
      dropped: [],
      reenter: [],
    });
  });

  it('leaves sensitive values out, wherever they are, and names them to be entered again', () => {
    expect(
      prefillFrom(schema, {
        folder: '/data/in',
        pin: '[redacted]',
        account: { name: 'ops', token: '[redacted]' },
        codes: ['[redacted]', '[redacted]'],
      }),
    ).toEqual({
      data: { folder: '/data/in', account: { name: 'ops' } },
      dropped: [],
      reenter: ['/pin', '/account/token', '/codes/0', '/codes/1'],
    });
  });

  it('leaves out and names the fields the form no longer has', () => {
    expect(prefillFrom(schema, { folder: '/x', oldOption: true, retired: 'y' })).toEqual({
      data: { folder: '/x' },
      dropped: ['oldOption', 'retired'],
      reenter: [],
    });
  });

  it('keeps values the form would now refuse, for the form to show the problem on the field', () => {
    expect(prefillFrom(schema, { limit: 'ten' }).data).toEqual({ limit: 'ten' });
  });
});

describe('the request from a run page to its script form', () => {
  const request: RunAgain = {
    inputs: { a: 1 },
    reason: null,
    dryRun: true,
    fromDryRun: true,
    startedAt: 'x',
  };

  it('is there for the form to read (twice, as a render may) until that form clears it', () => {
    requestRunAgain('s1', request);
    expect(pendingRunAgain('s1')).toBe(request);
    expect(pendingRunAgain('s1')).toBe(request);
    clearRunAgain('s1', request);
    expect(pendingRunAgain('s1')).toBeUndefined();
  });

  it('is not cleared by a form that used an older request', () => {
    const newer: RunAgain = { ...request, dryRun: false };
    requestRunAgain('s2', request);
    requestRunAgain('s2', newer);
    clearRunAgain('s2', request);
    expect(pendingRunAgain('s2')).toBe(newer);
  });
});
