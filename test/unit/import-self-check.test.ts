import { describe, expect, it } from 'vitest';
import type { GeneratedScript } from '../../main/importing/generated-script.js';
import { buildProblems } from '../../main/importing/self-check.js';

function script(overrides: Partial<GeneratedScript>): GeneratedScript {
  return {
    id: 'report',
    title: 'Report',
    summary: 'Writes the report.',
    entry: { name: 'report.py', bytes: Buffer.from('') },
    fields: [{ name: 'month', schema: { type: 'string', title: 'Month' }, required: true }],
    constraints: [],
    args: [{ flag: '--month', input: 'month' }],
    supportsDryRun: false,
    packages: [],
    todos: [],
    origin: 'a test',
    ...overrides,
  };
}

describe('the importer checks what it made the way catalogue build will', () => {
  it('finds nothing wrong with a plain folder', () => {
    expect(buildProblems(script({}), ['analysts'])).toEqual([]);
  });

  it('names each file and problem catalogue build would refuse', () => {
    // A form the lint refuses stops the checks that need it, as in catalogue build.
    const problems = buildProblems(
      script({
        fields: [
          {
            name: 'month',
            schema: { type: 'integer', 'x-file': { kind: 'file' } },
            required: true,
          },
        ],
      }),
      [],
    );
    expect(problems).toEqual([
      expect.stringMatching(/^scripts\/report\/form\.schema\.json: .*x-file/),
    ]);
    const template = buildProblems(
      script({
        fields: [
          { name: 'token', schema: { type: 'string', 'x-sensitive': true }, required: false },
        ],
        args: [
          { flag: '--token', input: 'token' },
          { flag: '--dry-run', dryRun: true },
        ],
      }),
      [],
    );
    expect(template).toEqual([
      expect.stringMatching(
        /^scripts\/report\/script\.json: field `args\.0` puts the x-sensitive input "token" on the command line/,
      ),
      expect.stringMatching(
        /^scripts\/report\/script\.json: field `args\.1` passes --dry-run for dry runs but `supportsDryRun` is false/,
      ),
    ]);
  });
});
