import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SYNC_INTERVAL_MS, openScriptDeskApp } from '../app/app.js';
import { startWebHost } from '../host/web-host.js';
import { prepareDemo } from './demo-setup.js';
import { keychainWithoutDesktop } from './private-keyring.js';

/**
 * `npm start`: prepares a development home with the signed demo catalogue, then opens the
 * desktop app — or, where the Electron binary is not available, serves the same app through the
 * loopback web host and prints the address to open.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const workDir = path.join(root, '.scriptdesk-dev');
const home = process.env.SCRIPTDESK_HOME
  ? path.resolve(process.env.SCRIPTDESK_HOME)
  : path.join(workDir, 'home');

const keyring = await keychainWithoutDesktop(path.join(workDir, 'keyring'), (line) =>
  console.log(`scriptdesk: ${line}`),
);
const app = await openScriptDeskApp({ home, autoSyncMs: DEFAULT_SYNC_INTERVAL_MS });
try {
  for (const line of await prepareDemo(app, path.join(root, 'examples', 'catalogue'), workDir))
    console.log(`scriptdesk: ${line}`);
} catch (error) {
  console.error(`scriptdesk: preparing the demo catalogue failed: ${(error as Error).message}`);
  await app.close();
  await keyring?.stop();
  process.exit(1);
}

const electron = findElectron();
if (electron.ok) {
  await app.close();
  console.log(`scriptdesk: starting the desktop app (data in ${home})`);
  const child = spawn(electron.path, [root], {
    stdio: 'inherit',
    env: { ...process.env, SCRIPTDESK_HOME: home },
  });
  child.on('exit', (code) => void keyring?.stop().finally(() => process.exit(code ?? 0)));
} else {
  const host = await startWebHost({
    dispatch: app.dispatch,
    subscribe: (listener) => app.subscribe(listener),
    validatorModule: (sha256) => app.validatorModule(sha256),
    rendererDir: path.join(root, 'dist', 'renderer'),
    port: Number(process.env.SCRIPTDESK_PORT ?? 0),
  });
  console.log(
    `scriptdesk: Electron is not available here (${electron.reason}); serving the same app at ${host.url}`,
  );
  const stop = async () => {
    await host.close();
    await app.close();
    await keyring?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

/** Asks the electron package for its binary (it downloads it on first use), in a child so a failure cannot take us down. */
function findElectron(): { ok: true; path: string } | { ok: false; reason: string } {
  const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("electron"))'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (probe.status === 0 && probe.stdout) return { ok: true, path: probe.stdout };
  const reason = /fetch failed|ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(probe.stderr ?? '')
    ? 'its binary could not be downloaded'
    : 'its binary is missing';
  return { ok: false, reason };
}
