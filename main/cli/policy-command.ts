import { effectivePolicy, PolicyError, policyFile } from '../policy/policy.js';
import { CliError } from './cli-error.js';
import type { Command } from 'commander';
import { stdout, type Out } from './terminal-output.js';

/**
 * `scriptdesk policy [--json]`: the machine policy in force on this computer, setting by setting,
 * with where each value came from; IT runs it (with `SCRIPTDESK_POLICY=FILE`) to check a file
 * before deploying it. An invalid file fails with the message the app would stop with.
 */
export async function policyCommand(options: { json?: boolean }, out: Out): Promise<void> {
  let policy;
  try {
    policy = await effectivePolicy(policyFile());
  } catch (error) {
    if (error instanceof PolicyError) throw new CliError(error.message);
    throw error;
  }
  if (options.json) {
    out.json(policy);
    return;
  }
  out.line(
    `Machine policy ${policy.file}${policy.found ? '' : ' (no such file: every setting is its default)'}`,
  );
  const width = Math.max(...policy.settings.map((setting) => setting.field.length));
  for (const setting of policy.settings)
    out.line(
      `  ${setting.field.padEnd(width)}  ${setting.value === null ? '(not set)' : String(setting.value)}  (${setting.source})`,
    );
}

/** Registers `scriptdesk policy` on the program. */
export function addPolicyCommand(program: Command): void {
  program
    .command('policy')
    .description(
      "the machine policy in force (IT's settings) and where each value came from; SCRIPTDESK_POLICY=FILE checks a file before deploying it",
    )
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => policyCommand(options, stdout));
}
