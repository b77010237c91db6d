import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError } from '../../main/cli/cli-error.js';
import { terminalOutput } from '../../main/cli/terminal-output.js';
import { main } from '../../main/cli/main.js';
import { serverCommand, type ServerCommandOptions } from '../../main/cli/server-command.js';
import { testDevice } from '../support/audit-events.js';
import { ADMIN_TOKEN, INGEST_TOKEN, postEvents } from '../support/audit-server.js';
import { publish } from '../support/catalogue.js';
import { refusingPort } from '../support/ports.js';
import { freshPostgresDatabase } from '../support/postgres-database.js';
import { tempDir } from '../support/temp.js';

const BOTH_TOKENS = {
  SCRIPTDESK_INGEST_TOKEN: INGEST_TOKEN,
  SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN,
};

/** A running `scriptdesk server` command (in this process), stopped after the test. */
interface RunningCommand {
  lines: string[];
  /** The address from the first line that names one. */
  url: string;
  stop(): Promise<void>;
}

let running: RunningCommand | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Starts the command and waits for its first line (all its lines are printed together). */
async function startCommand(
  options: Partial<ServerCommandOptions>,
  env: NodeJS.ProcessEnv,
): Promise<RunningCommand> {
  const lines: string[] = [];
  let announced: () => void = () => {};
  const serving = new Promise<void>((resolve) => (announced = resolve));
  const command = serverCommand(
    { port: '0', host: '127.0.0.1', ...options },
    terminalOutput((line) => {
      lines.push(line);
      announced();
    }),
    env,
  );
  await Promise.race([serving, command]);
  const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(lines.join('\n'))?.[1] ?? '';
  running = {
    lines,
    url,
    stop: async () => {
      process.emit('SIGINT');
      await command;
    },
  };
  return running;
}

/** What the command fails with, as a CliError. */
async function refusal(
  options: Partial<ServerCommandOptions>,
  env: NodeJS.ProcessEnv,
): Promise<CliError> {
  const attempt = serverCommand(
    { port: '0', host: '127.0.0.1', ...options },
    terminalOutput(() => {}),
    env,
  );
  await expect(attempt).rejects.toThrow(CliError);
  return attempt.catch((error: unknown) => error as CliError) as Promise<CliError>;
}

describe('scriptdesk server with the audit endpoint', () => {
  it('refuses a token shorter than 16 characters, naming the variable and never the value', async () => {
    const home = await tempDir();
    for (const [variable, env] of [
      ['SCRIPTDESK_INGEST_TOKEN', { ...BOTH_TOKENS, SCRIPTDESK_INGEST_TOKEN: 'short-secret' }],
      ['SCRIPTDESK_ADMIN_TOKEN', { ...BOTH_TOKENS, SCRIPTDESK_ADMIN_TOKEN: 'short-secret' }],
      [
        'SCRIPTDESK_ADMIN_TOKEN',
        { ...BOTH_TOKENS, SCRIPTDESK_ADMIN_TOKEN: 'has spaces in the token' },
      ],
    ] as const) {
      const error = await refusal({}, { ...env, SCRIPTDESK_HOME: home });
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(new RegExp(`^${variable} must be at least 16 characters`));
      expect(error.message).not.toContain('short-secret');
      expect(error.message).not.toContain('has spaces');
    }
    expect(existsSync(path.join(home, 'server'))).toBe(false);
  });

  it('refuses one token without the other, naming the missing variable', async () => {
    const ingestOnly = await refusal({}, { SCRIPTDESK_INGEST_TOKEN: INGEST_TOKEN });
    expect(ingestOnly.message).toBe(
      'SCRIPTDESK_INGEST_TOKEN is set but SCRIPTDESK_ADMIN_TOKEN is not: set both to turn on the audit endpoint, or neither to serve only the catalogue',
    );
    const adminOnly = await refusal({}, { SCRIPTDESK_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(adminOnly.message).toMatch(/but SCRIPTDESK_INGEST_TOKEN is not/);
    expect(`${ingestOnly.message}${adminOnly.message}`).not.toContain(INGEST_TOKEN);
    expect(`${ingestOnly.message}${adminOnly.message}`).not.toContain(ADMIN_TOKEN);
  });

  it('refuses the same value for both tokens', async () => {
    const error = await refusal(
      {},
      { SCRIPTDESK_INGEST_TOKEN: INGEST_TOKEN, SCRIPTDESK_ADMIN_TOKEN: INGEST_TOKEN },
    );
    expect(error.message).toMatch(/must differ/);
    expect(error.message).not.toContain(INGEST_TOKEN);
  });

  it('refuses to start with neither --root nor tokens, and --database without tokens', async () => {
    const nothing = await refusal({}, {});
    expect(nothing.exitCode).toBe(2);
    expect(nothing.message).toMatch(/^nothing to serve: give --root DIR/);
    const { published } = await publish();
    const database = await refusal({ root: published, database: '/tmp/x.sqlite' }, {});
    expect(database.message).toMatch(
      /^--database, --devices and --config configure the audit endpoint/,
    );
  });

  it('serves only the catalogue and says in one line how to turn the audit endpoint on when no token is set', async () => {
    const { published } = await publish();
    const command = await startCommand({ root: published }, {});
    expect(command.lines).toEqual([
      `Serving catalogue from ${published} at ${command.url}`,
      'Audit endpoint off: set SCRIPTDESK_INGEST_TOKEN and SCRIPTDESK_ADMIN_TOKEN (16+ characters each, e.g. from openssl rand -base64 32) to turn it on',
    ]);
    expect((await fetch(`${command.url}/catalogue.json`)).status).toBe(200);
    expect((await fetch(`${command.url}/v1/events`, { method: 'POST', body: '[]' })).status).toBe(
      404,
    );
  });

  it('stores events in $SCRIPTDESK_HOME/server/audit.sqlite by default, beside the catalogue', async () => {
    const home = await tempDir();
    const { published } = await publish();
    const command = await startCommand(
      { root: published },
      { ...BOTH_TOKENS, SCRIPTDESK_HOME: home },
    );
    const database = path.join(home, 'server', 'audit.sqlite');
    expect(command.lines).toEqual([
      `Serving catalogue from ${published} at ${command.url}`,
      `Audit endpoint at ${command.url}/v1/events (admin API under /v1/admin/), events stored in ${database}; new devices are registered when first seen`,
    ]);
    expect((await postEvents(command.url, testDevice().events(2))).status).toBe(200);
    expect(existsSync(database)).toBe(true);
    expect((await fetch(`${command.url}/catalogue.json`)).status).toBe(200);
  });

  it('prints the PostgreSQL database with its password replaced and no token, and stores events there', async () => {
    const database = new URL(await freshPostgresDatabase());
    // Trust authentication ignores the password: it is only there to prove it is never printed.
    database.password = 'Pg-Pa55word';
    const command = await startCommand(
      { database: database.href, devices: 'approve' },
      BOTH_TOKENS,
    );
    const printed = command.lines.join('\n');
    expect(command.lines).toHaveLength(1);
    expect(printed).toContain(
      `events stored in postgres://postgres:***@127.0.0.1:${database.port}/`,
    );
    expect(printed).toContain('new devices wait for scriptdesk audit approve');
    for (const secret of ['Pg-Pa55word', INGEST_TOKEN, ADMIN_TOKEN])
      expect(printed).not.toContain(secret);
    const answer = await postEvents(command.url, testDevice().events(1));
    expect(answer.body.results[0]).toMatchObject({ reason: 'key_pending' });
  });

  it('reports a PostgreSQL server it cannot reach in one line, without the password', async () => {
    const port = await refusingPort();
    const error = await refusal(
      { database: `postgresql://auditor:Pg-Pa55word@127.0.0.1:${port}/audit` },
      BOTH_TOKENS,
    );
    expect(error.message).toMatch(
      new RegExp(
        `^cannot open the audit database postgresql://auditor:\\*\\*\\*@127\\.0\\.0\\.1:${port}/audit: .*ECONNREFUSED`,
      ),
    );
    expect(error.message).not.toContain('Pg-Pa55word');
    expect(error.message).not.toContain('\n');
  });

  it('refuses a SQLite file that is not an audit database instead of migrating it', async () => {
    const file = path.join(await tempDir(), 'other.sqlite');
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(file);
    other.exec('CREATE TABLE notes (text TEXT)');
    other.close();
    const error = await refusal({ database: file }, BOTH_TOKENS);
    expect(error.message).toContain(`${file} is not a ScriptDesk audit server database`);
  });

  it('takes --devices auto|approve only, as a usage error through the real command line', async () => {
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
    try {
      const code = await main(['node', 'scriptdesk', 'server', '--devices', 'sometimes']);
      expect(code).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.join('')).toBe(
      'scriptdesk: --devices "sometimes" must be auto (register devices when first seen) or approve (wait for scriptdesk audit approve)\n',
    );
  });
});
