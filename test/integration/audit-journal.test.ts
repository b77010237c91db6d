import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptDeskApp } from '../../main/app/app.js';
import { csvRecord } from '../../main/audit/csv.js';
import { deviceKeyName } from '../../main/audit/device-key.js';
import {
  eventBody,
  eventHash,
  hasValidSignature,
  publicKeyBase64,
  signEvent,
  type AuditEvent,
} from '../../main/audit/event.js';
import { KeytarSecretStore } from '../../main/secrets/keytar-store.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { appWithCatalogue, REPO } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let app: ScriptDeskApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A home whose journal holds a sync and two runs (eight events or more), with the app closed. */
async function journalWithRuns(): Promise<{ home: string; count: number }> {
  const made = await appWithCatalogue();
  app = made.app;
  const markerDir = await tempDir('scriptdesk-marker-');
  for (const count of [1, 2])
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok', count } });
  const count = app.services.journal.list(1000).length;
  await app.close();
  app = undefined;
  return { home: made.home, count };
}

function openJournalDb(home: string) {
  return new Database(path.join(home, 'scriptdesk.sqlite'));
}

function rows(home: string): { seq: number; body: string }[] {
  const db = openJournalDb(home);
  try {
    return db.prepare('SELECT seq, body FROM audit_events ORDER BY seq').all() as {
      seq: number;
      body: string;
    }[];
  } finally {
    db.close();
  }
}

async function verify(home: string) {
  const result = await scriptdesk(home, ['audit', 'verify']);
  const json = await scriptdesk(home, ['audit', 'verify', '--json']);
  return {
    ...result,
    report: JSON.parse(json.stdout) as {
      intact: boolean;
      problems: { sequence: number; kind: string }[];
    },
  };
}

describe('the local journal is signed and chained', () => {
  it('every event is numbered from 1, names the previous hash and is signed by the key kept in the keychain', async () => {
    const { home, count } = await journalWithRuns();
    expect(count).toBeGreaterThanOrEqual(7);
    const events = rows(home).map((row) => JSON.parse(row.body) as AuditEvent);
    const { deviceId } = JSON.parse(await readFile(path.join(home, 'device.json'), 'utf8')) as {
      deviceId: string;
    };
    const stored = await new KeytarSecretStore().get(deviceKeyName(deviceId));
    expect(stored).not.toBeNull();
    const devicePublic = publicKeyBase64(
      createPrivateKey({ key: Buffer.from(stored!, 'base64'), format: 'der', type: 'pkcs8' }),
    );
    events.forEach((event, index) => {
      expect(event.specversion).toBe('1.0');
      expect(event.sequence).toBe(index + 1);
      expect(event.prevhash).toBe(index === 0 ? '' : eventHash(events[index - 1]!));
      expect(event.devicekey).toBe(devicePublic);
      expect(hasValidSignature(event)).toBe(true);
      expect(event.source).toBe(`urn:scriptdesk:device:${deviceId}`);
    });
    // The private key is in the keychain only: not in the database, nor anywhere in the home.
    const { stdout } = await scriptdesk(home, ['audit', 'export']);
    expect(stdout).not.toContain(stored!);
    expect(stdout.trim().split('\n')).toHaveLength(count);

    const result = await verify(home);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/intact: events 1 to \d+/);

    // The published JSON Schema describes every event written, and each type's data in full.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const schema = JSON.parse(
      await readFile(path.join(REPO, 'schemas', 'audit-event.schema.json'), 'utf8'),
    ) as object;
    const valid = ajv.compile(schema);
    for (const event of events) expect(valid(event), ajv.errorsText(valid.errors)).toBe(true);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'dev.scriptdesk.catalogue.synced',
        'dev.scriptdesk.run.requested',
        'dev.scriptdesk.run.started',
        'dev.scriptdesk.run.finished',
      ]),
    );
    const broken = { ...events[1]!, data: { ...events[1]!.data, user: 42 } };
    expect(valid(broken)).toBe(false);
  });

  it('a row edited in the database is reported at its sequence number', async () => {
    const { home } = await journalWithRuns();
    const target = rows(home)[3]!;
    const db = openJournalDb(home);
    db.prepare('UPDATE audit_events SET body = ? WHERE seq = ?').run(
      target.body.replace(/"user":"[^"]*"/, '"user":"someone-else"'),
      target.seq,
    );
    db.close();
    const result = await verify(home);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`first break at event ${target.seq}`);
    expect(result.report.problems[0]).toMatchObject({ sequence: target.seq, kind: 'signature' });
  });

  it('a deleted row is reported as missing at its sequence number', async () => {
    const { home } = await journalWithRuns();
    const db = openJournalDb(home);
    db.prepare('DELETE FROM audit_events WHERE seq = 4').run();
    db.close();
    const result = await verify(home);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('event 4: event 4 is missing');
    expect(result.report.problems[0]).toMatchObject({ sequence: 4, kind: 'gap' });
  });

  it('two rows swapped in the database are reported where the order breaks', async () => {
    const { home } = await journalWithRuns();
    const db = openJournalDb(home);
    db.transaction(() => {
      db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 5').run();
      db.prepare('UPDATE audit_events SET seq = 5 WHERE seq = 6').run();
      db.prepare('UPDATE audit_events SET seq = 6 WHERE seq = -1').run();
    })();
    db.close();
    const result = await verify(home);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('first break at event 5');
    expect(result.report.problems.map((p) => p.kind)).toContain('order');
  });

  it('a row rewritten and re-signed with another key is reported as not signed by this device', async () => {
    const { home } = await journalWithRuns();
    const target = rows(home)[2]!;
    const event = JSON.parse(target.body) as AuditEvent;
    const forger = generateKeyPairSync('ed25519').privateKey;
    const { signature: _drop, ...unsigned } = event;
    const forged = signEvent(
      { ...unsigned, devicekey: publicKeyBase64(forger), data: { ...event.data, user: 'forged' } },
      forger,
    );
    const db = openJournalDb(home);
    db.prepare('UPDATE audit_events SET body = ? WHERE seq = ?').run(eventBody(forged), target.seq);
    db.close();
    const result = await verify(home);
    expect(result.code).toBe(1);
    expect(result.report.problems[0]).toMatchObject({ sequence: target.seq, kind: 'key' });
  });
});

describe('exporting the local journal', () => {
  it('CSV quotes every field, keeps CR/LF inside it and defuses formulas; JSON Lines are the signed bodies as stored', async () => {
    const made = await appWithCatalogue();
    app = made.app;
    app.services.journal.append('dev.scriptdesk.settings.changed', 'settings', {
      setting: 'audit.token',
      change: '=HYPERLINK("http://x")\r\nsecond line',
    });
    await app.close();
    app = undefined;
    const csv = await scriptdesk(made.home, ['audit', 'export', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.split('\r\n');
    expect(lines[0]).toBe(
      '"source","sequence","id","type","time","subject","user","script","status","data"',
    );
    expect(csv.stdout).toContain('\\r\\nsecond line'); // data is JSON text: escaped, not raw
    const jsonl = await scriptdesk(made.home, [
      'audit',
      'export',
      '--type',
      'dev.scriptdesk.settings.changed',
    ]);
    const stored = rows(made.home).map((row) => row.body);
    expect(jsonl.stdout.trim().split('\n')).toEqual([stored.at(-1)]);
    const event = JSON.parse(stored.at(-1)!) as AuditEvent;
    expect(hasValidSignature(event)).toBe(true);
    expect(event.data.change).toBe('=HYPERLINK("http://x")\r\nsecond line');
    // Each row is quoted field by field; a field that starts like a formula is prefixed.
    const oneRow = await scriptdesk(made.home, [
      'audit',
      'export',
      '--format',
      'csv',
      '--type',
      'dev.scriptdesk.settings.changed',
    ]);
    expect(oneRow.stdout.split('\r\n')[1]).toMatch(/^"urn:scriptdesk:device:[^"]+","\d+",/);
    expect(csvRecord(['=1+1', '-2', '@x', 'plain', 'a"b'])).toBe(
      `"'=1+1","'-2","'@x","plain","a""b"\r\n`,
    );
  });
});

describe('retention of delivered events', () => {
  it('removes only delivered events older than the cutoff, never an undelivered one, and the rest still verifies', async () => {
    const made = await appWithCatalogue();
    app = made.app;
    const { journal } = app.services;
    const markerDir = await tempDir('scriptdesk-marker-');
    await runToEnd(app, { scriptId: 'probe', inputs: { markerDir, mode: 'ok' } });
    const all = journal.list(1000).map((e) => e.seq);
    const newest = Math.max(...all);
    // The endpoint acknowledged everything but the last three.
    journal.recordDelivery({ delivered: all.filter((seq) => seq <= newest - 3), rejected: [] });
    expect(journal.deliveryState()).toMatchObject({ pending: 3 });

    // Cutoffs from the events' own times, not the clock: before the oldest, then after the newest.
    const times = journal.list(1000).map((e) => Date.parse(e.event.time));
    expect(journal.prune(new Date(Math.min(...times)))).toBe(0); // nothing older than that
    const removed = journal.prune(new Date(Math.max(...times) + 1));
    expect(removed).toBe(newest - 3);
    expect(journal.list(1000).map((e) => e.seq)).toEqual([newest, newest - 1, newest - 2]);
    expect(journal.deliveryState().pending).toBe(3);

    // Appending continues the chain from the checkpoint, and verify starts there.
    const next = journal.append('dev.scriptdesk.settings.changed', 'settings', { setting: 'x' });
    expect(next.sequence).toBe(newest + 1);
    const report = journal.verify(journal.publicKey!);
    expect(report.problems).toEqual([]);
    expect(report.after?.sequence).toBe(newest - 3);
  });
});
