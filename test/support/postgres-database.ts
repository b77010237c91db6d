import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, inject } from 'vitest';

const created: string[] = [];

/**
 * A new, empty database in the test run's PostgreSQL cluster (`t_<random>`, see
 * postgres-global-setup.ts), dropped after the current test: no two tests, in this file or
 * another, share state. Returns its URL.
 */
export async function freshPostgresDatabase(): Promise<string> {
  const admin = inject('postgresUrl');
  const name = `t_${randomBytes(8).toString('hex')}`;
  await withPostgresClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  created.push(name);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.href;
}

afterEach(async () => {
  const names = created.splice(0);
  if (names.length === 0) return;
  await withPostgresClient(inject('postgresUrl'), async (client) => {
    // FORCE: a connection a failed test left open must not keep its database alive.
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

/** Runs `work` with one connected client, always closing it. */
export async function withPostgresClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
