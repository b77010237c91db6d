import { afterEach, expect, it } from 'vitest';
import type { AuditStore } from '../../main/server/audit/audit-store.js';
import { openAuditStore } from '../../main/server/audit/open-audit-store.js';
import { listRuns } from '../../main/server/console/run-queries.js';
import type { RunFilters } from '../../main/server/console/run-filters.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { DROP_ROLLUPS } from '../support/direct-insights.js';
import { testDevice, type TestDevice } from '../support/audit-events.js';
import {
  ADMIN_TOKEN,
  describeEachStore,
  INGEST_TOKEN,
  postEvents,
  type AuditStoreKind,
} from '../support/audit-server.js';
import { runEvents, type SeededRun } from '../support/console-runs.js';

let server: CatalogueServer | undefined;
let store: AuditStore | undefined;
afterEach(async () => {
  await store?.close();
  await server?.close();
  store = server = undefined;
});

/** Reasons as analysts type them: case, LIKE's own characters, quotes, accents, one updated. */
const REASONS: Record<string, string | null> = {
  incident: 'Incident INC-4711: 100% of rows_missing',
  quotes: `Quarterly "close" – it's done`,
  accents: 'Café crème für Zoë',
  capitals: 'ÉCOLE audit',
  pattern: 'a_b%c!d',
  none: null,
};

/** Texts searched, with the runs every store finds (`undefined`: compared with the scan only). */
const SEARCHES: [string, string[] | undefined][] = [
  ['in', ['incident']], // short: the substring scan
  ['INCIDENT inc-4711', ['incident']],
  ['100%', ['incident']],
  ['0% of', ['incident']],
  ['%', ['incident', 'pattern']],
  ['_', ['incident', 'pattern']],
  ['a_b', ['pattern']],
  ['a%b', []], // `%` is a character here, not "anything"
  ['b%c!d', ['pattern']],
  ['"close"', ['quotes']],
  ["it's", ['quotes']],
  ['café CRÈME', undefined], // lower() of non-ASCII letters is the store's own
  ['zoë', ['accents']],
  ['École', undefined],
  ['cole audit', ['capitals']],
  ['no such reason', []],
  ['zz', []],
];

describeEachStore('the console reason and input filters on $name', (kind: AuditStoreKind) => {
  async function serve(database: string) {
    server = await startServer({
      port: 0,
      audit: { database, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN },
    });
    return server.url;
  }

  async function stored(url: string, device: TestDevice, runs: SeededRun[]) {
    const answer = await postEvents(
      url,
      runs.flatMap((run) => runEvents(device, run)),
    );
    expect(answer.status).toBe(200);
  }

  /** Every run id `filters` finds, through the console's query, page by page. */
  async function found(filters: RunFilters): Promise<string[]> {
    const ids: string[] = [];
    for (let page = await listRuns(store!, filters, undefined, 2); page.length > 0;) {
      ids.push(...page.map((run) => run.runId));
      const last = page.at(-1)!;
      page = await listRuns(store!, filters, last, 2);
    }
    return ids.sort();
  }

  /** The same filter as before migration 5: a LIKE no index can serve (`|| ''` hides it). */
  async function scanned(text: string): Promise<string[]> {
    const rows = await store!.select<{ run_id: string }>(
      `SELECT run_id FROM audit_runs WHERE lower(reason || '') LIKE ? ESCAPE '!'`,
      [`%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`],
    );
    return rows.map((row) => row.run_id).sort();
  }

  async function expectSearchesAgree(renamed: Record<string, string> = {}) {
    for (const [text, expected] of SEARCHES) {
      const ids = await found({ reason: text });
      expect(ids, text).toEqual(await scanned(text));
      if (expected) expect(ids, text).toEqual(expected.map((id) => renamed[id] ?? id).sort());
    }
  }

  it('finds the same runs by reason text with the trigram index as by a scan, after inserts and updates', async () => {
    const database = await kind.database();
    const url = await serve(database);
    const device = testDevice('laptop-1');
    await stored(
      url,
      device,
      Object.entries(REASONS).map(([runId, reason]) => ({ runId, reason })),
    );
    store = await openAuditStore(database);
    await expectSearchesAgree();

    // A later event of a run with another reason replaces it: the old text is no longer found.
    await stored(url, device, [{ runId: 'incident', reason: 'Rerun after the outage' }]);
    await stored(url, device, [
      { runId: 'late', reason: 'Incident INC-4711: 100% of rows_missing' },
    ]);
    expect(await found({ reason: 'outage' })).toEqual(['incident']);
    await expectSearchesAgree({ incident: 'late' });
    expect(await found({ reason: 'INC-4711', script: 'monthly-report' })).toEqual(['late']);
    expect(await found({ reason: 'INC-4711', script: 'other' })).toEqual([]);
    if (kind.name === 'SQLite') {
      // FTS5 compares its index with audit_runs' reasons and fails on any difference.
      await kind.execute(
        database,
        `INSERT INTO audit_runs_reason (audit_runs_reason, rank) VALUES ('integrity-check', 1)`,
      );
      await kind.execute(database, `DELETE FROM audit_runs WHERE run_id = 'late'`);
      await kind.execute(
        database,
        `INSERT INTO audit_runs_reason (audit_runs_reason, rank) VALUES ('integrity-check', 1)`,
      );
    }
  });

  it('builds the reason index from runs stored before migration 5', async () => {
    const database = await kind.database();
    const url = await serve(database);
    await stored(
      url,
      testDevice('old-laptop'),
      Object.entries(REASONS).map(([runId, reason]) => ({ runId, reason })),
    );
    await server!.close();
    server = undefined;
    await kind.execute(
      database,
      // Migration 6 (the insights rollups) goes too: it is applied again after 5.
      `${DROP_ROLLUPS[kind.name]} ${
        kind.name === 'PostgreSQL'
          ? `DROP INDEX audit_runs_reason_trgm; DROP STATISTICS audit_run_inputs_field_value;
           ALTER TABLE audit_run_inputs DROP CONSTRAINT audit_run_inputs_run;
           DELETE FROM audit_schema_version WHERE version >= 5;`
          : `DROP TABLE audit_runs_reason; DROP TRIGGER audit_runs_reason_insert;
           DROP TRIGGER audit_runs_reason_update; DROP TRIGGER audit_runs_reason_delete;
           PRAGMA user_version = 4;`
      }`,
    );
    store = await openAuditStore(database);
    await expectSearchesAgree();
  });

  it('filters runs by an input value, alone, with other filters and across pages', async () => {
    const database = await kind.database();
    const url = await serve(database);
    const device = testDevice('laptop-2');
    await stored(url, device, [
      {
        runId: 'apac-1',
        inputs: { region: 'apac', threshold: 3 },
        startedAt: '2026-03-01T09:00:00.000Z',
      },
      {
        runId: 'emea-1',
        inputs: { region: 'emea', threshold: 3 },
        startedAt: '2026-03-02T09:00:00.000Z',
      },
      {
        runId: 'apac-2',
        inputs: { region: 'apac' },
        status: 'failed',
        exitCode: 2,
        startedAt: '2026-03-03T09:00:00.000Z',
      },
      { runId: 'apac-3', inputs: { region: 'APAC' }, startedAt: '2026-03-04T09:00:00.000Z' },
      { runId: 'other', inputs: { team: 'apac' }, startedAt: '2026-03-05T09:00:00.000Z' },
      {
        runId: 'apac-4',
        inputs: { region: 'apac', flag: true },
        user: 'bob',
        startedAt: '2026-03-06T09:00:00.000Z',
      },
    ]);
    store = await openAuditStore(database);
    const apac = { field: 'region', value: 'apac' };
    expect(await found({ input: apac })).toEqual(['apac-1', 'apac-2', 'apac-4']);
    expect(await found({ input: apac, status: 'failed' })).toEqual(['apac-2']);
    expect(await found({ input: apac, user: 'bob' })).toEqual(['apac-4']);
    expect(await found({ input: apac, since: '2026-03-02T00:00:00.000Z' })).toEqual([
      'apac-2',
      'apac-4',
    ]);
    expect(await found({ input: { field: 'threshold', value: '3' } })).toEqual([
      'apac-1',
      'emea-1',
    ]);
    expect(await found({ input: { field: 'flag', value: 'true' } })).toEqual(['apac-4']);
    expect(await found({ input: { field: 'region', value: 'latam' } })).toEqual([]);
  });
});
