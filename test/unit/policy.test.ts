import { readFile, writeFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { machinePolicyFile } from '../../main/platform/folders.js';
import { HOST_OS, pathsOf } from '../../main/platform/os.js';
import {
  DEFAULT_POLICY,
  effectivePolicy,
  loadPolicy,
  policyFile,
} from '../../main/policy/policy.js';
import { REPO } from '../support/catalogue.js';
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
    [
      '{"updates": {"feedUrl": "http://updates.example.org/"}}',
      /field `updates.feedUrl` must be an https:\/\/ URL/,
    ],
    ['{"updates": {"feedUrl": "https://me:pw@updates.example.org/"}}', /field `updates.feedUrl`/],
    ['{"updates": {"channel": "../beta"}}', /field `updates.channel` must be a channel name/],
    ['{"updates": {"checkIntervalHours": 0}}', /field `updates.checkIntervalHours`/],
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

  it('keeps updates off until IT names a feed, and takes the channel and interval it sets', async () => {
    expect(DEFAULT_POLICY.updates).toEqual({ channel: 'latest', checkIntervalHours: 6 });
    const file = await policyWith(
      '{"updates": {"feedUrl": "https://updates.example.org/sd/", "channel": "beta", "checkIntervalHours": 24}}',
    );
    expect((await loadPolicy(file)).updates).toEqual({
      feedUrl: 'https://updates.example.org/sd/',
      channel: 'beta',
      checkIntervalHours: 24,
    });
  });

  it('keeps network paths off unless IT turns them on', async () => {
    expect(DEFAULT_POLICY.files.allowNetworkPaths).toBe(false);
    const file = await policyWith('{"files": {"allowNetworkPaths": true}}');
    expect((await loadPolicy(file)).files.allowNetworkPaths).toBe(true);
  });

  it('shows every setting in force and where it came from: the file for what IT set, else the default', async () => {
    const file = await policyWith(
      '{"maxConcurrentRuns": 1, "audit": {"endpoint": "https://a.example/"}}',
    );
    const effective = await effectivePolicy(file);
    expect(effective.found).toBe(true);
    const byField = Object.fromEntries(effective.settings.map((s) => [s.field, s]));
    expect(Object.keys(byField)).toEqual([
      'python',
      'maxConcurrentRuns',
      'maxOutputBytes',
      'audit.endpoint',
      'audit.retainDeliveredDays',
      'notifications.longRunSeconds',
      'files.allowNetworkPaths',
      'updates.feedUrl',
      'updates.channel',
      'updates.checkIntervalHours',
    ]);
    expect(byField.maxConcurrentRuns).toMatchObject({ value: 1, source: 'policy file' });
    expect(byField['audit.endpoint']).toMatchObject({
      value: 'https://a.example/',
      source: 'policy file',
    });
    expect(byField['audit.retainDeliveredDays']).toMatchObject({ value: 90, source: 'default' });
    expect(byField.python).toMatchObject({ value: null, source: 'default' });
    for (const setting of effective.settings) expect(setting.description).not.toBe('');
    const absent = await effectivePolicy(path.join(await tempDir(), 'absent.json'));
    expect(absent.found).toBe(false);
    expect(absent.settings.every((s) => s.source === 'default')).toBe(true);
  });

  it('refuses to describe a policy the app would refuse', async () => {
    const file = await policyWith('{"maxConcurrentRuns": 99}');
    await expect(effectivePolicy(file)).rejects.toThrow(/field `maxConcurrentRuns`/);
  });

  it.each([
    ['policy.json', 'linux'],
    ['policy.json', 'darwin'],
    ['policy.windows.json', 'win32'],
  ] as const)(
    'the example %s is a valid policy for the app on %s and for the published JSON Schema',
    async (name, os) => {
      const file = path.join(REPO, 'examples', 'policy', name);
      // The app checks `python` by the rules of the OS it runs on: here, only the OS's own file.
      if (os === HOST_OS) await expect(loadPolicy(file)).resolves.toBeDefined();
      const { python } = JSON.parse(await readFile(file, 'utf8')) as { python: string };
      expect(pathsOf(os).isAbsolute(python)).toBe(true);
      const ajv = new Ajv2020({ strict: true, allErrors: true });
      const validate = ajv.compile(
        JSON.parse(
          await readFile(path.join(REPO, 'schemas', 'policy.schema.json'), 'utf8'),
        ) as object,
      );
      const example = JSON.parse(await readFile(file, 'utf8')) as unknown;
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ maxConcurrentRuns: 2, maxConcurentRuns: 2 })).toBe(false);
    },
  );
});
