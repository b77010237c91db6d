import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../main/contract/api.js';
import { longRunNotice } from '../../main/runs/long-run-notice.js';

const START = '2026-12-07T09:00:00.000Z';
const after = (seconds: number) => new Date(Date.parse(START) + seconds * 1000).toISOString();

function run(change: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: '0b7e4f8e-6a1c-4a43-9b38-4bd1b0f0d2a1',
    scriptId: 'monthly-extract',
    scriptVersion: '1.0.0',
    title: 'Monthly extract',
    status: 'succeeded',
    dryRun: false,
    startedAt: START,
    finishedAt: after(12),
    exitCode: 0,
    message: 'Wrote 12,345 rows for customer ACME (token sk-live-123)',
    ...change,
  };
}
const ON = { notify: true, longRunSeconds: 10 };

describe('longRunNotice: which ended runs the user is told about, and in what words', () => {
  it('a run that succeeded after 12 s, threshold 10 s: the script title, the outcome and how long it took', () => {
    expect(longRunNotice(run(), ON)).toEqual({
      runId: '0b7e4f8e-6a1c-4a43-9b38-4bd1b0f0d2a1',
      status: 'succeeded',
      title: 'Monthly extract finished',
      body: 'Took 12 s. Select to open the run in ScriptDesk.',
    });
  });

  it('never carries the run message, its inputs or its output, only the title and outcome', () => {
    const notice = longRunNotice(run({ status: 'failed', exitCode: 1 }), ON)!;
    expect(notice.title).toBe('Monthly extract failed');
    expect(JSON.stringify(notice)).not.toMatch(/ACME|sk-live|12,345/);
  });

  it('says each outcome a user waits for in words', () => {
    const words = (status: RunSummary['status']) => longRunNotice(run({ status }), ON)?.title;
    expect(words('expected')).toBe('Monthly extract finished with an expected outcome');
    expect(words('retriable')).toBe('Monthly extract could not finish: try again later');
    expect(words('timeout')).toBe('Monthly extract was stopped: it ran out of time');
    expect(words('output_limit')).toBe('Monthly extract was stopped: it wrote too much output');
  });

  it('says nothing when notifications are off', () => {
    expect(longRunNotice(run(), { notify: false, longRunSeconds: 10 })).toBeNull();
  });

  it('says nothing for a run of 10 s or less (over the threshold only)', () => {
    expect(longRunNotice(run({ finishedAt: after(10) }), ON)).toBeNull();
    expect(longRunNotice(run({ finishedAt: after(3) }), ON)).toBeNull();
    expect(longRunNotice(run({ finishedAt: after(10.5) }), ON)).not.toBeNull();
  });

  it('says nothing for a run still going, one the user cancelled, or one a crash interrupted', () => {
    expect(longRunNotice(run({ status: 'running', finishedAt: null }), ON)).toBeNull();
    expect(longRunNotice(run({ status: 'cancelled' }), ON)).toBeNull();
    expect(longRunNotice(run({ status: 'interrupted', finishedAt: after(3600) }), ON)).toBeNull();
  });

  it('says nothing when the recorded times cannot be read', () => {
    expect(longRunNotice(run({ startedAt: 'not a time' }), ON)).toBeNull();
  });

  it('names a dry run as such and writes long durations in minutes and hours', () => {
    expect(longRunNotice(run({ dryRun: true, finishedAt: after(185) }), ON)?.body).toBe(
      'Dry run, took 3 min 5 s. Select to open the run in ScriptDesk.',
    );
    expect(longRunNotice(run({ finishedAt: after(3720) }), ON)?.body).toMatch(/^Took 1 h 2 min\./);
  });

  it('puts a title with control or invisible characters on one clean line, cut to 80 characters', () => {
    const notice = longRunNotice(
      run({ title: 'Monthly\n\u202eextract\u0007' + 'x'.repeat(100) }),
      ON,
    )!;
    for (const character of ['\n', '\u202e', '\u0007'])
      expect(notice.title).not.toContain(character);
    expect(notice.title.startsWith('Monthly extract')).toBe(true);
    expect(notice.title).toMatch(/… finished$/);
    expect(notice.title.length).toBeLessThanOrEqual(80 + ' finished'.length);
  });
});
