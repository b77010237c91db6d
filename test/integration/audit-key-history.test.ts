import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { deviceKeyName } from '../../main/audit/device-key.js';
import {
  eventBody,
  eventHash,
  publicKeyBase64,
  sealEvent,
  type AuditEvent,
} from '../../main/audit/event.js';
import { KEY_ROTATED_TYPE } from '../../main/audit/key-rotation.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { KeytarSecretStore } from '../../main/secrets/keytar-store.js';
import { newDeviceKey } from '../support/audit-events.js';
import { appWithCatalogue, REPO } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const keychain = new KeytarSecretStore();

/** The device key the keychain holds for the device of `home`. */
async function deviceKeyOf(
  home: string,
): Promise<{ name: string; privateKey: KeyObject; key: string }> {
  const { deviceId } = JSON.parse(await readFile(path.join(home, 'device.json'), 'utf8')) as {
    deviceId: string;
  };
  const name = deviceKeyName(deviceId);
  const stored = await keychain.get(name);
  expect(stored, `the keychain holds ${name}`).not.toBeNull();
  const privateKey = createPrivateKey({
    key: Buffer.from(stored!, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  return { name, privateKey, key: publicKeyBase64(privateKey) };
}

/**
 * A home whose journal holds a sync and a run signed by the device's first key; then the keychain
 * loses that key, ScriptDesk starts again and runs the script once more. The app is closed after.
 */
async function journalAcrossKeyLoss() {
  const made = await appWithCatalogue();
  app = made.app;
  const markerDir = await tempDir('scriptdesk-marker-');
  await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok', count: 1 } });
  await app.close();
  app = undefined;
  const lost = await deviceKeyOf(made.home);
  expect(await keychain.delete(lost.name)).toBe(true);
  const logged: string[] = [];
  app = await openScriptDeskApp({ home: made.home, logError: (line) => logged.push(line) });
  await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok', count: 2 } });
  await app.close();
  app = undefined;
  return { home: made.home, lost, current: await deviceKeyOf(made.home), logged };
}

function openJournalDb(home: string) {
  return new Database(path.join(home, 'scriptdesk.sqlite'));
}

function storedEvents(home: string): AuditEvent[] {
  const db = openJournalDb(home);
  try {
    return (
      db.prepare('SELECT body FROM audit_events ORDER BY seq').all() as { body: string }[]
    ).map((row) => JSON.parse(row.body) as AuditEvent);
  } finally {
    db.close();
  }
}

/** Appends `event` as the journal would store it, bypassing ScriptDesk (as an attacker could). */
function insertRow(home: string, event: AuditEvent): void {
  const db = openJournalDb(home);
  try {
    db.prepare(
      'INSERT INTO audit_events (seq, id, type, time, subject, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(
      event.sequence,
      event.id,
      event.type,
      event.time,
      event.subject,
      eventBody(event),
      event.prevhash,
      eventHash(event),
    );
  } finally {
    db.close();
  }
}

/** An event continuing the chain after `previous`, signed by `privateKey`. */
function nextSignedBy(
  previous: AuditEvent,
  privateKey: KeyObject,
  fields: Partial<Pick<AuditEvent, 'type' | 'subject' | 'data'>> = {},
): AuditEvent {
  return sealEvent(
    {
      specversion: '1.0',
      id: randomUUID(),
      source: previous.source,
      type: fields.type ?? 'dev.scriptdesk.settings.changed',
      time: new Date().toISOString(),
      subject: fields.subject ?? 'settings',
      datacontenttype: 'application/json',
      sequence: previous.sequence + 1,
      prevhash: eventHash(previous),
      devicekey: publicKeyBase64(privateKey),
      data: fields.data ?? { setting: 'audit.token', change: 'set' },
    },
    privateKey,
  ).event;
}

async function verify(home: string) {
  const text = await scriptdesk(home, ['audit', 'verify']);
  const json = await scriptdesk(home, ['audit', 'verify', '--json']);
  return {
    ...text,
    report: JSON.parse(json.stdout) as {
      intact: boolean;
      problems: { sequence: number; kind: string; message: string }[];
      rotations: { sequence: number; previousKey: string; key: string; reason: string }[];
    },
  };
}

describe('device key history', () => {
  it('a device whose keychain lost its key journals the change, signed by the new key and naming the old one, and audit verify exits 0 with one notice', async () => {
    const { home, lost, current, logged } = await journalAcrossKeyLoss();
    expect(current.key).not.toBe(lost.key);
    const events = storedEvents(home);
    const rotations = events.filter((event) => event.type === KEY_ROTATED_TYPE);
    expect(rotations).toHaveLength(1);
    const rotation = rotations[0]!;
    expect(rotation).toMatchObject({
      type: 'dev.scriptdesk.device.key-rotated',
      subject: 'device',
      devicekey: current.key,
      data: { previousKey: lost.key, reason: 'key_lost' },
    });
    // It follows the last event of the lost key, and the second run comes after it.
    expect(rotation.prevhash).toBe(eventHash(events[rotation.sequence - 2]!));
    expect(events.at(-1)!.type).toBe('dev.scriptdesk.run.finished');
    for (const event of events)
      expect(event.devicekey).toBe(event.sequence < rotation.sequence ? lost.key : current.key);
    expect(logged).toEqual([
      `[scriptdesk] this computer's audit signing key was missing from the OS keychain, so a new one was made; event ${rotation.sequence} records the change, and the audit endpoint accepts the new key's events once its administrator approves the key (scriptdesk audit approve)`,
    ]);

    const result = await verify(home);
    expect(result.code).toBe(0);
    const when = `${rotation.time.slice(0, 10)} ${rotation.time.slice(11, 16)} UTC`;
    expect(result.stdout.split('\n').filter((line) => line.startsWith('notice:'))).toEqual([
      `notice: the device key changed at event ${rotation.sequence} (${when}): the previous key was lost from the keychain; events before it are checked with the earlier key.`,
    ]);
    expect(result.stdout).toContain(
      `The audit journal is intact: events 1 to ${events.length}, each signed by the key this computer held at the time`,
    );
    expect(result.report).toMatchObject({
      intact: true,
      problems: [],
      rotations: [
        {
          sequence: rotation.sequence,
          previousKey: lost.key,
          key: current.key,
          reason: 'key_lost',
        },
      ],
    });

    // The published schema describes the new event type.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const valid = ajv.compile(
      JSON.parse(
        await readFile(path.join(REPO, 'schemas', 'audit-event.schema.json'), 'utf8'),
      ) as object,
    );
    expect(valid(rotation), ajv.errorsText(valid.errors)).toBe(true);
    expect(valid({ ...rotation, data: { ...rotation.data, reason: 'bored' } })).toBe(false);

    // Starting again with the key now in the keychain records no further change.
    app = await openScriptDeskApp({ home, logError: () => {} });
    await app.close();
    app = undefined;
    expect(storedEvents(home).filter((event) => event.type === KEY_ROTATED_TYPE)).toHaveLength(1);
  });

  it('a key lost after someone appended a forged event names the key the chain was at, so only the forged event is reported', async () => {
    const made = await appWithCatalogue();
    app = made.app;
    app.services.journal.append('dev.scriptdesk.settings.changed', 'settings', {
      setting: 'audit.token',
      change: 'set',
    });
    await app.close();
    app = undefined;
    const first = await deviceKeyOf(made.home);
    const forged = nextSignedBy(storedEvents(made.home).at(-1)!, newDeviceKey());
    insertRow(made.home, forged);
    expect(await keychain.delete(first.name)).toBe(true);
    // The next command, whatever it is, makes the new key and says so on stderr.
    const listed = await scriptdesk(made.home, ['audit', 'list', '--limit', '1']);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toContain(
      `[scriptdesk] this computer's audit signing key was missing from the OS keychain, so a new one was made; event ${forged.sequence + 1} records the change`,
    );

    const rotation = storedEvents(made.home).at(-1)!;
    expect(rotation).toMatchObject({
      type: KEY_ROTATED_TYPE,
      sequence: forged.sequence + 1,
      data: { previousKey: first.key, reason: 'key_lost' },
    });
    const result = await verify(made.home);
    expect(result.code).toBe(1);
    expect(result.report.problems).toEqual([
      {
        sequence: forged.sequence,
        kind: 'key',
        message: `event ${forged.sequence} is signed by a key that is not this device's`,
      },
    ]);
    expect(result.report.rotations).toEqual([
      expect.objectContaining({ sequence: rotation.sequence, previousKey: first.key }),
    ]);
  });

  it('a key lost while the journal is read-only refuses runs saying the change could not be recorded, and journals the change at the next start once it is writable', async () => {
    const made = await appWithCatalogue();
    app = made.app;
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok', count: 1 } });
    await app.close();
    app = undefined;
    const lost = await deviceKeyOf(made.home);
    expect(await keychain.delete(lost.name)).toBe(true);
    const database = path.join(made.home, 'scriptdesk.sqlite');
    const files = [database];
    if (
      await access(`${database}-wal`).then(
        () => true,
        () => false,
      )
    )
      files.push(`${database}-wal`);
    // Immutable (root, as CI runs): SQLite opens it, reads it, and refuses every write.
    execFileSync('chattr', ['+i', ...files]);
    try {
      app = await openScriptDeskApp({ home: made.home, logError: () => {} });
      const refused = await callTyped(
        app.dispatch,
        'run.start',
        { scriptId: 'probe', inputs: { markerDir, mode: 'ok', count: 2 } },
        { transport: 'http' },
      );
      expect(refused.ok).toBe(false);
      if (refused.ok) throw new Error('the run started');
      expect(refused.error.code).toBe('journal_unavailable');
      expect(refused.error.message).toBe(
        `The run was not started because the audit journal cannot be written: the audit signing key changed and the journal ${database} could not record it (attempt to write a readonly database); make it writable and start ScriptDesk again.`,
      );
    } finally {
      execFileSync('chattr', ['-i', ...files]);
    }
    // The new key is in the keychain now; at the next start the change is still journaled before
    // it signs anything (SQLite keeps a file it opened read-only so until it is opened again).
    await app.close();
    app = await openScriptDeskApp({ home: made.home, logError: () => {} });
    const again = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir, mode: 'ok', count: 2 },
    });
    expect(again.detail.status).toBe('succeeded');
    await app.close();
    app = undefined;
    const current = await deviceKeyOf(made.home);
    const events = storedEvents(made.home);
    const rotations = events.filter((event) => event.type === KEY_ROTATED_TYPE);
    expect(rotations).toEqual([
      expect.objectContaining({
        devicekey: current.key,
        data: { previousKey: lost.key, reason: 'key_lost' },
      }),
    ]);
    expect(events.filter((e) => e.devicekey === lost.key).at(-1)!.sequence).toBe(
      rotations[0]!.sequence - 1,
    );
    expect((await verify(made.home)).code).toBe(0);
  });

  it('forged events around a key change are each reported at their sequence: the old key after it, the new key before it, a key change signed by another key', async () => {
    const { home, lost, current } = await journalAcrossKeyLoss();
    const events = storedEvents(home);
    const at = events.find((event) => event.type === KEY_ROTATED_TYPE)!.sequence;
    const last = events.at(-1)!;

    // Someone who kept the lost key appends an event signed with it, correctly chained.
    const byOldKey = nextSignedBy(last, lost.privateKey);
    insertRow(home, byOldKey);
    // Someone else appends a key change to their own key, and an event signed by it.
    const intruder = newDeviceKey();
    const fakeRotation = nextSignedBy(byOldKey, intruder, {
      type: KEY_ROTATED_TYPE,
      subject: 'device',
      data: { previousKey: current.key, reason: 'key_lost' },
    });
    insertRow(home, fakeRotation);
    insertRow(home, nextSignedBy(fakeRotation, intruder));
    // The device's owner re-signs the last event before the change with the new key.
    const before = events[at - 2]!;
    const { signature: _signature, ...unsigned } = before;
    const resigned = sealEvent(
      { ...unsigned, devicekey: current.key, data: { ...before.data, user: 'someone-else' } },
      current.privateKey,
    );
    const db = openJournalDb(home);
    db.prepare('UPDATE audit_events SET body = ? WHERE seq = ?').run(resigned.body, at - 1);
    db.close();

    const result = await verify(home);
    expect(result.code).toBe(1);
    const added = last.sequence + 1;
    expect(result.report.problems).toEqual([
      {
        sequence: at - 1,
        kind: 'key',
        message: `event ${at - 1} is signed by a key of this device that was not the valid one at event ${at - 1}`,
      },
      expect.objectContaining({ sequence: at, kind: 'prevhash' }),
      {
        sequence: added,
        kind: 'key',
        message: `event ${added} is signed by the key this device replaced at event ${at}: only events before ${at} may carry it`,
      },
      {
        sequence: added + 1,
        kind: 'key',
        message: `event ${added + 1} is signed by a key that is not this device's`,
      },
      {
        sequence: added + 2,
        kind: 'key',
        message: `event ${added + 2} is signed by a key that is not this device's`,
      },
    ]);
    // Only the real change is a notice; the forged one is not a change at all.
    expect(result.report.rotations.map((rotation) => rotation.sequence)).toEqual([at]);
    expect(result.stdout).toContain(
      `The audit journal is NOT intact: first break at event ${at - 1}`,
    );
  });
});
