import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { signerFor } from '../main/audit/device-key.js';
import { AuditJournal, AUDIT_TYPES } from '../main/audit/journal.js';
import { openDatabase, type Db } from '../main/storage/database.js';

/**
 * Durable journal appends (signed, chained, one `synchronous=FULL` transaction each, as a run's
 * events are written) against plain better-sqlite3 inserts of the same rows into a table of the
 * same shape, with the same pragmas, one transaction each. Interleaved in blocks, because the
 * machine is shared: the ratio matters more than the rates.
 */
const EVENTS = Number(process.env.BENCH_JOURNAL_EVENTS ?? 3000);
const BLOCK = 250;

/** A run.finished record of the usual size (a few outputs). */
export function finishedRecord(index: number): Record<string, unknown> {
  return {
    runId: randomUUID(),
    scriptId: 'loan-schedule',
    scriptVersion: '1.4.2',
    catalogueVersion: 17,
    user: 'analyst',
    host: 'laptop-0042',
    status: 'succeeded',
    exitCode: 0,
    startedAt: new Date(Date.UTC(2026, 10, 1, 9, 0, index % 60)).toISOString(),
    finishedAt: new Date(Date.UTC(2026, 10, 1, 9, 1, index % 60)).toISOString(),
    dryRun: false,
    outputs: [
      { name: 'schedule.csv', size: 18_204, sha256: 'a'.repeat(64) },
      { name: 'summary.txt', size: 512, sha256: 'b'.repeat(64) },
    ],
  };
}

export async function benchAuditJournal(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-journal-'));
  const journalDb = openDatabase(path.join(dir, 'journal.sqlite'));
  const plainDb = openDatabase(path.join(dir, 'plain.sqlite'));
  try {
    const journal = new AuditJournal(journalDb, 'urn:scriptdesk:device:bench');
    journal.setSigner(signerFor(generateKeyPairSync('ed25519').privateKey));
    const insert = plainInsert(plainDb);
    let journalMs = 0;
    let plainMs = 0;
    for (let done = 0; done < EVENTS; done += BLOCK) {
      // The plain rows are the journal's own rows, so both write the same bytes.
      const started = performance.now();
      for (let i = done; i < done + BLOCK; i++)
        journal.append(AUDIT_TYPES.runFinished, 'loan-schedule@1.4.2', finishedRecord(i));
      journalMs += performance.now() - started;
      const rows = journalRows(journalDb, done, BLOCK);
      const plainStarted = performance.now();
      for (const row of rows) insert(row);
      plainMs += performance.now() - plainStarted;
    }
    const journalRate = (EVENTS / journalMs) * 1000;
    const plainRate = (EVENTS / plainMs) * 1000;
    const ratio = journalRate / plainRate;
    console.log(`audit journal appends (${EVENTS} events, synchronous=FULL, one transaction each)`);
    console.log(`  plain better-sqlite3 insert of the same rows   ${plainRate.toFixed(0)} /s`);
    console.log(`  signed, chained journal append                 ${journalRate.toFixed(0)} /s`);
    console.log(
      `  journal at ${(ratio * 100).toFixed(0)}% of the plain rate (target at least 50%: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
    );
  } finally {
    journalDb.close();
    plainDb.close();
    await rm(dir, { recursive: true, force: true });
  }
}

interface JournalRow {
  seq: number;
  id: string;
  type: string;
  time: string;
  subject: string;
  body: string;
  prev_hash: string;
  hash: string;
}

function journalRows(db: Db, after: number, count: number): JournalRow[] {
  return db
    .prepare<[number, number], JournalRow>(
      'SELECT seq, id, type, time, subject, body, prev_hash, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?',
    )
    .all(after, count);
}

function plainInsert(db: Db): (row: JournalRow) => void {
  db.exec(`CREATE TABLE plain_events (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, time TEXT NOT NULL,
    subject TEXT NOT NULL, body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
  const statement = db.prepare(
    'INSERT INTO plain_events (seq, id, type, time, subject, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  return (row) =>
    statement.run(
      row.seq,
      row.id,
      row.type,
      row.time,
      row.subject,
      row.body,
      row.prev_hash,
      row.hash,
    );
}
