import { checkChain, type ChainProblem, type ChainStart } from '../../audit/chain.js';
import type { AuditStore, ChainCursor } from './audit-store.js';
import type { KeyRotation } from '../../audit/key-rotation.js';
import type { Device, VerifyResponse } from '../../audit/protocol.js';

/** Rows read per query while walking a chain: bounded memory however long the chain is. */
const PAGE = 1000;

/**
 * Checks each device's stored events again, in sequence order, with `checkChain`: signatures,
 * numbering, hash links and the key valid at each sequence (the first stored event's key, then
 * each key-rotation event's new key), exactly as the device's own journal is checked. A key counts
 * as the device's own only while it is `active`: revoking a key makes every event it signed show
 * up here, for an admin to review. The ingest flags of the device are listed beside the problems;
 * a device is intact when there are neither. Accepted key changes are listed as rotations.
 */
export async function verifyDevices(store: AuditStore, devices: Device[]): Promise<VerifyResponse> {
  const report: VerifyResponse = { devices: [] };
  for (const device of devices) {
    const active = new Set(device.keys.filter((k) => k.status === 'active').map((k) => k.key));
    const problems: ChainProblem[] = [];
    const rotations: KeyRotation[] = [];
    let checked = 0;
    let head: ChainStart = { sequence: 0, hash: '' };
    let cursor: ChainCursor | undefined;
    for (;;) {
      const rows = await store.chain(device.source, cursor, PAGE);
      if (rows.length === 0) break;
      // checkChain carries its state in the head, so a chain checked page by page reports the
      // same problems as one checked whole.
      const page = checkChain(rows, { after: head, isDeviceKey: (key) => active.has(key) });
      checked += page.checked;
      problems.push(...page.problems);
      rotations.push(...page.rotations);
      head = page.head;
      const last = rows[rows.length - 1]!;
      cursor = { sequence: last.sequence, id: last.id };
    }
    const flags = [];
    for (let afterId: number | undefined; ;) {
      const page = await store.flags({ source: device.source, afterId, limit: PAGE });
      flags.push(
        ...page.map(({ sequence, kind, message, receivedAt }) => ({
          sequence,
          kind,
          message,
          receivedAt,
        })),
      );
      if (page.length < PAGE) break;
      afterId = page[page.length - 1]!.id;
    }
    problems.sort((a, b) => a.sequence - b.sequence);
    report.devices.push({
      source: device.source,
      checked,
      intact: problems.length === 0 && flags.length === 0,
      problems,
      flags,
      rotations,
    });
  }
  return report;
}
