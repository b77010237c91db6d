import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { AUDIT_TYPES } from '../../main/audit/journal.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { KeytarSecretStore } from '../../main/secrets/keytar-store.js';
import { KeychainUnavailable, type SecretStore } from '../../main/secrets/secret-store.js';
import { appWithCatalogue, copySource, publish, REPO } from '../support/catalogue.js';
import { tempDir } from '../support/temp.js';
import { scriptdesk } from '../support/cli.js';
import { callOrThrow } from '../support/runs.js';

const exec = promisify(execFile);
const me = os.userInfo().username;

/**
 * All test processes share one private keyring (test/support/keyring-global-setup.ts), under the
 * app's real service name: the secret names here are used by no other test file.
 */
const TOKEN = 'KEYCHAIN_TEST_TOKEN';
const PASSWORD = 'KEYCHAIN_TEST_PASSWORD';
/** What a process sees when the session bus is gone: the socket does not exist. */
const DEAD_BUS = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/scriptdesk-test-bus' };

/**
 * The fixture catalogue plus scripts declaring two secrets, none, and one this user may not see.
 */
async function secretsSource(): Promise<string> {
  const src = await copySource();
  const variants: [string, object][] = [
    ['keychain-probe', { secrets: [TOKEN, PASSWORD] }],
    ['keychain-hidden', { secrets: [TOKEN], allowed: { users: ['someone-else'], groups: [] } }],
    ['keychain-none', { secrets: [] }],
  ];
  for (const [id, change] of variants) {
    const dir = path.join(src, 'scripts', id);
    await cp(path.join(src, 'scripts', 'probe'), dir, { recursive: true });
    const manifestFile = path.join(dir, 'script.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    await writeFile(manifestFile, JSON.stringify({ ...manifest, id, title: id, ...change }));
  }
  return src;
}

/** A distinctive value, so a search for it cannot match anything else. */
const valueLike = (label: string) => `${label}-${randomUUID()}-ünï🔑`;

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** The files under `dir` whose raw bytes hold `value` (as UTF-8 or UTF-16). */
async function filesHolding(dir: string, value: string): Promise<string[]> {
  const needles = [Buffer.from(value, 'utf8'), Buffer.from(value, 'utf16le')];
  const holding = [];
  for (const file of await filesUnder(dir)) {
    const bytes = await readFile(file);
    if (needles.some((needle) => bytes.includes(needle))) holding.push(file);
  }
  return holding;
}

const keychain = new KeytarSecretStore();
const forget = () => Promise.all([TOKEN, PASSWORD].map((name) => keychain.delete(name)));

describe('KeytarSecretStore against a real gnome-keyring', () => {
  const store = new KeytarSecretStore({ service: `ScriptDesk-test-${randomUUID()}` });

  it('stores, reads back and deletes secrets, unicode and a 4 KB value included', async () => {
    const unicode = 'pässwörd 🔑 密码 — "quotes" \\ and\nnewlines';
    const large = 'x'.repeat(4096);
    await store.set('UNICODE_SECRET', unicode);
    await store.set('LARGE_SECRET', large);
    expect(await store.get('UNICODE_SECRET')).toBe(unicode);
    expect(await store.get('LARGE_SECRET')).toBe(large);

    await store.set('UNICODE_SECRET', 'replaced');
    expect(await store.get('UNICODE_SECRET')).toBe('replaced');

    expect(await store.delete('UNICODE_SECRET')).toBe(true);
    expect(await store.delete('LARGE_SECRET')).toBe(true);
    expect(await store.get('UNICODE_SECRET')).toBeNull();
    expect(await store.get('LARGE_SECRET')).toBeNull();
  });

  it('reads a secret never set as null, and deleting it reports that nothing was removed', async () => {
    expect(await store.get('NEVER_SET')).toBeNull();
    expect(await store.delete('NEVER_SET')).toBe(false);
  });

  it('keeps secrets of another service apart: the same name is a different entry', async () => {
    const other = new KeytarSecretStore({ service: `ScriptDesk-test-${randomUUID()}` });
    await store.set('SHARED_NAME', 'mine');
    expect(await other.get('SHARED_NAME')).toBeNull();
    expect(await store.delete('SHARED_NAME')).toBe(true);
  });

  it('refuses to store an empty value', async () => {
    await expect(store.set('EMPTY_SECRET', '')).rejects.toThrow(RangeError);
    expect(await store.get('EMPTY_SECRET')).toBeNull();
  });
});

describe('an unreachable keychain', () => {
  it('stops a sync before anything is fetched or installed, since the journal could not record it', async () => {
    const { keys, published } = await publish();
    const home = await tempDir('scriptdesk-home-');
    const refused = await scriptdesk(
      home,
      ['sync', '--from', published, '--pubkey', keys.publicKeyFile],
      { env: DEAD_BUS },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /The catalogue was not synced because the audit journal cannot record it: .*keychain.*The catalogue in use stays as it is\./s,
    );
    // Nothing was installed: the next sync, with the keychain back, is the first install.
    expect(await readdir(path.join(home, 'catalogue')).catch(() => [])).not.toContain('current');
    const synced = await scriptdesk(home, ['sync', '--from', published]);
    expect(synced.stdout).toContain('(first install)');
  });

  it('fails every store call with KeychainUnavailable saying what to do, never the value', async () => {
    // In another process: D-Bus clients keep their first bus connection for good.
    const storeModule = pathToFileURL(path.join(REPO, 'dist/main/secrets/keytar-store.js')).href;
    const program = `
      const { KeytarSecretStore } = await import(${JSON.stringify(storeModule)});
      const store = new KeytarSecretStore({ os: 'linux' });
      const outcome = (promise) => promise.then(
        (value) => ({ value }),
        (error) => ({ name: error.name, message: error.message }),
      );
      console.log(JSON.stringify([
        await outcome(store.get('SOME_TOKEN')),
        await outcome(store.set('SOME_TOKEN', 'hunter2-value')),
        await outcome(store.delete('SOME_TOKEN')),
      ]));`;
    const { stdout } = await exec(process.execPath, ['--input-type=module', '-e', program], {
      env: { ...process.env, ...DEAD_BUS },
    });
    const outcomes = JSON.parse(stdout) as { name: string; message: string }[];
    expect(outcomes).toHaveLength(3);
    for (const outcome of outcomes) {
      expect(outcome.name).toBe('KeychainUnavailable');
      expect(outcome.message).toMatch(/^The OS keychain could not be reached \(.+\)\. /);
      expect(outcome.message).toContain(
        'On Linux, a desktop session with gnome-keyring or another Secret Service provider must be running and unlocked',
      );
      expect(outcome.message).not.toContain('hunter2-value');
    }
  });
});

describe('secrets.* through the app', () => {
  let opened: ScriptDeskApp[] = [];
  const open = async () => {
    const result = await appWithCatalogue(await secretsSource());
    opened.push(result.app);
    return result;
  };
  beforeEach(forget);
  afterEach(async () => {
    await Promise.all(opened.map((app) => app.close()));
    opened = [];
    await forget();
  });

  it('secrets.status shows each declared secret unset until secrets.set stores it in the keychain, and secrets.clear removes it', async () => {
    const { app } = await open();
    const scriptId = 'keychain-probe';
    expect(await callOrThrow(app, 'secrets.status', { scriptId })).toEqual({
      secrets: [
        { name: TOKEN, set: false },
        { name: PASSWORD, set: false },
      ],
      keychain: { available: true, message: null },
    });

    const value = valueLike('token');
    const afterSet = await callOrThrow(app, 'secrets.set', { scriptId, name: TOKEN, value });
    expect(afterSet.secrets).toEqual([
      { name: TOKEN, set: true },
      { name: PASSWORD, set: false },
    ]);
    // In the OS keychain under the app's service, where the runner reads it.
    expect(await keychain.get(TOKEN)).toBe(value);

    const afterClear = await callOrThrow(app, 'secrets.clear', { scriptId, name: TOKEN });
    expect(afterClear.secrets).toEqual([
      { name: TOKEN, set: false },
      { name: PASSWORD, set: false },
    ]);
    expect(await keychain.get(TOKEN)).toBeNull();
    // Clearing again changes nothing, and is not journaled again.
    await callOrThrow(app, 'secrets.clear', { scriptId, name: TOKEN });

    const events = app.services.journal
      .list(100)
      .map(({ event }) => event)
      .filter((e) => e.type.startsWith('dev.scriptdesk.secret.'));
    expect(events.map((e) => [e.type, e.subject, e.data])).toEqual([
      [AUDIT_TYPES.secretCleared, 'keychain-probe@2.1.0', { name: TOKEN, scriptId }],
      [AUDIT_TYPES.secretSet, 'keychain-probe@2.1.0', { name: TOKEN, scriptId }],
    ]);
  });

  it('refuses a name the script does not declare, naming the script and what it declares', async () => {
    const { app } = await open();
    const scriptId = 'keychain-probe';
    for (const [method, input] of [
      ['secrets.set', { scriptId, name: 'OTHER_SECRET', value: 'v' }],
      ['secrets.clear', { scriptId, name: 'OTHER_SECRET' }],
    ] as const) {
      expect(await callTyped(app.dispatch, method, input, { transport: 'http' })).toEqual({
        ok: false,
        error: {
          code: 'bad_request',
          message: `Script "keychain-probe" declares no secret named OTHER_SECRET; it declares ${TOKEN}, ${PASSWORD}.`,
        },
      });
    }
    expect(await keychain.get('OTHER_SECRET')).toBeNull();
    expect(
      await callTyped(
        app.dispatch,
        'secrets.set',
        { scriptId: 'keychain-none', name: TOKEN, value: 'v' },
        { transport: 'http' },
      ),
    ).toEqual({
      ok: false,
      error: {
        code: 'bad_request',
        message: `Script "keychain-none" declares no secrets, so it has no secret named ${TOKEN} to store.`,
      },
    });
    expect(await keychain.get(TOKEN)).toBeNull();
  });

  it('refuses every secrets method for a script this user may not see, and for one that does not exist', async () => {
    const { app } = await open();
    for (const [scriptId, code, message] of [
      [
        'keychain-hidden',
        'forbidden',
        `You (${me}) are not allowed to run "keychain-hidden"; ask your administrator for access.`,
      ],
      [
        'no-such-script',
        'not_found',
        'There is no script "no-such-script" in catalogue version 1.',
      ],
    ] as const) {
      for (const [method, input] of [
        ['secrets.status', { scriptId }],
        ['secrets.set', { scriptId, name: TOKEN, value: 'sneaky' }],
        ['secrets.clear', { scriptId, name: TOKEN }],
      ] as const) {
        const result = await callTyped(app.dispatch, method, input, { transport: 'http' });
        expect(result).toEqual({ ok: false, error: { code, message } });
      }
    }
    expect(await keychain.get(TOKEN)).toBeNull();
  });

  it('never writes a value to the journal (SQLite file and its WAL) or to any file in the home folder', async () => {
    const { app, home } = await open();
    const values = [valueLike('token'), valueLike('password')];
    await callOrThrow(app, 'secrets.set', {
      scriptId: 'keychain-probe',
      name: TOKEN,
      value: values[0]!,
    });
    await callOrThrow(app, 'secrets.set', {
      scriptId: 'keychain-probe',
      name: PASSWORD,
      value: values[1]!,
    });
    await callOrThrow(app, 'secrets.clear', { scriptId: 'keychain-probe', name: PASSWORD });
    const files = await filesUnder(home);
    // While the app is open the journal's newest pages are in the WAL: both files are searched.
    expect(files).toEqual(
      expect.arrayContaining([
        path.join(home, 'scriptdesk.sqlite'),
        path.join(home, 'scriptdesk.sqlite-wal'),
      ]),
    );
    const audit = await callOrThrow(app, 'audit.list', {});
    expect(audit.events.filter((e) => e.type.startsWith('dev.scriptdesk.secret.'))).toHaveLength(3);
    for (const value of values) {
      expect(await filesHolding(home, value)).toEqual([]);
      expect(JSON.stringify(audit)).not.toContain(value);
    }
    await app.close();
    opened = [];
    for (const value of values) expect(await filesHolding(home, value)).toEqual([]);
  });

  it('reports an unreachable keychain in secrets.status and as keychain_unavailable from set and clear', async () => {
    // A store that fails the way KeytarSecretStore does: this process's bus connection is
    // already made, so the real unreachable keychain is proven in a subprocess (above, and the
    // CLI below); here it is how the API reports it.
    const message = 'The OS keychain could not be reached (Could not connect). Start it.';
    const unreachable: SecretStore = {
      get: () => Promise.reject(new KeychainUnavailable(message)),
      set: () => Promise.reject(new KeychainUnavailable(message)),
      delete: () => Promise.reject(new KeychainUnavailable(message)),
    };
    const { app, home } = await open();
    await app.close();
    opened = [];
    const broken = await openScriptDeskApp({ home, logError: () => {}, secrets: unreachable });
    opened.push(broken);
    const scriptId = 'keychain-probe';
    expect(await callOrThrow(broken, 'secrets.status', { scriptId })).toEqual({
      secrets: [
        { name: TOKEN, set: false },
        { name: PASSWORD, set: false },
      ],
      keychain: { available: false, message },
    });
    for (const [method, input] of [
      ['secrets.set', { scriptId, name: TOKEN, value: 'v' }],
      ['secrets.clear', { scriptId, name: TOKEN }],
    ] as const) {
      expect(await callTyped(broken.dispatch, method, input, { transport: 'http' })).toEqual({
        ok: false,
        error: { code: 'keychain_unavailable', message },
      });
    }
    const events = broken.services.journal.list(100).map(({ event }) => event.type);
    expect(events.filter((type) => type.startsWith('dev.scriptdesk.secret.'))).toEqual([]);
  });
});

describe('scriptdesk secrets (the real CLI)', () => {
  /** A home with the secrets catalogue synced, and the app closed again. */
  const homeWithCatalogue = async () => {
    const { app, home } = await appWithCatalogue(await secretsSource());
    await app.close();
    return home;
  };
  beforeEach(forget);
  afterEach(forget);

  it('secrets set reads the value from stdin, list then shows it set, and the value is never printed', async () => {
    const home = await homeWithCatalogue();
    const value = valueLike('cli');
    expect(await scriptdesk(home, ['secrets', 'list', 'keychain-probe'])).toEqual({
      code: 0,
      stdout: `${TOKEN}     not set\n${PASSWORD}  not set\n`,
      stderr: '',
    });

    const set = await scriptdesk(home, ['secrets', 'set', 'keychain-probe', TOKEN], {
      stdin: `${value}\n`,
    });
    expect(set).toEqual({
      code: 0,
      stdout: `Stored ${TOKEN} in the OS keychain; scripts that declare it, like "keychain-probe", get it when they run.\n`,
      stderr: '',
    });
    // One trailing newline (what echo adds) is not part of the value.
    expect(await keychain.get(TOKEN)).toBe(value);

    const list = await scriptdesk(home, ['secrets', 'list', 'keychain-probe']);
    expect(list.stdout).toBe(`${TOKEN}     set\n${PASSWORD}  not set\n`);

    const clear = await scriptdesk(home, ['secrets', 'clear', 'keychain-probe', TOKEN]);
    expect(clear).toEqual({
      code: 0,
      stdout: `Removed ${TOKEN} from the OS keychain.\n`,
      stderr: '',
    });
    expect(await keychain.get(TOKEN)).toBeNull();

    const audit = await scriptdesk(home, ['audit', 'list', '--json']);
    for (const output of [set, list, clear, audit])
      expect(output.stdout + output.stderr).not.toContain(value.slice(0, 20));
  });

  it('refuses an empty value, an undeclared name and a value on the command line, each in one line with the fix', async () => {
    const home = await homeWithCatalogue();
    const empty = await scriptdesk(home, ['secrets', 'set', 'keychain-probe', TOKEN], {
      stdin: '\n',
    });
    expect(empty.code).toBe(1);
    expect(empty.stderr).toBe(
      `scriptdesk: the value for ${TOKEN} is empty; type it at the prompt or pipe it in, e.g. printf '%s' "$VALUE" | scriptdesk secrets set SCRIPT ${TOKEN}\n`,
    );

    const undeclared = await scriptdesk(home, ['secrets', 'set', 'keychain-probe', 'NOPE'], {
      stdin: 'never-read',
    });
    expect(undeclared).toEqual({
      code: 1,
      stdout: '',
      stderr: `scriptdesk: Script "keychain-probe" declares no secret named NOPE; it declares ${TOKEN}, ${PASSWORD}.\n`,
    });

    const inArgv = await scriptdesk(home, ['secrets', 'set', 'keychain-probe', TOKEN, 'hunter2']);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain('too many arguments');
    expect(inArgv.stderr).not.toContain('hunter2');

    const hidden = await scriptdesk(home, ['secrets', 'list', 'keychain-hidden']);
    expect(hidden).toEqual({
      code: 1,
      stdout: '',
      stderr: `scriptdesk: You (${me}) are not allowed to run "keychain-hidden"; ask your administrator for access.\n`,
    });
    expect(await keychain.get(TOKEN)).toBeNull();
  });

  it('without a reachable keychain, list and set fail with one line saying what to do, and the value is not printed', async () => {
    const home = await homeWithCatalogue();
    const list = await scriptdesk(home, ['secrets', 'list', 'keychain-probe'], { env: DEAD_BUS });
    expect(list.code).toBe(1);
    expect(list.stdout).toBe('');
    expect(list.stderr).toMatch(
      /^scriptdesk: The OS keychain could not be reached \(.+\)\. On Linux, a desktop session with gnome-keyring or another Secret Service provider must be running and unlocked; start or unlock it, then try again\.\n$/,
    );
    const value = valueLike('dead');
    const set = await scriptdesk(home, ['secrets', 'set', 'keychain-probe', TOKEN], {
      stdin: value,
      env: DEAD_BUS,
    });
    expect(set.code).toBe(1);
    expect(set.stderr).toBe(list.stderr);
    expect(set.stdout + set.stderr).not.toContain(value);
  });
});
