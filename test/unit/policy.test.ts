import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { machinePolicyFile } from '../../main/platform/folders.js';
import { HOST_OS } from '../../main/platform/os.js';
import { DEFAULT_POLICY, loadPolicy, policyFile } from '../../main/policy/policy.js';
import { tempDir } from '../support/temp.js';

async function policyWith(text: string): Promise<string> {
  const file = path.join(await tempDir(), 'policy.json');
  await writeFile(file, text);
  return file;
}

describe('the machine policy', () => {
  it('is the defaults when there is no policy file', async () => {
    expect(await loadPolicy(path.join(await tempDir(), 'absent.json'))).toEqual(DEFAULT_POLICY);
    expect(DEFAULT_POLICY).toMatchObject({
      maxConcurrentRuns: 3,
      maxOutputBytes: 64 * 1024 * 1024,
    });
  });

  it('reads the settings IT set and keeps the defaults for the rest', async () => {
    const file = await policyWith('{"maxConcurrentRuns": 1, "python": "/opt/python/bin/python3"}');
    expect(await loadPolicy(file)).toEqual({
      ...DEFAULT_POLICY,
      maxConcurrentRuns: 1,
      python: '/opt/python/bin/python3',
    });
  });

  it.each([
    ['{"maxConcurrentRuns": 0}', /field `maxConcurrentRuns`/],
    ['{"python": "python3"}', /field `python` must be an absolute path/],
    ['{"maxOutputBytes": 10}', /field `maxOutputBytes`/],
    ['{"maxConcurentRuns": 2}', /maxConcurentRuns/],
    ['{"maxConcurrentRuns": 2,}', /is not valid JSON/],
    ['{"files": {"allowNetworkPaths": "yes"}}', /field `files.allowNetworkPaths`/],
  ])('a policy %s is refused with the file, the field and the fix', async (text, problem) => {
    const file = await policyWith(text);
    const error = await loadPolicy(file).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message).toMatch(/ask IT to correct it/);
  });

  it('is found through SCRIPTDESK_POLICY when set, else in the machine-wide place', () => {
    expect(policyFile({ SCRIPTDESK_POLICY: '/tmp/p.json' })).toBe('/tmp/p.json');
    expect(policyFile({})).toBe(machinePolicyFile(HOST_OS, {}));
  });

  it('keeps network paths off unless IT turns them on', async () => {
    expect(DEFAULT_POLICY.files.allowNetworkPaths).toBe(false);
    const file = await policyWith('{"files": {"allowNetworkPaths": true}}');
    expect((await loadPolicy(file)).files.allowNetworkPaths).toBe(true);
  });
});
