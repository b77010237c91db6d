import { request as httpRequest } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { eventBody, hasValidSignature, type AuditEvent } from '../../main/audit/event.js';
import type {
  Device,
  EventList,
  FlagsResponse,
  KeyChangeResponse,
  VerifyResponse,
} from '../../main/audit/protocol.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import {
  newDeviceKey,
  rewritten,
  rotationEvent,
  runData,
  tampered,
  testDevice,
} from '../support/audit-events.js';
import {
  admin,
  ADMIN_TOKEN,
  describeEachStore,
  INGEST_TOKEN,
  postEvents,
  type AuditStoreKind,
} from '../support/audit-server.js';

let server: CatalogueServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describeEachStore('audit endpoint on $name', (store: AuditStoreKind) => {
  /** An audit-only server on a new, empty database of this kind. */
  async function serve(devices: 'auto' | 'approve' = 'auto') {
    const database = await store.database();
    server = await startServer({
      port: 0,
      audit: { database, ingestToken: INGEST_TOKEN, adminToken: ADMIN_TOKEN, devices },
    });
    return { url: server.url, database };
  }

  /** Every stored event of a source, through the admin API, following `next` to the end. */
  async function storedEvents(url: string, query: Record<string, string> = {}) {
    const events: AuditEvent[] = [];
    let after: string | null = null;
    do {
      const page: { status: number; body: EventList } = await admin<EventList>(url, 'events', {
        query: { ...query, limit: '1000', ...(after ? { after } : {}) },
      });
      expect(page.status).toBe(200);
      events.push(...page.body.events);
      after = page.body.next;
    } while (after);
    return events;
  }

  const flagsOf = async (url: string, source: string) =>
    (await admin<FlagsResponse>(url, 'flags', { query: { source } })).body.flags;
  const verify = async (url: string, source: string) =>
    (await admin<VerifyResponse>(url, 'verify', { query: { source } })).body.devices[0]!;
  const deviceOf = async (url: string, source: string) =>
    (await admin<{ devices: Device[] }>(url, 'devices')).body.devices.find(
      (device) => device.source === source,
    );

  it('stores a valid chain sent in three batches once each, with no flag and an intact verify', async () => {
    const { url } = await serve();
    const device = testDevice();
    const events = device.events(6);
    for (const batch of [events.slice(0, 2), events.slice(2, 4), events.slice(4)]) {
      const answer = await postEvents(url, batch);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        results: batch.map((event) => ({ id: event.id, status: 'stored' })),
        stored: 2,
        duplicates: 0,
        refused: 0,
      });
    }
    const stored = await storedEvents(url, { source: device.source });
    // Newest first; every body exactly as signed.
    expect(stored).toEqual([...events].reverse());
    expect(await flagsOf(url, device.source)).toEqual([]);
    expect(await verify(url, device.source)).toEqual({
      source: device.source,
      checked: 6,
      intact: true,
      problems: [],
      flags: [],
      rotations: [],
    });
    const registered = await deviceOf(url, device.source);
    expect(registered).toMatchObject({ events: 6, headSequence: 6, flags: 0 });
    expect(registered!.keys).toEqual([
      expect.objectContaining({ key: device.key, status: 'active' }),
    ]);
  });

  it('answers duplicate to the same batch sent five times and keeps exactly one row per event', async () => {
    const { url } = await serve();
    const device = testDevice();
    const batch = device.events(3);
    const answers = [];
    for (let attempt = 0; attempt < 5; attempt++) answers.push(await postEvents(url, batch));
    expect(answers[0]!.body.stored).toBe(3);
    for (const answer of answers.slice(1)) {
      expect(answer.status).toBe(200);
      expect(answer.body.results.map((r) => r.status)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
      ]);
      expect(answer.body).toMatchObject({ stored: 0, duplicates: 3, refused: 0 });
    }
    const stored = await storedEvents(url, { source: device.source });
    expect(stored.map((event) => event.id).sort()).toEqual(batch.map((event) => event.id).sort());
    expect(await flagsOf(url, device.source)).toEqual([]);
  });

  it('stores each event once when the same batch arrives five times at once', async () => {
    const { url } = await serve();
    const device = testDevice();
    const batch = device.events(20);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postEvents(url, batch)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    for (const [index, event] of batch.entries()) {
      const statuses = answers.map((answer) => answer.body.results[index]!);
      expect(statuses.every((result) => result.id === event.id)).toBe(true);
      expect(statuses.filter((result) => result.status === 'stored')).toHaveLength(1);
      expect(statuses.filter((result) => result.status === 'duplicate')).toHaveLength(4);
    }
    expect(await storedEvents(url, { source: device.source })).toHaveLength(20);
    expect((await verify(url, device.source)).intact).toBe(true);
  });

  it('refuses the same id with another body with 409 conflict, flags the offered body and keeps the original', async () => {
    const { url } = await serve();
    const device = testDevice();
    const [first, second] = device.events(2);
    expect((await postEvents(url, [first, second])).status).toBe(200);

    const impostor = rewritten(second!, device.privateKey);
    const answer = await postEvents(url, [impostor]);
    expect(answer.status).toBe(409);
    expect(answer.body.results).toEqual([
      {
        id: second!.id,
        status: 'refused',
        reason: 'conflict',
        flagged: 'conflict',
        message: expect.stringContaining('already stored') as unknown,
      },
    ]);
    expect(answer.body).toMatchObject({ stored: 0, duplicates: 0, refused: 1 });

    const flags = await flagsOf(url, device.source);
    expect(flags).toEqual([
      expect.objectContaining({
        kind: 'conflict',
        sequence: 2,
        eventId: second!.id,
        body: eventBody(impostor),
      }),
    ]);
    const stored = await storedEvents(url, { source: device.source });
    expect(stored).toEqual([second, first]);
  });

  it('registers a new device on first sight, and holds another key of that device as key_pending until approved', async () => {
    const { url } = await serve();
    const device = testDevice();
    expect((await postEvents(url, [device.next()])).status).toBe(200);
    expect((await deviceOf(url, device.source))!.keys).toEqual([
      expect.objectContaining({ key: device.key, status: 'active' }),
    ]);

    const otherKey = newDeviceKey();
    const signedByOther = device.next({ privateKey: otherKey });
    const refused = await postEvents(url, [signedByOther]);
    expect(refused.status).toBe(403);
    expect(refused.body.results).toEqual([
      {
        id: signedByOther.id,
        status: 'refused',
        reason: 'key_pending',
        retry: true,
        flagged: 'key',
        message: expect.stringContaining('approv') as unknown,
      },
    ]);
    expect(await storedEvents(url, { source: device.source })).toHaveLength(1);
    expect((await flagsOf(url, device.source)).map((f) => [f.kind, f.sequence])).toEqual([
      ['key', 2],
    ]);
    const keys = (await deviceOf(url, device.source))!.keys;
    expect(keys.map((k) => [k.key, k.status]).sort()).toEqual(
      [
        [device.key, 'active'],
        [signedByOther.devicekey, 'pending'],
      ].sort(),
    );

    const approved = await admin<KeyChangeResponse>(url, 'devices/approve', {
      body: { source: device.source, key: signedByOther.devicekey },
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toEqual({
      source: device.source,
      changed: [{ key: signedByOther.devicekey, status: 'active' }],
    });
    const again = await postEvents(url, [signedByOther]);
    expect(again.status).toBe(200);
    expect(again.body.results).toEqual([{ id: signedByOther.id, status: 'stored' }]);
  });

  it('holds a key announced by a key-rotation event as key_pending without a flag, lists the change with the key, and after approval verifies the chain across it', async () => {
    const { url } = await serve();
    const device = testDevice();
    expect((await postEvents(url, device.events(3))).status).toBe(200);
    const newKey = newDeviceKey();
    const rotation = rotationEvent(device, newKey, { previousKey: device.key });
    const after = device.next({ privateKey: newKey });
    const held = await postEvents(url, [rotation, after]);
    expect(held.status).toBe(403);
    expect(held.body.results).toEqual([
      {
        id: rotation.id,
        status: 'refused',
        reason: 'key_pending',
        retry: true,
        message:
          "this device's key changed (this event records the change) and the new key waits for an admin's approval (scriptdesk audit approve); keep the event and send it again later",
      },
      expect.objectContaining({ id: after.id, reason: 'key_pending', retry: true }),
    ]);
    expect(await flagsOf(url, device.source)).toEqual([]);
    const keys = (await deviceOf(url, device.source))!.keys;
    expect(keys.find((k) => k.key === device.key)).not.toHaveProperty('rotation');
    expect(keys.find((k) => k.key === rotation.devicekey)).toEqual({
      key: rotation.devicekey,
      status: 'pending',
      firstSeen: expect.any(String) as unknown,
      changedAt: expect.any(String) as unknown,
      rotation: { previousKey: device.key, sequence: 4, time: rotation.time, reason: 'key_lost' },
    });

    await admin(url, 'devices/approve', { body: { source: device.source } });
    const stored = await postEvents(url, [rotation, after]);
    expect(stored.body.results).toEqual([
      { id: rotation.id, status: 'stored' },
      { id: after.id, status: 'stored' },
    ]);
    expect(await verify(url, device.source)).toEqual({
      source: device.source,
      checked: 5,
      intact: true,
      problems: [],
      flags: [],
      rotations: [
        {
          sequence: 4,
          time: rotation.time,
          previousKey: device.key,
          key: rotation.devicekey,
          reason: 'key_lost',
        },
      ],
    });

    // Someone who kept the old key signs a further event with it: it is still an active key,
    // so the event is stored, but it is not the key valid after the change.
    const forged = device.next();
    expect((await postEvents(url, [forged])).body.results[0]!.status).toBe('stored');
    const report = await verify(url, device.source);
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      {
        sequence: 6,
        kind: 'key',
        message:
          'event 6 is signed by the key this device replaced at event 4: only events before 4 may carry it',
      },
    ]);
  });

  it('accepts a planned rotation only with the previous key signing the change at its place in the chain', async () => {
    const { url } = await serve();
    const planned = testDevice();
    const unconfirmed = testDevice();
    const newKeys = [newDeviceKey(), newDeviceKey()];
    const batches = [planned, unconfirmed].map((device, index) => [
      ...device.events(2),
      rotationEvent(device, newKeys[index]!, {
        previousKey: device.key,
        reason: 'rotated',
        // The second is signed by a key that is not the previous one.
        confirmedBy: index === 0 ? device.privateKey : newDeviceKey(),
      }),
      device.next({ privateKey: newKeys[index]! }),
    ]);
    for (const [index, device] of [planned, unconfirmed].entries()) {
      await postEvents(url, batches[index]);
      await admin(url, 'devices/approve', { body: { source: device.source } });
      await postEvents(url, batches[index]);
    }
    expect(await verify(url, planned.source)).toMatchObject({
      checked: 4,
      intact: true,
      rotations: [{ sequence: 3, previousKey: planned.key, reason: 'rotated' }],
    });
    const refused = await verify(url, unconfirmed.source);
    expect(refused).toMatchObject({ checked: 4, intact: false, rotations: [] });
    expect(refused.problems).toEqual([
      {
        sequence: 3,
        kind: 'signature',
        message: 'event 3 records a planned key change that the previous key did not sign',
      },
      {
        sequence: 4,
        kind: 'key',
        message: 'event 4 is signed by a key of this device that was not the valid one at event 4',
      },
    ]);
  });

  it('refuses events of a revoked key with 403 key_revoked, flags them, and verify reports what the key signed', async () => {
    const { url } = await serve();
    const device = testDevice();
    expect((await postEvents(url, [device.next()])).status).toBe(200);
    const revoked = await admin<KeyChangeResponse>(url, 'devices/revoke', {
      body: { source: device.source },
    });
    expect(revoked.body.changed).toEqual([{ key: device.key, status: 'revoked' }]);

    const later = device.next();
    const answer = await postEvents(url, [later]);
    expect(answer.status).toBe(403);
    expect(answer.body.results).toEqual([
      expect.objectContaining({
        id: later.id,
        status: 'refused',
        reason: 'key_revoked',
        retry: true,
        flagged: 'revoked',
      }),
    ]);
    expect(await storedEvents(url, { source: device.source })).toHaveLength(1);
    const report = await verify(url, device.source);
    expect(report.intact).toBe(false);
    expect(report.problems.map((p) => [p.kind, p.sequence])).toEqual([['key', 1]]);
    expect(report.flags.map((f) => [f.kind, f.sequence])).toEqual([['revoked', 2]]);

    // Approving without naming the key does not bring a revoked key back; naming it does.
    const unnamed = await admin<KeyChangeResponse>(url, 'devices/approve', {
      body: { source: device.source },
    });
    expect(unnamed.body.changed).toEqual([]);
    await admin(url, 'devices/approve', { body: { source: device.source, key: device.key } });
    expect((await postEvents(url, [later])).status).toBe(200);
  });

  it('with --devices approve, refuses a new device as key_pending until an admin approves it', async () => {
    const { url } = await serve('approve');
    const device = testDevice();
    const batch = device.events(2);
    const waiting = await postEvents(url, batch);
    expect(waiting.status).toBe(403);
    expect(waiting.body.results.map((r) => [r.status, r.reason, r.retry])).toEqual([
      ['refused', 'key_pending', true],
      ['refused', 'key_pending', true],
    ]);
    expect(await storedEvents(url, { source: device.source })).toEqual([]);
    expect((await deviceOf(url, device.source))!.keys).toEqual([
      expect.objectContaining({ key: device.key, status: 'pending' }),
    ]);
    // Waiting for approval is the normal course here, not something to flag.
    expect(await flagsOf(url, device.source)).toEqual([]);

    const approved = await admin<KeyChangeResponse>(url, 'devices/approve', {
      body: { source: device.source },
    });
    expect(approved.body.changed).toEqual([{ key: device.key, status: 'active' }]);
    const accepted = await postEvents(url, batch);
    expect(accepted.status).toBe(200);
    expect(accepted.body.stored).toBe(2);
  });

  it('refuses a tampered event with 422 bad_signature, flags it at its sequence and stores the rest', async () => {
    const { url } = await serve();
    const device = testDevice();
    const [one, two, three] = device.events(3);
    const answer = await postEvents(url, [one, tampered(two!), three]);
    expect(answer.status).toBe(422);
    expect(answer.body.results).toEqual([
      { id: one!.id, status: 'stored' },
      {
        id: two!.id,
        status: 'refused',
        reason: 'bad_signature',
        message: expect.stringContaining('signature') as unknown,
      },
      expect.objectContaining({ id: three!.id, status: 'stored', flagged: 'gap' }),
    ]);
    const flags = await flagsOf(url, device.source);
    expect(flags.map((f) => [f.kind, f.sequence, f.eventId])).toEqual([
      ['signature', 2, two!.id],
      ['gap', 2, three!.id],
    ]);
    expect((await storedEvents(url, { source: device.source })).map((e) => e.sequence)).toEqual([
      3, 1,
    ]);
  });

  it('stores 1, 2 and 4, flags a gap at 3, and verify reports the gap at 3', async () => {
    const { url } = await serve();
    const device = testDevice();
    const [one, two, , four] = device.events(4);
    const answer = await postEvents(url, [one, two, four]);
    expect(answer.status).toBe(200);
    expect(answer.body.results[2]).toEqual({
      id: four!.id,
      status: 'stored',
      flagged: 'gap',
      message: expect.stringContaining('event 3 is missing') as unknown,
    });
    expect((await flagsOf(url, device.source)).map((f) => [f.kind, f.sequence])).toEqual([
      ['gap', 3],
    ]);
    const report = await verify(url, device.source);
    expect(report).toMatchObject({ checked: 3, intact: false });
    expect(report.problems).toEqual([{ sequence: 3, kind: 'gap', message: 'event 3 is missing' }]);
    expect(report.flags.map((f) => [f.kind, f.sequence])).toEqual([['gap', 3]]);
    expect((await deviceOf(url, device.source))!.headSequence).toBe(4);
  });

  it('flags delivery in the order 1, 3, 2 at 2 (a gap, then a late event) and stores all three', async () => {
    const { url } = await serve();
    const device = testDevice();
    const [one, two, three] = device.events(3);
    for (const event of [one, three, two])
      expect((await postEvents(url, [event])).status).toBe(200);
    expect((await flagsOf(url, device.source)).map((f) => [f.kind, f.sequence])).toEqual([
      ['gap', 2],
      ['order', 2],
    ]);
    const report = await verify(url, device.source);
    // The stored chain is whole again; the flags keep the record of how it arrived.
    expect(report.problems).toEqual([]);
    expect(report.checked).toBe(3);
    expect(report.intact).toBe(false);
    expect((await deviceOf(url, device.source))!.headSequence).toBe(3);
  });

  it('flags a broken prevhash at the sequence where the chain breaks, and verify finds it there', async () => {
    const { url } = await serve();
    const device = testDevice();
    const one = device.next();
    const two = device.next({ prevhash: 'f'.repeat(64) });
    const three = device.next();
    const answer = await postEvents(url, [one, two, three]);
    expect(answer.status).toBe(200);
    expect(answer.body.results.map((r) => r.flagged)).toEqual([undefined, 'prevhash', undefined]);
    expect((await flagsOf(url, device.source)).map((f) => [f.kind, f.sequence])).toEqual([
      ['prevhash', 2],
    ]);
    expect((await verify(url, device.source)).problems.map((p) => [p.kind, p.sequence])).toEqual([
      ['prevhash', 2],
    ]);
  });

  it('refuses a malformed event with 422 invalid, flags it with what could be read, and stores the valid ones', async () => {
    const { url } = await serve();
    const device = testDevice();
    const [one, two] = device.events(2);
    const broken = { ...two!, time: 'yesterday' };
    const answer = await postEvents(url, [one, broken, 'not an event']);
    expect(answer.status).toBe(422);
    expect(answer.body.results).toEqual([
      { id: one!.id, status: 'stored' },
      {
        id: two!.id,
        status: 'refused',
        reason: 'invalid',
        message: expect.stringContaining('time') as unknown,
      },
      { id: null, status: 'refused', reason: 'invalid', message: expect.any(String) as unknown },
    ]);
    // The refusal names the field, never its content.
    expect(answer.body.results[1]!.message).not.toContain('yesterday');
    expect((await flagsOf(url, device.source)).map((f) => [f.kind, f.sequence])).toEqual([
      ['invalid', 2],
    ]);
  });

  it('accepts one event sent as application/cloudevents+json', async () => {
    const { url } = await serve();
    const event = testDevice().next();
    const answer = await postEvents(url, event, { contentType: 'application/cloudevents+json' });
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([{ id: event.id, status: 'stored' }]);
  });

  it('keeps CR, LF and control characters of data intact: JSONL round-trips, CSV quotes them and defuses formulas', async () => {
    const { url } = await serve();
    const device = testDevice();
    const data = {
      ...runData({ user: '=HYPERLINK("http://evil")\u0000', scriptId: '+cmd', status: '@sum' }),
      note: 'line one\r\nline "two"\n\ttabbed\u0000nul\u0007bell\u001b[31m',
      reason: '-2+3',
    };
    const event = device.next({ data, subject: '-probe@1.0.0' });
    expect((await postEvents(url, [event])).status).toBe(200);

    const jsonl = await fetch(`${url}/v1/admin/export?format=jsonl&source=${device.source}`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const lines = (await jsonl.text()).split('\n');
    expect(lines).toEqual([eventBody(event), '']);
    const exported = JSON.parse(lines[0]!) as AuditEvent;
    expect(exported).toEqual(event);
    expect(hasValidSignature(exported)).toBe(true);

    const csv = await fetch(`${url}/v1/admin/export?format=csv&source=${device.source}`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const rows = parseCsv(await csv.text());
    expect(rows).toHaveLength(2);
    const row = Object.fromEntries(rows[0]!.map((name, i) => [name, rows[1]![i]!]));
    expect(row).toMatchObject({
      source: device.source,
      sequence: '1',
      id: event.id,
      subject: "'-probe@1.0.0",
      user: '\'=HYPERLINK("http://evil")\u0000',
      script: "'+cmd",
      status: "'@sum",
    });
    expect(JSON.parse(row.data!)).toEqual(data);
  });

  it('filters the event list by source, script, user, status, type and time, and pages newest first', async () => {
    const { url } = await serve();
    const alpha = testDevice();
    const beta = testDevice();
    const a = [
      alpha.next({ data: runData({ user: 'alice', scriptId: 'report', status: 'succeeded' }) }),
      alpha.next({ data: runData({ user: 'bob', scriptId: 'report', status: 'failed' }) }),
      alpha.next({ type: 'dev.scriptdesk.run.started', data: runData({ user: 'alice' }) }),
      alpha.next({ data: runData({ user: 'alice', scriptId: 'export', status: 'failed' }) }),
    ];
    const b = [
      beta.next({ data: runData({ user: 'carol', scriptId: 'report', status: 'succeeded' }) }),
      beta.next({ data: { note: 'no user here' } }),
    ];
    expect((await postEvents(url, a)).status).toBe(200);
    expect((await postEvents(url, b)).status).toBe(200);
    const ids = async (query: Record<string, string>) =>
      (await storedEvents(url, query)).map((event) => event.id).sort();
    const sorted = (events: AuditEvent[]) => events.map((event) => event.id).sort();

    expect(await ids({ source: beta.source })).toEqual(sorted(b));
    expect(await ids({ script: 'report' })).toEqual(sorted([a[0]!, a[1]!, b[0]!]));
    expect(await ids({ user: 'alice' })).toEqual(sorted([a[0]!, a[2]!, a[3]!]));
    expect(await ids({ status: 'failed' })).toEqual(sorted([a[1]!, a[3]!]));
    expect(await ids({ type: 'dev.scriptdesk.run.started' })).toEqual(sorted([a[2]!]));
    expect(await ids({ user: 'alice', status: 'failed', source: alpha.source })).toEqual(
      sorted([a[3]!]),
    );
    // Both devices number from 1 and start at the same minute: since is inclusive, until not.
    expect(await ids({ since: a[1]!.time, until: a[3]!.time })).toEqual(
      sorted([a[1]!, a[2]!, b[1]!]),
    );
    expect(await ids({ since: '2020-01-01T00:00:00+02:00', until: a[1]!.time })).toEqual(
      sorted([a[0]!, b[0]!]),
    );

    // Pages of two, following next: every event once, newest first.
    const seen: AuditEvent[] = [];
    let after: string | null = null;
    do {
      const page: { body: EventList } = await admin<EventList>(url, 'events', {
        query: { limit: '2', ...(after ? { after } : {}) },
      });
      expect(page.body.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.events);
      after = page.body.next;
    } while (after);
    expect(seen.map((e) => e.id).sort()).toEqual(sorted([...a, ...b]));
    const times = seen.map((e) => e.time);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('exports the filtered events as JSONL and CSV attachments, oldest first', async () => {
    const { url } = await serve();
    const device = testDevice();
    const events = device.events(5, (i) =>
      runData({ scriptId: i % 2 === 0 ? 'report' : 'other', user: `user-${i}` }),
    );
    expect((await postEvents(url, events)).status).toBe(200);
    const reports = events.filter((_, i) => i % 2 === 0);

    const jsonl = await fetch(`${url}/v1/admin/export?format=jsonl&script=report`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(jsonl.headers.get('content-disposition')).toMatch(
      /^attachment; filename="scriptdesk-audit-\d{8}T\d{6}Z\.jsonl"$/,
    );
    expect(await jsonl.text()).toBe(reports.map((e) => `${eventBody(e)}\n`).join(''));

    const csv = await fetch(`${url}/v1/admin/export?format=csv&script=report`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/filename="scriptdesk-audit-.*\.csv"/);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe(
      '"received_at","source","sequence","id","type","time","subject","user","script","status","data"',
    );
    const rows = parseCsv(text).slice(1);
    expect(rows.map((row) => [row[2], row[3], row[7], row[8], row[9]])).toEqual(
      reports.map((e) => [String(e.sequence), e.id, e.data.user, 'report', 'succeeded']),
    );
    for (const row of rows) expect(Number.isNaN(Date.parse(row[0]!))).toBe(false);
  });

  it('streams an export larger than one page in full', async () => {
    const { url } = await serve();
    const device = testDevice();
    const events = device.events(1200);
    for (let start = 0; start < events.length; start += 400)
      expect((await postEvents(url, events.slice(start, start + 400))).status).toBe(200);
    const response = await fetch(`${url}/v1/admin/export?format=jsonl`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const lines = (await response.text()).trimEnd().split('\n');
    expect(lines).toEqual(events.map(eventBody));
  });

  it('answers 400 naming the parameter to a bad or unknown query parameter', async () => {
    const { url } = await serve();
    for (const [route, query, parameter] of [
      ['events', { limit: '0' }, 'limit'],
      ['events', { limit: '1001' }, 'limit'],
      ['events', { limit: 'ten' }, 'limit'],
      ['events', { since: 'yesterday' }, 'since'],
      ['events', { until: '2026-01-01' }, 'until'],
      ['events', { after: 'not-a-cursor' }, 'after'],
      ['events', { script: 'a\nb' }, 'script'],
      ['events', { colour: 'red' }, 'colour'],
      ['export', { format: 'xml' }, 'format'],
      ['export', { limit: '5' }, 'limit'],
      ['flags', { after: 'x' }, 'after'],
      ['verify', { user: 'alice' }, 'user'],
    ] as const) {
      const answer = await admin<{ error: { code: string; message: string } }>(url, route, {
        query,
      });
      expect({ route, query, status: answer.status }).toEqual({ route, query, status: 400 });
      expect(answer.body.error.code).toBe('bad_query');
      expect(answer.body.error.message).toContain(`"${parameter}"`);
    }
    const repeated = await fetch(`${url}/v1/admin/events?user=a&user=b`, {
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(repeated.status).toBe(400);
  });

  it('lists devices with their keys, event count, head sequence and flag count', async () => {
    const { url } = await serve();
    const quiet = testDevice();
    const gappy = testDevice();
    await postEvents(url, quiet.events(2));
    const [one, , three] = gappy.events(3);
    await postEvents(url, [one, three]);
    const listed = await admin<{ devices: Device[] }>(url, 'devices');
    expect(listed.status).toBe(200);
    expect(listed.body.devices).toHaveLength(2);
    expect(await deviceOf(url, quiet.source)).toEqual({
      source: quiet.source,
      keys: [
        {
          key: quiet.key,
          status: 'active',
          firstSeen: expect.any(String) as unknown,
          changedAt: expect.any(String) as unknown,
        },
      ],
      events: 2,
      headSequence: 2,
      flags: 0,
    });
    expect(await deviceOf(url, gappy.source)).toMatchObject({
      events: 2,
      headSequence: 3,
      flags: 1,
    });
  });

  it('lists flags in the order they were raised, paging with limit and next', async () => {
    const { url } = await serve();
    const device = testDevice();
    const events = device.events(7);
    // 1, 3, 5, 7: three gaps, each flagged at the missing event.
    await postEvents(url, [events[0], events[2], events[4], events[6]]);
    const pages: FlagsResponse[] = [];
    let after: string | null = null;
    do {
      const page: { body: FlagsResponse } = await admin<FlagsResponse>(url, 'flags', {
        query: { limit: '2', ...(after ? { after } : {}) },
      });
      pages.push(page.body);
      after = page.body.next;
    } while (after);
    expect(pages.map((page) => page.flags.length)).toEqual([2, 1]);
    expect(pages.flatMap((page) => page.flags).map((f) => [f.kind, f.sequence])).toEqual([
      ['gap', 2],
      ['gap', 4],
      ['gap', 6],
    ]);
  });

  it('answers 404 to approving or revoking an unknown device or key, and verify of an unknown device', async () => {
    const { url } = await serve();
    const device = testDevice();
    await postEvents(url, [device.next()]);
    const unknownDevice = await admin<{ error: { code: string } }>(url, 'devices/approve', {
      body: { source: 'no-such-device' },
    });
    expect(unknownDevice.status).toBe(404);
    expect(unknownDevice.body.error.code).toBe('unknown_device');
    const unknownKey = await admin<{ error: { code: string } }>(url, 'devices/revoke', {
      body: { source: device.source, key: testDevice().key },
    });
    expect(unknownKey.status).toBe(404);
    expect(unknownKey.body.error.code).toBe('unknown_key');
    expect((await admin(url, 'verify', { query: { source: 'no-such-device' } })).status).toBe(404);
    expect((await admin(url, 'devices/approve', { body: { source: 5 } })).status).toBe(400);
  });

  it('refuses a batch without a token, with a wrong one or with the admin token: 401, WWW-Authenticate, nothing stored', async () => {
    const { url } = await serve();
    const batch = testDevice().events(2);
    for (const token of [null, 'wrong-token-wrong-token', ADMIN_TOKEN, `${INGEST_TOKEN}x`]) {
      const answer = await postEvents(url, batch, { token });
      expect({ token, status: answer.status }).toEqual({ token, status: 401 });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(answer.body.error?.code).toBe('unauthorized');
      expect(JSON.stringify(answer.body)).not.toContain(INGEST_TOKEN.slice(0, 12));
    }
    expect(await storedEvents(url)).toEqual([]);
    expect((await admin<{ devices: Device[] }>(url, 'devices')).body.devices).toEqual([]);
  });

  it('refuses the ingest token, a wrong token and no token on every admin route with 401', async () => {
    const { url } = await serve();
    for (const route of ['events', 'export', 'devices', 'verify', 'flags', 'devices/approve']) {
      for (const token of [INGEST_TOKEN, 'wrong-token-wrong-token']) {
        const answer = await admin<{ error: { code: string } }>(url, route, {
          token,
          ...(route === 'devices/approve' ? { body: { source: 'x' } } : {}),
        });
        expect({ route, token, status: answer.status }).toEqual({ route, token, status: 401 });
        expect(answer.body.error.code).toBe('unauthorized');
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
      }
      const anonymous = await fetch(`${url}/v1/admin/${route}`);
      expect(anonymous.status).toBe(401);
    }
  });

  it('answers 400 to a body that is not JSON or not a batch, and 415 to another content type, storing nothing', async () => {
    const { url } = await serve();
    const event = testDevice().next();
    for (const [rawBody, contentType, status, code] of [
      ['{"not": json', 'application/json', 400, 'bad_json'],
      ['', 'application/cloudevents-batch+json', 400, 'bad_json'],
      [JSON.stringify(event), 'application/cloudevents-batch+json', 400, 'not_a_batch'],
      [JSON.stringify([event]), 'application/cloudevents+json', 400, 'not_an_event'],
      [JSON.stringify([event]), 'text/plain', 415, 'unsupported_media_type'],
      [JSON.stringify([event]), 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ] as const) {
      const answer = await postEvents(url, undefined, { rawBody, contentType });
      expect({ rawBody, contentType, status: answer.status }).toEqual({
        rawBody,
        contentType,
        status,
      });
      expect(answer.body.error?.code).toBe(code);
      expect(answer.body.error?.message).not.toContain(event.id);
    }
    expect(await storedEvents(url)).toEqual([]);
  });

  it('answers 413 to a body over 32 MiB, announced or streamed, and keeps serving', async () => {
    const { url } = await serve();
    const port = Number(new URL(url).port);
    for (const announce of [true, false]) {
      const answer = await uploadOversized(port, announce);
      expect({ announce, status: answer.status }).toEqual({ announce, status: 413 });
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'body_too_large' } });
      // Refused at the cap: the answer came long before the client got to offer all it had.
      expect(answer.sentBytes).toBeLessThan(answer.offeredBytes);
    }
    const after = await postEvents(url, testDevice().events(1));
    expect(after.status).toBe(200);
  });

  it('answers 413 to a batch of more than 5000 events', async () => {
    const { url } = await serve();
    const answer = await postEvents(
      url,
      Array.from({ length: 5001 }, () => ({})),
    );
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe('too_many_events');
    expect(answer.body.error?.message).toContain('5000');
  });

  it('has the database itself refuse UPDATE and DELETE of stored events and flags', async () => {
    const { url, database } = await serve();
    const device = testDevice();
    const [one, , three] = device.events(3);
    await postEvents(url, [one, three]);
    for (const sql of [
      "UPDATE audit_events SET body = '{}'",
      "UPDATE audit_events SET user_name = 'mallory'",
      'DELETE FROM audit_events',
      "UPDATE audit_flags SET message = 'nothing to see'",
      'DELETE FROM audit_flags',
    ])
      await expect(store.execute(database, sql), sql).rejects.toThrow(/append-only/);
    expect(await storedEvents(url, { source: device.source })).toEqual([three, one]);
    expect(await flagsOf(url, device.source)).toHaveLength(1);
  });
});

/**
 * Offers more than 32 MiB of body: declared up front in Content-Length (then nothing sent but
 * what the socket takes), or streamed in chunks without a length. Stops writing as soon as the
 * answer arrives, and reports how much it had written by then.
 */
function uploadOversized(
  port: number,
  announce: boolean,
): Promise<{ status: number; body: string; sentBytes: number; offeredBytes: number }> {
  const total = 64 * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let sentBytes = 0;
    let answered = false;
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/v1/events',
      method: 'POST',
      headers: {
        Authorization: `Bearer ${INGEST_TOKEN}`,
        'Content-Type': 'application/cloudevents-batch+json',
        ...(announce ? { 'Content-Length': String(total) } : {}),
      },
    });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(parts).toString('utf8'),
          sentBytes,
          offeredBytes: total,
        }),
      );
      res.on('error', reject);
    });
    // Writing into a connection the server closed fails; that is expected once it has answered.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && sentBytes < total) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    if (announce) req.flushHeaders();
    else pump();
  });
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
