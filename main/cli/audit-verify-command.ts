import type { ScriptDeskApp } from '../app/app.js';
import { remoteVerify } from './audit-remote.js';
import { rotationNoticeLine } from './audit-text.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';

/**
 * `scriptdesk audit verify`: checks the local chain with this computer's key from the keychain,
 * and the keys before it that the journal's key changes prove. A key change is one notice line,
 * not a failure. Exit 0 when intact, 1 with every break (at its sequence number) when not.
 */
export async function auditVerifyCommand(
  app: ScriptDeskApp,
  options: { json?: boolean },
  out: Out,
): Promise<number> {
  const { journal, journalReady } = app.services;
  await journalReady().catch((error: unknown) => {
    throw new CliError(`cannot verify the journal: ${(error as Error).message}`);
  });
  const report = journal.verify(journal.publicKey!);
  if (options.json) {
    out.json({ intact: report.problems.length === 0, ...report });
    return report.problems.length === 0 ? 0 : 1;
  }
  for (const rotation of report.rotations) out.line(rotationNoticeLine(rotation));
  const from = (report.after?.sequence ?? 0) + 1;
  if (report.problems.length === 0) {
    const signedBy =
      report.rotations.length === 0
        ? "this computer's key"
        : 'the key this computer held at the time';
    out.line(
      report.checked === 0
        ? 'The audit journal is empty.'
        : `The audit journal is intact: events ${from} to ${report.head.sequence}, each signed by ${signedBy} and chained to the one before.`,
    );
    return 0;
  }
  out.line(
    `The audit journal is NOT intact: first break at event ${report.problems[0]!.sequence} (${report.problems.length} problem${report.problems.length > 1 ? 's' : ''}):`,
  );
  for (const problem of report.problems)
    out.line(`  event ${problem.sequence}: ${problem.message}`);
  return 1;
}

/**
 * `scriptdesk audit verify --server URL [--device SOURCE]`: every device's stored chain checked
 * again by the endpoint, with what it flagged at ingest and the key changes it accepted; exit 1
 * when any is not intact.
 */
export async function remoteVerifyCommand(
  server: string,
  options: { device?: string; json?: boolean },
  out: Out,
): Promise<number> {
  const { devices } = await remoteVerify(server, options.device);
  const intact = devices.every((device) => device.intact);
  if (options.json) {
    out.json({ intact, devices });
    return intact ? 0 : 1;
  }
  if (devices.length === 0) out.line('The endpoint has no events yet.');
  for (const device of devices) {
    if (device.intact) {
      out.line(`${device.source}: intact (${device.checked} events)`);
      for (const rotation of device.rotations) out.line(`  ${rotationNoticeLine(rotation)}`);
      continue;
    }
    const first = Math.min(
      ...device.problems.map((p) => p.sequence),
      ...device.flags.map((f) => f.sequence ?? Infinity),
    );
    out.line(`${device.source}: NOT intact, first break at event ${first}:`);
    for (const rotation of device.rotations) out.line(`  ${rotationNoticeLine(rotation)}`);
    for (const problem of device.problems)
      out.line(`  event ${problem.sequence}: ${problem.message}`);
    for (const flag of device.flags)
      out.line(
        `  event ${flag.sequence ?? '?'}: flagged at delivery (${flag.kind}): ${flag.message}`,
      );
  }
  return intact ? 0 : 1;
}
