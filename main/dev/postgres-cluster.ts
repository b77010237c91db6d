import { existsSync, readFileSync } from 'node:fs';
import { appendFile, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';

/** How each PostgreSQL tool runs: at most two minutes (initdb on a loaded machine), never a shell. */
const TOOL = { timeout: 120_000, stdin: 'ignore' } as const;

/** Debian's PostgreSQL 15 server binaries (package `postgresql`). */
const BIN = process.env.SCRIPTDESK_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const INSTALL_HINT =
  'the tests need a PostgreSQL server: apt-get install postgresql (or set SCRIPTDESK_TEST_PG_BIN to its bin folder)';

/** A throwaway PostgreSQL cluster of our own, for the tests and the benchmarks. */
export interface PostgresCluster {
  /** Superuser URL of the `postgres` database: `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  /** Stops the server (fast shutdown, waiting for it) and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts a private PostgreSQL cluster in a fresh temporary folder: initdb, then pg_ctl start on
 * a free port, listening on 127.0.0.1 only (and a Unix socket inside the folder), with trust
 * authentication for local connections. Durability settings stay at their defaults (fsync on):
 * the tests see PostgreSQL as production does.
 *
 * With `keepIn`, the cluster lives in that folder instead and outlives `stop`: a folder that
 * already holds one is started again as it is (the benchmarks keep a seeded database this way).
 *
 * PostgreSQL refuses to run as root, so when this process is root the server runs as the
 * `postgres` user (via runuser) and owns the folder. If this process dies without calling
 * `stop`, an exit hook stops the server; failing that, the postmaster shuts itself down once its
 * folder is gone.
 */
export async function startPostgresCluster(
  options: { keepIn?: string } = {},
): Promise<PostgresCluster> {
  for (const tool of ['initdb', 'pg_ctl', 'postgres'])
    if (!existsSync(path.join(BIN, tool)))
      throw new Error(`${BIN}/${tool} is missing; ${INSTALL_HINT}`);
  const kept = options.keepIn;
  if (kept) await mkdir(kept, { recursive: true });
  const root = kept ?? (await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-pg-')));
  const data = path.join(root, 'data');
  const reused = kept !== undefined && existsSync(path.join(data, 'PG_VERSION'));
  const asRoot = process.geteuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUser();
    await chown(root, uid, gid);
  }
  // Through execa: no shell, a time limit, and an error that carries the tool's stderr.
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execa('runuser', ['-u', 'postgres', '--', path.join(BIN, tool), ...args], {
          ...TOOL,
          cwd: root,
        })
      : execa(path.join(BIN, tool), args, { ...TOOL, cwd: root });
  const pgCtl = (args: string[]) => run('pg_ctl', ['-D', data, ...args]);

  let started = false;
  const stopNow = () => {
    if (!started) return;
    try {
      // Synchronous on purpose: an exit hook cannot wait for a promise.
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      if (asRoot)
        execaSync('runuser', ['-u', 'postgres', '--', path.join(BIN, 'pg_ctl'), ...args], {
          stdio: 'ignore',
        });
      else execaSync(path.join(BIN, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
  };
  process.once('exit', stopNow);
  const stop = async () => {
    process.off('exit', stopNow);
    if (started) await pgCtl(['-m', 'fast', '-w', 'stop']).catch(() => {});
    started = false;
    if (!kept) await rm(root, { recursive: true, force: true });
  };

  try {
    if (!reused)
      await run('initdb', [
        '-D',
        data,
        '-U',
        'postgres',
        '--auth-local=trust',
        '--auth-host=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-instructions',
      ]);
    // A port taken between choosing and listening makes pg_ctl fail: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await appendFile(
        path.join(data, 'postgresql.conf'),
        `\nlisten_addresses = '127.0.0.1'\nport = ${port}\nunix_socket_directories = '${root}'\n`,
      );
      try {
        await pgCtl(['-w', '-t', '30', '-l', path.join(root, 'server.log'), 'start']);
        started = true;
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
      } catch (error) {
        if (attempt >= 3)
          throw new Error(`PostgreSQL did not start: ${serverLog(root)}`, { cause: error });
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The uid and gid of the `postgres` user, from /etc/passwd. */
function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) throw new Error(`there is no postgres user; ${INSTALL_HINT}`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function serverLog(root: string): string {
  try {
    return readFileSync(path.join(root, 'server.log'), 'utf8').trim().slice(-2000);
  } catch {
    return '(no server log)';
  }
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
