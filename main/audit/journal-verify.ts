import type { Db } from '../storage/database.js';
import { checkChain, type ChainReport, type ChainStart } from './chain.js';
import { parseEvent, type AuditEvent } from './event.js';
import { KEY_ROTATED_TYPE, keyHistory } from './key-rotation.js';

/** What `scriptdesk audit verify` reports about the local journal. */
export type JournalReport = ChainReport & { after: ChainStart | null };

/**
 * Checks the local journal's chain: every row well-formed, signed by the device's key valid at
 * its sequence, numbered in order without gaps and naming its predecessor's hash. The keys before
 * `deviceKey` (the one in the keychain) are only those its recorded rotations prove, walking back
 * from it: a row added to the database cannot make a key trusted.
 */
export function verifyJournal(db: Db, after: ChainStart | null, deviceKey: string): JournalReport {
  const rotations: AuditEvent[] = [];
  const rotationRows = db
    .prepare<[string], { body: string }>(
      'SELECT body FROM audit_events WHERE type = ? ORDER BY seq',
    )
    .iterate(KEY_ROTATED_TYPE);
  for (const { body } of rotationRows) {
    const parsed = parseEvent(parseJson(body));
    if (parsed.ok) rotations.push(parsed.event); // a damaged row: the walk below reports it
  }
  const history = keyHistory(rotations, deviceKey);
  const rows = db
    .prepare<[], { seq: number; body: string }>('SELECT seq, body FROM audit_events ORDER BY seq')
    .iterate();
  const report = checkChain(
    (function* () {
      for (const row of rows) yield { body: row.body, position: row.seq };
    })(),
    {
      ...(after ? { after } : {}),
      firstKey: history.firstKey,
      isDeviceKey: (key) => history.keys.has(key),
    },
  );
  return { ...report, after };
}

/**
 * The device key valid at the head of the local chain as the chain itself records it (the first
 * event's key, then each key change that names the key valid before it; null when no event is
 * validly signed), and every key any row names. Used when the keychain holds a key the newest
 * event does not carry: then the keychain cannot anchor anything, and the chain is all there is.
 */
export function chainKeys(
  db: Db,
  after: ChainStart | null,
): { headKey: string | null; seen: Set<string> } {
  const seen = new Set<string>();
  const rows = db
    .prepare<[], { seq: number; body: string }>('SELECT seq, body FROM audit_events ORDER BY seq')
    .iterate();
  const report = checkChain(
    (function* () {
      for (const row of rows) {
        const key = keyOf(row.body);
        if (key !== null) seen.add(key);
        yield { body: row.body, position: row.seq };
      }
    })(),
    { ...(after ? { after } : {}), isDeviceKey: () => true },
  );
  return { headKey: report.head.key ?? null, seen };
}

/** The `devicekey` a stored row names, or null when it names none. */
export function keyOf(body: string): string | null {
  const key = (parseJson(body) as { devicekey?: unknown } | undefined)?.devicekey;
  return typeof key === 'string' ? key : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
