import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseServerConfig } from '../../main/server/alerts/alert-config.js';
import { alertBody, slackText, webhookRequest } from '../../main/server/alerts/alert-payload.js';
import { alertsOfPlan, isSilent, silentAlerts } from '../../main/server/alerts/alert-rules.js';
import type { ClaimedDelivery, DeviceReport } from '../../main/server/audit/alert-queue.js';
import { deviceReportsOf } from '../../main/server/audit/device-reports.js';
import { checkEvent, planBatch, type IngestSnapshot } from '../../main/server/audit/ingest-plan.js';
import { newDeviceKey, runData, testDevice } from '../support/audit-events.js';

const config = parseServerConfig(
  {
    alerts: {
      targets: [
        { name: 'ops', url: 'https://ops.example/', format: 'signed-json', secretEnv: 'S' },
        { name: 'chat', url: 'https://chat.example/', format: 'slack' },
      ],
      rules: [
        { on: 'run-failed', scripts: ['payroll'], targets: ['ops'] },
        { on: 'run-failed', scripts: ['*'], statuses: ['timeout'], targets: ['chat'] },
        { on: 'integrity', flags: ['gap'], targets: ['ops'] },
        { on: 'device-pending', targets: ['chat'] },
        { on: 'device-silent', days: 2, targets: ['ops'] },
      ],
    },
  },
  'test.json',
).alerts!;

const empty = (): IngestSnapshot => ({ keys: new Map(), heads: new Map(), bodies: new Map() });
const DAY = 24 * 60 * 60 * 1000;

describe('which alerts an ingest raises', () => {
  it('raises a run-failed alert only for the chosen scripts and statuses, to the matching targets', () => {
    const device = testDevice('laptop-1');
    const events = [
      device.next({
        data: {
          ...runData({ scriptId: 'payroll', status: 'failed' }),
          inputs: { account: 'ACME-7731' },
        },
      }),
      device.next({ data: runData({ scriptId: 'payroll', status: 'succeeded' }) }),
      device.next({ data: runData({ scriptId: 'report', status: 'failed' }) }),
      device.next({ data: runData({ scriptId: 'report', status: 'timeout' }) }),
      device.next({ data: runData({ scriptId: 'payroll', status: 'timeout' }) }),
    ];
    const plan = planBatch(events.map(checkEvent), empty(), { devices: 'auto' });
    const alerts = alertsOfPlan(plan, config);
    expect(alerts.map((a) => [JSON.parse(a.facts).sequence, a.targets])).toEqual([
      [1, ['ops']],
      [4, ['chat']],
      [5, ['chat', 'ops']],
    ]);
    const facts = JSON.parse(alerts[0]!.facts);
    expect(facts).toMatchObject({ device: 'laptop-1', script: 'payroll', status: 'failed' });
    // The run's id, so the console links the alert to the run's page.
    expect(facts.runId).toBe(events[0]!.data.runId);
    // Inputs never travel in an alert, however the run recorded them.
    expect(alerts[0]!.facts).not.toContain('ACME-7731');
    // The id comes from the event: planning the same batch again raises the same ids.
    const again = alertsOfPlan(
      planBatch(events.map(checkEvent), empty(), { devices: 'auto' }),
      config,
    );
    expect(again.map((a) => a.id)).toEqual(alerts.map((a) => a.id));
  });

  it('raises integrity alerts for the chosen flags and device-pending for a held key', () => {
    const device = testDevice('laptop-2');
    const first = device.next();
    device.next(); // never sent: a gap
    const third = device.next();
    const stranger = device.next({ privateKey: newDeviceKey() });
    const plan = planBatch([first, third, stranger].map(checkEvent), empty(), {
      devices: 'auto',
    });
    const alerts = alertsOfPlan(plan, config);
    expect(alerts.map((a) => [a.kind, a.targets])).toEqual([
      ['integrity', ['ops']], // the gap; the new key's `key` flag is not a chosen flag
      ['device-pending', ['chat']],
    ]);
    expect(JSON.parse(alerts[0]!.facts)).toMatchObject({ flag: 'gap', sequence: 2 });
  });
});

describe('what a batch tells the server about its device', () => {
  it('keeps the backlog less what the device may now forget; held events still count', () => {
    const device = testDevice('laptop-3');
    const batch = [device.next(), device.next(), device.next({ privateKey: newDeviceKey() })].map(
      checkEvent,
    );
    const plan = planBatch(batch, empty(), { devices: 'auto' });
    expect(plan.results.map((r) => r.status)).toEqual(['stored', 'stored', 'refused']);
    expect(deviceReportsOf(batch, plan.results, 'T', 10)).toEqual([
      { source: 'laptop-3', lastSeen: 'T', backlog: 8 },
    ]);
    expect(deviceReportsOf(batch, plan.results, 'T', undefined)).toEqual([
      { source: 'laptop-3', lastSeen: 'T', backlog: null },
    ]);
  });

  it('ignores the backlog of a batch that mixes devices', () => {
    const batch = [testDevice('a').next(), testDevice('b').next()].map(checkEvent);
    const plan = planBatch(batch, empty(), { devices: 'auto' });
    expect(deviceReportsOf(batch, plan.results, 'T', 5).map((r) => r.backlog)).toEqual([
      null,
      null,
    ]);
  });
});

describe('when a device counts as silent', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  const report = (lastSeenDaysAgo: number, backlog: number | null): DeviceReport => ({
    source: 'laptop',
    lastSeen: new Date(now.getTime() - lastSeenDaysAgo * DAY).toISOString(),
    backlog,
  });

  it.each([
    ['away 3 days with 5 events to send', true, report(3, 5)],
    ['away exactly 2 days with 1 event to send', true, report(2, 1)],
    ['away 1.9 days with events to send', false, report(1.9, 5)],
    ['away 30 days with nothing to send', false, report(30, 0)],
    ['away 30 days, backlog never reported', false, report(30, null)],
  ])('%s → silent: %s', (_name, expected, value) => {
    expect(isSilent(value, now, 2)).toBe(expected);
  });

  it('queues one alert per silence: the same silence checked again has the same id', () => {
    const reports = [report(3, 5), { ...report(1, 5), source: 'desk' }];
    const first = silentAlerts(reports, now, config);
    const later = silentAlerts(reports, new Date(now.getTime() + DAY), config);
    expect(first.map((a) => a.source)).toEqual(['laptop']);
    expect(later.find((a) => a.source === 'laptop')!.id).toBe(first[0]!.id);
    expect(later.map((a) => a.source)).toEqual(['laptop', 'desk']);
  });
});

describe('what goes on the wire', () => {
  const delivery: ClaimedDelivery = {
    alertId: '0123456789abcdef0123456789abcdef',
    target: 'ops',
    attempts: 1,
    kind: 'run-failed',
    source: 'laptop-1',
    facts: JSON.stringify({ status: 'failed', device: 'laptop-1', version: 'payroll@1.2.0' }),
    createdAt: '2026-03-10T12:00:00.000Z',
  };
  const secret = 'a-webhook-secret-of-32-characters';

  it('signs signed-json so the documented recipe verifies it, and the body stays the same', () => {
    const target = { name: 'ops', format: 'signed-json' as const, url: 'https://x/', secret };
    const now = new Date('2026-03-10T12:05:00.000Z');
    const request = webhookRequest(delivery, target, now);
    expect(request.body).toBe(
      '{"facts":{"device":"laptop-1","status":"failed","version":"payroll@1.2.0"},"id":"0123456789abcdef0123456789abcdef","kind":"run-failed","time":"2026-03-10T12:00:00.000Z"}',
    );
    // The recipe from the README: split t and v1, HMAC-SHA256 over "<t>.<raw body>", compare.
    const header = request.headers['X-ScriptDesk-Signature']!;
    const parts = Object.fromEntries(
      header.split(',').map((p) => p.split('=') as [string, string]),
    );
    expect(parts.t).toBe(String(now.getTime() / 1000));
    const expected = createHmac('sha256', secret).update(`${parts.t}.${request.body}`).digest();
    expect(timingSafeEqual(expected, Buffer.from(parts.v1!, 'hex'))).toBe(true);
    // A retry a minute later carries the same body (receivers de-duplicate) and a new stamp.
    const retry = webhookRequest(delivery, target, new Date(now.getTime() + 60_000));
    expect(retry.body).toBe(alertBody(delivery));
    expect(retry.headers['X-ScriptDesk-Signature']).not.toBe(header);
    expect(JSON.stringify(request)).not.toContain(secret);
  });

  it('writes Slack text in plain words, unsigned', () => {
    const request = webhookRequest(
      delivery,
      { name: 'c', format: 'slack', url: 'https://x/' },
      new Date(),
    );
    expect(JSON.parse(request.body)).toEqual({
      text: 'ScriptDesk: a run of payroll@1.2.0 ended "failed" on device laptop-1, event ?.',
    });
    expect(request.headers['X-ScriptDesk-Signature']).toBeUndefined();
    expect(slackText({ ...delivery, kind: 'device-pending' })).toBe(
      'ScriptDesk: device laptop-1 has a key waiting for approval (scriptdesk audit approve).',
    );
  });
});
