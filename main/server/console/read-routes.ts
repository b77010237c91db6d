import type { ServerResponse } from 'node:http';
import type { AuditStore, StoredEventRow } from '../audit/audit-store.js';
import { exportLine, startExport } from '../audit/export-format.js';
import { sendError, sendJson, writeChunk } from '../audit/http-json.js';
import { verifyDevices } from '../audit/verify-devices.js';
import { insights } from './insights.js';
import { integrity } from './integrity.js';
import { runDetail } from './run-detail.js';
import {
  encodeRunKey,
  parseExportQuery,
  parseInsightsQuery,
  parseRunQuery,
  type RunKey,
} from './run-filters.js';
import type { RunSummary } from './console-types.js';
import { listRuns } from './run-queries.js';

/** A console API route that only reads: the response, the query. */
export type ReadHandler = (response: ServerResponse, search: URLSearchParams) => Promise<void>;

/** Runs per store query while an export streams. */
const EXPORT_PAGE = 200;

const noParameters = (search: URLSearchParams) => [...search.keys()].length === 0;

/** The console's read-only API (auditors and admins): runs, a run, integrity, devices, insights. */
export function readRoutes(store: AuditStore): Record<string, ReadHandler> {
  return {
    '/console/api/runs': async (response, search) => {
      const query = parseRunQuery(search);
      if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
      const { filters, after, limit } = query.value;
      const rows = await listRuns(store, filters, after, limit + 1);
      const runs = rows.slice(0, limit);
      const last = runs[runs.length - 1];
      sendJson(response, 200, {
        runs,
        next:
          rows.length > limit && last
            ? encodeRunKey({ time: last.time, source: last.source, runId: last.runId })
            : null,
      });
    },

    '/console/api/run': async (response, search) => {
      const device = search.get('device');
      const run = search.get('run');
      if (!device || !run || [...search.keys()].length !== 2)
        return sendError(response, 400, 'bad_query', 'give exactly device=<source> and run=<id>');
      const detail = await runDetail(store, device, run);
      if (!detail)
        return sendError(
          response,
          404,
          'unknown_run',
          'no run with this id from this device; open it from the runs list',
        );
      sendJson(response, 200, detail);
    },

    '/console/api/integrity': async (response, search) => {
      if (!noParameters(search))
        return sendError(response, 400, 'bad_query', 'integrity takes no query parameters');
      sendJson(response, 200, await integrity(store));
    },

    '/console/api/verify': async (response, search) => {
      const device = search.get('device');
      if (!device || [...search.keys()].length !== 1)
        return sendError(response, 400, 'bad_query', 'give exactly device=<source>');
      const devices = await store.devices(device);
      if (devices.length === 0)
        return sendError(response, 404, 'unknown_device', 'no device with this source');
      sendJson(response, 200, await verifyDevices(store, devices));
    },

    '/console/api/devices': async (response, search) => {
      if (!noParameters(search))
        return sendError(response, 400, 'bad_query', 'devices takes no query parameters');
      const devices = await store.devices();
      const withSeen = [];
      for (const device of devices) {
        // The device's newest event, through the chain index: no scan of the events.
        const [last] = await store.select<{ received_at: string; time: string }>(
          `SELECT received_at, time FROM audit_events WHERE source = ?
           ORDER BY sequence DESC, id DESC LIMIT 1`,
          [device.source],
        );
        // What the device last reported with a batch (`ScriptDesk-Backlog`), if it ever did.
        const [report] = await store.select<{ last_seen: string; backlog: number | null }>(
          'SELECT last_seen, backlog FROM audit_device_reports WHERE source = ?',
          [device.source],
        );
        withSeen.push({
          ...device,
          lastSeen: report?.last_seen ?? last?.received_at ?? null,
          lastEventTime: last?.time ?? null,
          backlog: report?.backlog ?? null,
        });
      }
      sendJson(response, 200, { devices: withSeen });
    },

    '/console/api/admin-log': async (response, search) => {
      const after = search.get('after');
      if (
        [...search.keys()].some((name) => name !== 'after') ||
        (after && !/^\d{1,15}$/.test(after))
      )
        return sendError(response, 400, 'bad_query', 'admin-log takes only after=<next>');
      const rows = await store.select<{
        id: number;
        at: string;
        actor: string;
        action: string;
        source: string;
        public_key: string | null;
        outcome: string;
      }>(
        `SELECT id, at, actor, action, source, public_key, outcome FROM audit_admin_log
         ${after ? 'WHERE id < ?' : ''} ORDER BY id DESC LIMIT 101`,
        after ? [Number(after)] : [],
      );
      const entries = rows.slice(0, 100).map((row) => ({
        id: Number(row.id),
        at: row.at,
        actor: row.actor,
        action: row.action,
        source: row.source,
        key: row.public_key,
        outcome: row.outcome,
      }));
      sendJson(response, 200, {
        entries,
        next: rows.length > 100 ? String(entries[entries.length - 1]!.id) : null,
      });
    },

    '/console/api/insights': async (response, search) => {
      const query = parseInsightsQuery(search, new Date());
      if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
      sendJson(response, 200, await insights(store, query.value.since, query.value.until));
    },

    '/console/api/export': async (response, search) => {
      const query = parseExportQuery(search);
      if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
      const { filters, format } = query.value;
      let chunk = startExport(response, format, 'scriptdesk-runs');
      let after: RunKey | undefined;
      for (;;) {
        const runs = await listRuns(store, filters, after, EXPORT_PAGE);
        for (const row of await eventsOf(store, runs)) chunk += exportLine(format, row);
        if (chunk && !(await writeChunk(response, chunk))) return;
        chunk = '';
        const last = runs[runs.length - 1];
        if (runs.length < EXPORT_PAGE || !last) break;
        after = { time: last.time, source: last.source, runId: last.runId };
      }
      response.end();
    },
  };
}

/** The stored events of these runs, run by run (in the runs' order), each in sequence order. */
async function eventsOf(store: AuditStore, runs: RunSummary[]): Promise<StoredEventRow[]> {
  const wanted = runs.flatMap((run) =>
    [run.sequences.requested, run.sequences.started, run.sequences.finished]
      .filter((n): n is number => n !== null)
      .map((sequence) => ({ source: run.source, sequence })),
  );
  if (wanted.length === 0) return [];
  const rows = await store.select<StoredEventRow>(
    `SELECT time, source, sequence, id, received_at AS "receivedAt", body FROM audit_events
     WHERE ${wanted.map(() => '(source = ? AND sequence = ?)').join(' OR ')}`,
    wanted.flatMap((w) => [w.source, w.sequence]),
  );
  const place = new Map(runs.map((run, index) => [run.source + '\u0000' + run.runId, index]));
  const runOf = (row: StoredEventRow) => {
    const run = runs.find(
      (r) =>
        r.source === row.source &&
        [r.sequences.requested, r.sequences.started, r.sequences.finished].includes(row.sequence),
    );
    return run ? (place.get(run.source + '\u0000' + run.runId) ?? 0) : 0;
  };
  return rows
    .map((row) => ({ row, at: runOf(row) }))
    .sort((a, b) => a.at - b.at || a.row.sequence - b.row.sequence || cmp(a.row.id, b.row.id))
    .map(({ row }) => row);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
