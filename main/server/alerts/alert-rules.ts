import { createHash } from 'node:crypto';
import type { AlertKind, DeviceReport, QueuedAlert } from '../audit/alert-queue.js';
import type { IngestPlan } from '../audit/ingest-plan.js';
import type { AlertRule, AlertsConfig } from './alert-config.js';

/**
 * Which alerts a batch raises, as pure functions of the ingest plan and the rules. Each alert's
 * id is derived from what raised it (the event, the flag's fingerprint, the device key, the
 * silence's start), so a batch written twice, or a check run twice, queues nothing new.
 */

const RUN_FINISHED = 'dev.scriptdesk.run.finished';
const DAY_MS = 24 * 60 * 60 * 1000;

/** A stable id: 32 hex digits of SHA-256 over the kind and the parts that identify the cause. */
export function alertId(kind: AlertKind, ...parts: (string | number)[]): string {
  return createHash('sha256')
    .update(JSON.stringify([kind, ...parts]))
    .digest('hex')
    .slice(0, 32);
}

/** The alerts one ingest plan raises under `config`'s rules (deliveries: every matching rule's targets). */
export function alertsOfPlan(plan: IngestPlan, config: AlertsConfig): QueuedAlert[] {
  const alerts = new Map<string, QueuedAlert>();
  const add = (
    kind: AlertKind,
    id: string,
    source: string | null,
    facts: Record<string, unknown>,
    rules: AlertRule[],
  ) => {
    const targets = [...new Set(rules.flatMap((rule) => rule.targets))].sort();
    if (targets.length === 0) return;
    alerts.set(id, { id, kind, source, facts: JSON.stringify({ ...facts }), targets });
  };
  const rulesOn = <K extends AlertRule['on']>(on: K) =>
    config.rules.filter((rule): rule is Extract<AlertRule, { on: K }> => rule.on === on);

  for (const event of plan.events) {
    if (event.type !== RUN_FINISHED || event.status === null) continue;
    const status = event.status;
    const script = event.script;
    const matching = rulesOn('run-failed').filter(
      (rule) =>
        (rule.statuses as readonly string[]).includes(status) &&
        (rule.scripts.includes('*') || (script !== null && rule.scripts.includes(script))),
    );
    add(
      'run-failed',
      alertId('run-failed', event.source, event.id),
      event.source,
      {
        device: event.source,
        // The console links the alert to the run's page with it.
        runId: matching.length > 0 ? runIdOf(event.body) : null,
        script,
        version: event.subject,
        status,
        user: event.user,
        sequence: event.sequence,
        eventId: event.id,
        eventTime: event.time,
      },
      matching,
    );
  }
  for (const flag of plan.flags) {
    const matching = rulesOn('integrity').filter((rule) => rule.flags.includes(flag.kind));
    add(
      'integrity',
      alertId('integrity', flag.fingerprint),
      flag.source,
      {
        device: flag.source,
        flag: flag.kind,
        sequence: flag.sequence,
        eventId: flag.eventId,
        message: flag.message,
      },
      matching,
    );
  }
  for (const key of plan.newKeys) {
    if (key.status !== 'pending') continue;
    add(
      'device-pending',
      alertId('device-pending', key.source, key.key),
      key.source,
      {
        device: key.source,
        key: key.key,
        ...(key.rotation
          ? { replaces: key.rotation.previousKey, reason: key.rotation.reason }
          : {}),
      },
      rulesOn('device-pending'),
    );
  }
  return [...alerts.values()];
}

/**
 * Whether a device counts as silent: it last reported undelivered events (a backlog above 0) and
 * has not been seen for at least `days`. A device that said nothing of its backlog, or had sent
 * everything, is not silent however long it stays away: it may simply be switched off.
 */
export function isSilent(report: DeviceReport, now: Date, days: number): boolean {
  if (report.backlog === null || report.backlog <= 0) return false;
  const lastSeen = Date.parse(report.lastSeen);
  return !Number.isNaN(lastSeen) && now.getTime() - lastSeen >= days * DAY_MS;
}

/** The device-silent alerts due at `now`: one per device, rule and silence (keyed by its start). */
export function silentAlerts(
  reports: readonly DeviceReport[],
  now: Date,
  config: AlertsConfig,
): QueuedAlert[] {
  const alerts: QueuedAlert[] = [];
  for (const rule of config.rules) {
    if (rule.on !== 'device-silent') continue;
    for (const report of reports) {
      if (!isSilent(report, now, rule.days)) continue;
      alerts.push({
        id: alertId('device-silent', report.source, report.lastSeen, rule.days),
        kind: 'device-silent',
        source: report.source,
        facts: JSON.stringify({
          device: report.source,
          lastSeen: report.lastSeen,
          backlog: report.backlog,
          days: rule.days,
        }),
        targets: [...rule.targets].sort(),
      });
    }
  }
  return alerts;
}

/** The `data.runId` of a stored event body, or null when it has none. */
function runIdOf(body: string): string | null {
  const runId = (JSON.parse(body) as { data?: { runId?: unknown } }).data?.runId;
  return typeof runId === 'string' ? runId : null;
}
