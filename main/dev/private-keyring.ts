import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { HOST_OS } from '../platform/os.js';

/**
 * A gnome-keyring of our own on a D-Bus session bus of its own: for the tests, and for `npm start`
 * on a machine without a desktop session (a development convenience; never the shipped app).
 */
export interface PrivateKeyring {
  /** What a process needs to use this keyring instead of the user's: the private bus's address. */
  env: { DBUS_SESSION_BUS_ADDRESS: string };
  /** Stops both daemons (waiting until they have exited) and removes their folder. */
  stop(): Promise<void>;
}

/**
 * Secrets and the audit signing key live in the OS keychain. A Linux machine without a desktop
 * session (a container, CI, a server over ssh) has none, so `npm start` and `npm run bench` run a
 * private gnome-keyring there (in `keep` when given, so its file survives restarts) and point this
 * process at it. Null where a desktop session exists, or when none could be started (said in `say`).
 */
export async function keychainWithoutDesktop(
  keep: string | undefined,
  say: (line: string) => void,
): Promise<PrivateKeyring | null> {
  if (HOST_OS !== 'linux' || process.env.DBUS_SESSION_BUS_ADDRESS) return null;
  try {
    const started = await startPrivateKeyring(keep ? { keep } : {});
    Object.assign(process.env, started.env);
    say(
      `no desktop session here, so secrets and the audit signing key go to a private keyring${keep ? ` in ${keep}` : ''} (development only)`,
    );
    return started;
  } catch (error) {
    say(
      `there is no desktop keychain here and a private one could not be started (${(error as Error).message}); scripts cannot run until a keychain is reachable`,
    );
    return null;
  }
}

const INSTALL_HINT =
  'install the Debian packages gnome-keyring dbus dbus-user-session (see .ci/run)';
const READY_WITHIN_MS = 15_000;

/**
 * Starts `dbus-daemon` and an unlocked `gnome-keyring-daemon` (Secret Service only) in a fresh
 * temporary HOME / XDG_DATA_HOME / XDG_RUNTIME_DIR (mode 700), or in `keep` so its keyring file
 * survives restarts, so the real keychain code runs without a desktop session and without ever
 * touching the developer's own keyring.
 *
 * Both daemons run in the foreground as children of this process (not `--fork`ed), so this
 * process knows their ids, stops them, and reaps them; if it dies without calling `stop`, an
 * exit hook kills them.
 */
export async function startPrivateKeyring(
  options: { keep?: string } = {},
): Promise<PrivateKeyring> {
  // `keep`: a folder kept between starts (the keyring's file survives; the bus socket does not).
  const root = options.keep ?? (await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-keyring-')));
  const dirs = {
    HOME: path.join(root, 'home'),
    XDG_DATA_HOME: path.join(root, 'data'),
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_RUNTIME_DIR: path.join(root, 'run'),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true, mode: 0o700 });
  await rm(path.join(dirs.XDG_RUNTIME_DIR, 'bus'), { force: true });
  // Nothing of the caller's session leaks in: no DISPLAY, no bus address, no keyring control.
  const daemonEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...dirs };

  const children: ChildProcess[] = [];
  const killNow = () => children.forEach((child) => child.kill('SIGKILL'));
  process.once('exit', killNow);
  const stop = async () => {
    process.off('exit', killNow);
    // The keyring first: it should not see its bus vanish under it.
    for (const child of children.reverse()) await stopChild(child);
    children.length = 0;
    if (!options.keep) await rm(root, { recursive: true, force: true });
  };

  try {
    const bus = spawn(
      'dbus-daemon',
      [
        '--session',
        '--nofork',
        '--nopidfile',
        '--print-address=1',
        `--address=unix:path=${path.join(dirs.XDG_RUNTIME_DIR, 'bus')}`,
      ],
      { env: daemonEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(bus);
    const address = await firstLine(bus, 'dbus-daemon');
    const env = { DBUS_SESSION_BUS_ADDRESS: address };

    const keyring = spawn(
      'gnome-keyring-daemon',
      ['--foreground', '--unlock', '--components=secrets'],
      {
        env: { ...daemonEnv, ...env },
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    children.push(keyring);
    const keyringOutput = collect(keyring);
    // --unlock reads the login keyring's password from stdin: it creates and unlocks "login".
    keyring.stdin?.end('scriptdesk-test-keyring');
    await untilReady(env, keyring, keyringOutput);

    for (const child of children) unref(child);
    return { env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The address line dbus-daemon prints once it listens. */
function firstLine(child: ChildProcess, name: string): Promise<string> {
  const errors = collect(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () =>
        reject(new Error(`${name} printed no address within ${READY_WITHIN_MS} ms: ${errors()}`)),
      READY_WITHIN_MS,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      resolve(out.slice(0, newline).trim());
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${name} (${error.message}); ${INSTALL_HINT}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready: ${errors()}`));
    });
  });
}

/**
 * Waits until our gnome-keyring owns the Secret Service name and its login collection is
 * unlocked. The name is checked first with NameHasOwner, which does not start anything: asking
 * the service itself before then would make D-Bus activate a second, locked, gnome-keyring.
 */
async function untilReady(
  env: PrivateKeyring['env'],
  keyring: ChildProcess,
  output: () => string,
): Promise<void> {
  let exited: string | null = null;
  let spawnError: Error | null = null;
  keyring.once('exit', (code, signal) => (exited = `${code ?? signal}`));
  keyring.once('error', (error) => (spawnError = error));
  const ask = async (args: string[]) => {
    try {
      const { stdout } = await execa('dbus-send', ['--session', '--print-reply', ...args], {
        env,
        stdin: 'ignore',
        timeout: 10_000,
      });
      return stdout;
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + READY_WITHIN_MS;
  let owned = false;
  while (Date.now() < deadline) {
    if (spawnError)
      throw new Error(
        `cannot start gnome-keyring-daemon (${(spawnError as Error).message}); ${INSTALL_HINT}`,
      );
    if (exited !== null)
      throw new Error(
        `gnome-keyring-daemon exited with ${exited} before it was ready: ${output()}`,
      );
    owned ||= (
      await ask([
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        'string:org.freedesktop.secrets',
      ])
    ).includes('boolean true');
    if (
      owned &&
      (
        await ask([
          '--dest=org.freedesktop.secrets',
          '/org/freedesktop/secrets/collection/login',
          'org.freedesktop.DBus.Properties.Get',
          'string:org.freedesktop.Secret.Collection',
          'string:Locked',
        ])
      ).includes('boolean false')
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gnome-keyring-daemon did not unlock within ${READY_WITHIN_MS} ms: ${output()}`);
}

/** The last few KB a child wrote to stderr, for error messages. */
function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    text = (text + chunk).slice(-4096);
  });
  return () => text.trim() || '(nothing on stderr)';
}

/** Lets this process exit while the daemons run; the exit hook or `stop` ends them. */
function unref(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr])
    (stream as unknown as { unref?: () => void } | null)?.unref?.();
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.ref(); // unref'd while running: without this, nothing would wait for its exit
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
