import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadServerConfig,
  parseServerConfig,
  resolveTargets,
} from '../../main/server/alerts/alert-config.js';

const SECRET = 'a-webhook-secret-of-32-characters';

const valid = () => ({
  alerts: {
    targets: [
      {
        name: 'ops',
        url: 'https://hooks.example.org/scriptdesk',
        format: 'signed-json',
        secretEnv: 'OPS_SECRET',
      },
      { name: 'chat', urlEnv: 'CHAT_URL', format: 'slack' },
    ],
    rules: [
      { on: 'run-failed', scripts: ['payroll'], targets: ['ops', 'chat'] },
      { on: 'integrity', targets: ['ops'] },
      { on: 'device-pending', targets: ['chat'] },
      { on: 'device-silent', days: 3, targets: ['ops'] },
    ],
  },
});

/** The error message `parseServerConfig` throws for `json`. */
function problems(json: unknown): string {
  try {
    parseServerConfig(json, 'alerts.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('server config: the alerts section', () => {
  it('accepts a full config and fills in the documented defaults', () => {
    const config = parseServerConfig(valid(), 'alerts.json').alerts!;
    expect(config.rules[0]).toMatchObject({ on: 'run-failed', statuses: ['failed', 'timeout'] });
    expect(config.rules[1]).toMatchObject({
      flags: ['gap', 'order', 'prevhash', 'signature', 'conflict'],
    });
    expect(config.silentCheckMinutes).toBe(60);
    expect(config.delivery).toEqual({
      timeoutSeconds: 10,
      maxAttempts: 12,
      firstRetrySeconds: 30,
      maxRetrySeconds: 3600,
    });
  });

  it('accepts a config without an alerts section', () => {
    expect(parseServerConfig({}, 'server.json')).toEqual({});
  });

  it.each([
    [
      'a signed-json target without secretEnv',
      (c: ReturnType<typeof valid>) =>
        delete (c.alerts.targets[0] as { secretEnv?: string }).secretEnv,
      'alerts.json: alerts.targets[0].secretEnv: a signed-json target needs "secretEnv"',
    ],
    [
      'an unknown format',
      (c: ReturnType<typeof valid>) => (c.alerts.targets[1]!.format = 'teams'),
      'alerts.json: alerts.targets[1].format: use "signed-json"',
    ],
    [
      'both url and urlEnv',
      (c: ReturnType<typeof valid>) =>
        Object.assign(c.alerts.targets[1]!, { url: 'https://x.example/' }),
      'alerts.json: alerts.targets[1].url: give exactly one of "url" and "urlEnv"',
    ],
    [
      'a URL with a password in it',
      (c: ReturnType<typeof valid>) => (c.alerts.targets[0]!.url = 'https://u:p@x.example/'),
      'alerts.json: alerts.targets[0].url: use an http:// or https:// URL with no user name or password',
    ],
    [
      'a rule naming a target that does not exist',
      (c: ReturnType<typeof valid>) => (c.alerts.rules[2]!.targets = ['pager']),
      'alerts.json: alerts.rules[2].targets[0]: no target is named "pager"; use one of ops, chat',
    ],
    [
      'two targets with one name',
      (c: ReturnType<typeof valid>) => (c.alerts.targets[1]!.name = 'ops'),
      'alerts.json: alerts.targets[1].name: "ops" is used by two targets',
    ],
    [
      'an unknown rule kind',
      (c: ReturnType<typeof valid>) => ((c.alerts.rules[0] as { on: string }).on = 'run-slow'),
      'alerts.json: alerts.rules[0].on: "on" must be run-failed, integrity, device-pending or device-silent',
    ],
    [
      'a silent rule without days',
      (c: ReturnType<typeof valid>) => delete (c.alerts.rules[3] as { days?: number }).days,
      'alerts.json: alerts.rules[3].days:',
    ],
    [
      'a misspelt field',
      (c: ReturnType<typeof valid>) => Object.assign(c.alerts, { target: [] }),
      'alerts.json: alerts: Unrecognized key: "target"',
    ],
    [
      'a secret variable name that is not one',
      (c: ReturnType<typeof valid>) => (c.alerts.targets[0]!.secretEnv = 'my secret'),
      'alerts.json: alerts.targets[0].secretEnv: name an environment variable',
    ],
  ])('refuses %s, naming the field and the fix', (_name, spoil, expected) => {
    const config = valid();
    spoil(config);
    expect(problems(config)).toContain(expected);
  });

  it('reads the URL and secret from the variables named, never printing a value', () => {
    const config = parseServerConfig(valid(), 'alerts.json').alerts!;
    const targets = resolveTargets(config, {
      OPS_SECRET: SECRET,
      CHAT_URL: 'https://chat.example/hook/T0/B0/x',
    });
    expect(targets).toEqual([
      {
        name: 'ops',
        format: 'signed-json',
        url: 'https://hooks.example.org/scriptdesk',
        secret: SECRET,
      },
      { name: 'chat', format: 'slack', url: 'https://chat.example/hook/T0/B0/x' },
    ]);
    expect(() => resolveTargets(config, { CHAT_URL: 'https://chat.example/h' })).toThrow(
      'alert target "ops": set OPS_SECRET to its HMAC secret, 16+ characters (e.g. openssl rand -hex 32); it is not set',
    );
    let message = '';
    try {
      resolveTargets(config, { OPS_SECRET: 'short-secret', CHAT_URL: 'https://chat.example/h' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('OPS_SECRET');
    expect(message).toContain('too short');
    expect(message).not.toContain('short-secret');
    expect(() => resolveTargets(config, { OPS_SECRET: SECRET })).toThrow(
      'alert target "chat": set CHAT_URL to its http(s) webhook URL (the variable is not set)',
    );
  });

  it('accepts the documented example, examples/server/alerts.json', async () => {
    const config = await loadServerConfig(path.resolve('examples/server/alerts.json'));
    expect(config.alerts!.rules.map((rule) => rule.on)).toEqual([
      'run-failed',
      'run-failed',
      'integrity',
      'device-pending',
      'device-silent',
    ]);
    expect(
      resolveTargets(config.alerts!, {
        SCRIPTDESK_ALERT_SECRET: SECRET,
        SCRIPTDESK_SLACK_WEBHOOK: 'https://chat.example/hook',
      }).map((target) => target.name),
    ).toEqual(['ops', 'team-chat']);
  });

  it('names the file when it is missing or not JSON', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'scriptdesk-config-'));
    const file = path.join(folder, 'server.json');
    await expect(loadServerConfig(file)).rejects.toThrow(
      `cannot read the server config ${file} (ENOENT); check the --config path`,
    );
    await writeFile(file, '{"alerts": ');
    await expect(loadServerConfig(file)).rejects.toThrow(`the server config ${file} is not JSON`);
  });
});
