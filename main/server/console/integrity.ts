import type { AuditStore } from '../audit/audit-store.js';
import type { FlagKind } from '../../audit/protocol.js';

/**
 * The Integrity page: what the endpoint flagged for each device, with what each kind of flag
 * means and what to do about it. Flags are never closed (they are part of the record); the
 * device's chain can be checked again on demand with verify.
 */

export const FLAG_MEANINGS: Record<FlagKind, { meaning: string; action: string }> = {
  signature: {
    meaning:
      'An event arrived whose signature does not match its content: it was changed after the device signed it. It was refused and is not in the record.',
    action:
      'Treat the device as tampered with: ask its owner, compare its journal (scriptdesk audit verify on the device) and revoke its key if the journal cannot be trusted.',
  },
  prevhash: {
    meaning:
      'An event does not name the hash of the event before it: something earlier in the device’s journal was changed or replaced.',
    action:
      'Run verify for the device, then check its journal on the machine; revoke the key if events were rewritten.',
  },
  gap: {
    meaning:
      'Sequence numbers are missing: events were deleted on the device or never arrived here.',
    action:
      'Check that the device still delivers (Devices: last seen); if it does and the gap stays, events were removed from its journal.',
  },
  order: {
    meaning:
      'An event arrived with a sequence number at or below one already stored: events were reordered or replayed.',
    action: 'Run verify for the device; a replay from another machine means the key was copied.',
  },
  conflict: {
    meaning:
      'An event id already stored arrived again with other content. The first version is kept; the other is recorded with the flag.',
    action:
      'Compare the two versions (scriptdesk audit flags); a rewritten event means the journal was edited after delivery.',
  },
  key: {
    meaning: 'An event was signed by a key that is not the device’s key valid at that point.',
    action:
      'If the device was reinstalled, approve its new key on the Devices page; otherwise revoke it.',
  },
  revoked: {
    meaning: 'The device sent events signed by a key that was revoked here.',
    action:
      'If the revocation still stands, find out who is using the device; approve the key again only if it was revoked by mistake.',
  },
  invalid: {
    meaning: 'An event was not a well-formed ScriptDesk event and was refused.',
    action:
      'Check the device’s ScriptDesk version; a hand-made event means someone is sending with the ingest token.',
  },
};

export interface IntegrityReport {
  meanings: typeof FLAG_MEANINGS;
  devices: {
    source: string;
    counts: Partial<Record<FlagKind, number>>;
    flags: {
      id: number;
      kind: FlagKind;
      sequence: number | null;
      message: string;
      receivedAt: string;
    }[];
  }[];
}

/** Flags shown per device: the latest ones (all are kept; the CLI lists every one). */
const FLAGS_PER_DEVICE = 50;

export async function integrity(store: AuditStore): Promise<IntegrityReport> {
  const counts = await store.select<{ source: string | null; kind: FlagKind; n: number }>(
    'SELECT source, kind, count(*) AS n FROM audit_flags GROUP BY source, kind ORDER BY source',
    [],
  );
  const devices = new Map<string, IntegrityReport['devices'][number]>();
  for (const row of counts) {
    const source = row.source ?? '(no device)';
    const device = devices.get(source) ?? { source, counts: {}, flags: [] };
    device.counts[row.kind] = Number(row.n);
    devices.set(source, device);
  }
  for (const device of devices.values()) {
    const rows = await store.select<{
      id: number;
      kind: FlagKind;
      sequence: number | null;
      message: string;
      received_at: string;
    }>(
      `SELECT id, kind, sequence, message, received_at FROM audit_flags
       WHERE ${device.source === '(no device)' ? 'source IS NULL' : 'source = ?'}
       ORDER BY id DESC LIMIT ${FLAGS_PER_DEVICE}`,
      device.source === '(no device)' ? [] : [device.source],
    );
    device.flags = rows.map((row) => ({
      id: Number(row.id),
      kind: row.kind,
      sequence: row.sequence,
      message: row.message,
      receivedAt: row.received_at,
    }));
  }
  return { meanings: FLAG_MEANINGS, devices: [...devices.values()] };
}
