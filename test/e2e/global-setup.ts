import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(REPO, 'bin', 'scriptdesk.js');

/**
 * Sets up what a new user would have: a fresh home, a signing key, the demo catalogue built,
 * signed and synced with the real CLI — then starts `scriptdesk web` and hands its address
 * (with the per-start token) to the tests. Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-e2e-'));
  const env = { ...process.env, SCRIPTDESK_HOME: path.join(work, 'home') };
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], { env, cwd: REPO, stdio: 'pipe' });
  cli('keygen', '--out', path.join(work, 'keys'));
  cli(
    'catalogue',
    'build',
    path.join(REPO, 'examples', 'catalogue'),
    '--key',
    path.join(work, 'keys', 'catalogue-signing.key'),
    '--out',
    path.join(work, 'published'),
  );
  cli(
    'sync',
    '--from',
    path.join(work, 'published'),
    '--pubkey',
    path.join(work, 'keys', 'catalogue-signing.pub'),
  );

  const web = spawn(process.execPath, [BIN, 'web', '--port', '0'], {
    env,
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`scriptdesk web printed no address: ${seen}`)),
      30_000,
    );
    web.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    web.once('exit', (code) => reject(new Error(`scriptdesk web exited with ${code}: ${seen}`)));
  });
  process.env.SCRIPTDESK_E2E_URL = url;
  process.env.SCRIPTDESK_E2E_WORK = work;
  return async () => {
    web.kill('SIGTERM');
    await new Promise((resolve) => web.once('exit', resolve));
    rmSync(work, { recursive: true, force: true });
  };
}
