import type { AuditStore } from '../audit/audit-store.js';
import { alertPage, parseAlertQuery } from '../audit/admin-query.js';
import { sendError, sendJson } from '../audit/http-json.js';
import type { ConsoleAlertPage, ConsoleAlertSummary } from './console-types.js';
import type { ReadHandler } from './read-routes.js';

/** Deliveries that did not get through: still retrying after a failure, or given up on. */
const FAILING = ['failed-retrying', 'gave-up'] as const;

/**
 * The console's alert routes (auditors and admins): the deliveries page, through the same queue
 * query as `GET /v1/admin/alerts`, and the count of failing deliveries the navigation shows. The
 * answers name each target, never its URL or secret (those live only in the server's config and
 * environment). `enabled` says whether the server runs with an alerts config at all.
 */
export function alertRoutes(store: AuditStore, enabled: boolean): Record<string, ReadHandler> {
  return {
    '/console/api/alerts': async (response, search) => {
      const query = parseAlertQuery(search);
      if (!query.ok) return sendError(response, 400, 'bad_query', query.message);
      const body: ConsoleAlertPage = { enabled, ...(await alertPage(store.alerts, query.value)) };
      sendJson(response, 200, body);
    },

    '/console/api/alerts/summary': async (response, search) => {
      if ([...search.keys()].length > 0)
        return sendError(response, 400, 'bad_query', 'alerts/summary takes no query parameters');
      // Through the (state, next_at) index: the failing rows only, never the whole queue.
      const [row] = await store.select<{ failing: number | string }>(
        `SELECT count(*) AS failing FROM audit_alert_deliveries WHERE state IN (?, ?)`,
        [...FAILING],
      );
      const body: ConsoleAlertSummary = { enabled, failing: Number(row?.failing ?? 0) };
      sendJson(response, 200, body);
    },
  };
}
