import { randomBytes } from 'node:crypto';
import { afterEach, expect, inject, it } from 'vitest';
import { listRuns } from '../../main/server/console/run-queries.js';
import { openAuditStore } from '../../main/server/audit/open-audit-store.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { testDevice } from '../support/audit-events.js';
import { ADMIN_TOKEN, INGEST_TOKEN, postEvents } from '../support/audit-server.js';
import { runEvents } from '../support/console-runs.js';
import { describeWhere, POSTGRES_CLUSTER } from '../support/os-needs.js';
import { freshPostgresDatabase, withPostgresClient } from '../support/postgres-database.js';

let server: CatalogueServer | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A database owned by the superuser that a plain role may fill (CREATE on schema public) but not
 * extend (no CREATE on the database, which a trusted extension such as pg_trgm needs): what a
 * production DBA hands an application. Returns the superuser's URL and the role's.
 */
async function databaseForPlainRole(): Promise<{ owner: string; app: string }> {
  const owner = await freshPostgresDatabase();
  const role = `sd_app_${randomBytes(6).toString('hex')}`;
  await withPostgresClient(owner, async (client) => {
    await client.query(`CREATE ROLE ${role} LOGIN`);
    await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
  });
  cleanups.push(async () => {
    await withPostgresClient(owner, (client) => client.query(`DROP OWNED BY ${role}`));
    await withPostgresClient(inject('postgresUrl'), (client) => client.query(`DROP ROLE ${role}`));
  });
  const app = new URL(owner);
  app.username = role;
  app.password = '';
  return { owner, app: app.href };
}

async function indexes(url: string): Promise<string[]> {
  return withPostgresClient(url, async (client) => {
    const result = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'audit_runs' AND indexname LIKE '%trgm'`,
    );
    return result.rows.map((row) => row.indexname);
  });
}

describeWhere(POSTGRES_CLUSTER, 'the run filters on PostgreSQL', () => {
  it('starts and filters by reason when CREATE EXTENSION pg_trgm is refused, says so once, and builds the index once it is allowed', async () => {
    const { owner, app } = await databaseForPlainRole();
    const logged: string[] = [];
    const serve = async () =>
      (server = await startServer({
        port: 0,
        log: (line) => logged.push(line),
        audit: { database: app, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN },
      }));
    await serve();
    const notices = logged.filter((line) => line.includes('pg_trgm'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('permission denied');
    expect(notices[0]).toContain('a superuser runs "CREATE EXTENSION pg_trgm;"');
    expect(await indexes(owner)).toEqual([]);

    const device = testDevice('laptop-9');
    const answer = await postEvents(server!.url, [
      ...runEvents(device, { runId: 'one', reason: 'Month-end CLOSE for APAC' }),
      ...runEvents(device, { runId: 'two', reason: 'rerun' }),
    ]);
    expect(answer.status).toBe(200);
    const store = await openAuditStore(app);
    try {
      const found = await listRuns(store, { reason: 'end close' }, undefined, 10);
      expect(found.map((run) => run.runId)).toEqual(['one']);
    } finally {
      await store.close();
    }

    await server!.close();
    await withPostgresClient(owner, (client) => client.query('CREATE EXTENSION pg_trgm'));
    logged.length = 0;
    await serve();
    expect(logged.filter((line) => line.includes('pg_trgm'))).toEqual([]);
    expect(await indexes(owner)).toEqual(['audit_runs_reason_trgm']);
  });

  it('estimates one run per input row, and the input filter rows as they are, so a page walks the index and stops', async () => {
    const database = await freshPostgresDatabase();
    server = await startServer({
      port: 0,
      audit: { database, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN },
    });
    // 5 devices × 24 runs, three inputs each; `apac` is a region on a fifth of them, never another field.
    const regions = ['apac', 'emea', 'amer', 'latam', 'anz'];
    for (let d = 0; d < 5; d++) {
      const device = testDevice(`laptop-${d}`);
      const runs = Array.from({ length: 24 }, (_, n) =>
        runEvents(device, {
          inputs: {
            region: regions[(d + n) % 5],
            team: ['red', 'blue'][n % 2],
            month: `2026-0${1 + (n % 9)}`,
          },
        }),
      );
      expect((await postEvents(server.url, runs.flat())).status).toBe(200);
    }
    const plan = await withPostgresClient(database, async (client) => {
      await client.query('ANALYZE audit_run_inputs; ANALYZE audit_runs');
      const result = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) SELECT r.run_id FROM audit_run_inputs AS i
           JOIN audit_runs AS r ON r.source = i.source AND r.run_id = i.run_id
           WHERE i.field = $1 AND i.value = $2`,
        ['region', 'apac'],
      );
      return result.rows[0]!['QUERY PLAN'][0].Plan;
    });
    const scan = nodes(plan).find((node) => node['Relation Name'] === 'audit_run_inputs')!;
    // 24 of 120 runs have region=apac; counted independently, field and value give 360 × 1/3 × 1/15 = 8.
    expect(scan['Plan Rows']).toBeGreaterThanOrEqual(20);
    expect(scan['Plan Rows']).toBeLessThanOrEqual(28);
    expect(plan['Plan Rows']).toBe(scan['Plan Rows']);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}
