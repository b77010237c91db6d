import { Command, CommanderError } from 'commander';
import { DEFAULT_SYNC_INTERVAL_MS, openScriptDeskApp, type ScriptDeskApp } from '../app/app.js';
import { defaultHome } from '../shared/home.js';
import { APP_VERSION } from '../shared/version.js';
import {
  catalogueBuildCommand,
  catalogueSchemasCommand,
  catalogueVerifyCommand,
  keygenCommand,
} from './admin-commands.js';
import { addPolicyCommand } from './policy-command.js';
import { addReviewCommands } from './review-commands.js';
import { cataloguePackagesCommand } from './packages-command.js';
import { secretsClearCommand, secretsListCommand, secretsSetCommand } from './secrets-command.js';
import { serverCommand, type ServerCommandOptions } from './server-command.js';
import { CliError } from './cli-error.js';
import { addImportCommands } from './import-command.js';
import { remoteAlertsCommand, type RemoteAlertsOptions } from './audit-alerts-command.js';
import { stderr as err, stdout as out } from './terminal-output.js';
import { terminalText } from '../shared/terminal-text.js';
import {
  auditExportCommand,
  auditFlushCommand,
  auditListCommand,
  auditTokenCommand,
  auditVerifyCommand,
  refuseServerOnly,
  remoteDevicesCommand,
  remoteExportCommand,
  remoteKeyCommand,
  remoteListCommand,
  remoteVerifyCommand,
  type AuditFilterOptions,
} from './audit-command.js';

/** The options only `--server` gives meaning to. */
interface RemoteOnly {
  server?: string;
  device?: string;
  user?: string;
}
import {
  listCommand,
  runCommand,
  syncCommand,
  validateCommand,
  webCommand,
} from './client-commands.js';

/** Commander collector for options that may be repeated (absent: undefined, not shown as a default). */
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** Opens the app on $SCRIPTDESK_HOME for one command and always closes it. */
async function withApp<T>(
  action: (app: ScriptDeskApp) => Promise<T>,
  options: { autoSyncMs?: number } = {},
): Promise<T> {
  const app = await openScriptDeskApp({
    home: defaultHome(),
    logError: (line) => err.line(line),
    ...options,
  });
  try {
    return await action(app);
  } finally {
    await app.close();
  }
}

/** Builds the `scriptdesk` command; `setExitCode` receives the code a command wants to exit with. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('scriptdesk')
    .description(
      'Run approved Python scripts safely, and publish the catalogue they come from.\nState lives in $SCRIPTDESK_HOME (default: the OS app-data folder).',
    )
    .version(APP_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Help and usage errors quote what was typed: through the same escaping as every other line.
    .configureOutput({
      writeOut: (text) => process.stdout.write(terminalText(text, { multiline: true })),
      writeErr: (text) => process.stderr.write(terminalText(text, { multiline: true })),
    })
    // Before the subcommands are added, so they inherit both: usage errors become exit code 2.
    .exitOverride();

  program
    .command('keygen')
    .description('create an Ed25519 key pair for signing catalogues')
    .requiredOption(
      '--out <dir>',
      'folder to write catalogue-signing.key and catalogue-signing.pub into',
    )
    .action((options: { out: string }) => keygenCommand(options, out));

  const catalogue = program
    .command('catalogue')
    .description('publish and check catalogues (admins)');
  catalogue
    .command('build <src>')
    .description('validate a catalogue source folder, then sign and publish it')
    .option(
      '--key <file>',
      'a private signing key (from keygen); repeat to add the next key during a rotation',
      collect,
    )
    .requiredOption('--out <dir>', 'the published folder to write (replaced atomically)')
    .option('--expires <duration>', 'how long the catalogue stays valid, e.g. 30d, 12h', '30d')
    .option(
      '--skip-tests',
      "do not run the scripts' tests/ (recorded as testsSkipped in the signed catalogue)",
    )
    .option('--advisories <dir>', 'a folder of OSV advisory files to check locked packages against')
    .action(
      (
        src: string,
        options: {
          key?: string[];
          out: string;
          expires: string;
          skipTests?: boolean;
          advisories?: string;
        },
      ) => catalogueBuildCommand(src, { ...options, key: options.key ?? [] }, out),
    );
  catalogue
    .command('packages <srcOrDir>')
    .description(
      'list approved packages: versions, the scripts that lock them, licences, known vulnerabilities, unused ones',
    )
    .option('--advisories <dir>', 'a folder of OSV advisory files (offline)')
    .option('--json', 'print the report as JSON')
    .action((location: string, options: { advisories?: string; json?: boolean }) =>
      cataloguePackagesCommand(location, options, out, setExitCode),
    );
  catalogue
    .command('verify <dirOrUrl>')
    .description('check the signature, expiry, paths and every blob of a published catalogue')
    .option('--pubkey <file>', 'a public key to trust; repeat for current and next', collect)
    .action((location: string, options: { pubkey?: string[] }) =>
      catalogueVerifyCommand(location, { pubkey: options.pubkey ?? [] }, out),
    );
  addReviewCommands(catalogue, setExitCode);
  catalogue
    .command('schemas')
    .description(
      'write the JSON Schemas of catalogue.json, script.json, the machine policy and audit events, for editors',
    )
    .requiredOption('--out <dir>', 'folder to write the schema files into')
    .action((options: { out: string }) => catalogueSchemasCommand(options, out));

  addImportCommands(program);

  program
    .command('server')
    .description('serve a published catalogue folder and/or the audit endpoint over HTTP')
    .option('--root <dir>', 'the folder written by catalogue build (serves the catalogue)')
    .option('--port <n>', 'port (0 picks a free one)', '8470')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--database <urlOrFile>',
      'audit storage: a postgres:// URL or a SQLite file (default: $SCRIPTDESK_HOME/server/audit.sqlite)',
    )
    .option(
      '--devices <mode>',
      'new devices: auto (registered when first seen, the default) or approve (wait for an admin)',
    )
    .option('--config <file>', 'a JSON server config: webhook alerts (see examples/server/)')
    .option('--verbose', 'print one line per request')
    .addHelpText(
      'after',
      '\nThe audit endpoint (POST /v1/events, admin API under /v1/admin/) is on when both\n' +
        'SCRIPTDESK_INGEST_TOKEN (devices) and SCRIPTDESK_ADMIN_TOKEN (admins) are set, 16+ characters\n' +
        'each. Keep a PostgreSQL password out of --database: use PGPASSWORD or ~/.pgpass.',
    )
    .action((options: ServerCommandOptions) => serverCommand(options, out));

  program
    .command('sync')
    .description('install the latest published catalogue on this device')
    .option(
      '--from <dirOrUrl>',
      'the published catalogue folder or URL (remembered; later syncs use it)',
    )
    .option(
      '--pubkey <file>',
      'trust this publisher key (pinned); repeat for current and next',
      collect,
    )
    .option('--audience <name>', "this device's audience (default: pinned at the first sync)")
    .action((options: { from?: string; pubkey?: string[]; audience?: string }) =>
      withApp((app) => syncCommand(app, { ...options, pubkey: options.pubkey ?? [] }, out)),
    );

  addPolicyCommand(program);

  program
    .command('list')
    .description('list the scripts you may run')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => withApp((app) => listCommand(app, options, out, err)));

  program
    .command('validate <scriptId>')
    .description("check inputs against the script's form (exit 0 valid, 1 invalid)")
    .requiredOption('--inputs <file>', 'JSON file with the inputs, or - for stdin')
    .action(async (scriptId: string, options: { inputs: string }) =>
      setExitCode(await withApp((app) => validateCommand(app, scriptId, options, out, err))),
    );

  program
    .command('run <scriptId>')
    .description('run a script with the same checks and audit as the app; exits with its exit code')
    .requiredOption('--inputs <file>', 'JSON file with the inputs, or - for stdin')
    .option('--dry-run', 'ask the script to change nothing (scripts that support it)')
    .option('--reason <text>', 'reason or ticket number, for scripts that require one')
    .option('--yes', 'confirm a real run of a script that changes things (destructive)')
    .action(
      async (
        scriptId: string,
        options: { inputs: string; dryRun?: boolean; reason?: string; yes?: boolean },
      ) => setExitCode(await withApp((app) => runCommand(app, scriptId, options, out, err))),
    );

  const secrets = program
    .command('secrets')
    .description('the secrets a script needs (API tokens, passwords), kept in the OS keychain');
  secrets
    .command('list <scriptId>')
    .description('show each secret the script declares and whether it is set (never the value)')
    .action((scriptId: string) => withApp((app) => secretsListCommand(app, scriptId, out)));
  secrets
    .command('set <scriptId> <name>')
    .description(
      'store a secret, read from stdin (a hidden prompt at a terminal), never from the command line',
    )
    .action((scriptId: string, name: string) =>
      withApp((app) => secretsSetCommand(app, scriptId, name, out)),
    );
  secrets
    .command('clear <scriptId> <name>')
    .description('remove a secret from the OS keychain')
    .action((scriptId: string, name: string) =>
      withApp((app) => secretsClearCommand(app, scriptId, name, out)),
    );

  const audit = program
    .command('audit')
    .description('the audit journal: read, export, verify and deliver it');
  const filters = (command: Command) =>
    command
      .option('--type <type>', 'only this event type, e.g. dev.scriptdesk.run.finished')
      .option('--script <id>', 'only events of this script')
      .option('--status <status>', 'only runs that ended with this status')
      .option('--since <time>', 'from this date or time')
      .option('--until <time>', 'up to this date or time')
      .option(
        '--server <url>',
        'ask this audit endpoint instead (admin token in SCRIPTDESK_ADMIN_TOKEN)',
      )
      .option('--device <source>', 'with --server: only this device')
      .option('--user <name>', 'with --server: only this user');
  type ListOptions = AuditFilterOptions & RemoteOnly & { json?: boolean; limit: string };
  filters(audit.command('list').description('list audit events, newest first'))
    .option('--json', 'print the events as JSON')
    .option('--limit <n>', 'how many events', '100')
    .action((options: ListOptions) => {
      refuseServerOnly(options);
      return options.server
        ? remoteListCommand(options.server, options, out)
        : withApp(async (app) => auditListCommand(app, options, out));
    });
  type ExportOptions = AuditFilterOptions & RemoteOnly & { format: string; out?: string };
  filters(
    audit
      .command('export')
      .description('write every matching event in sequence order, as signed JSON Lines or CSV'),
  )
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--out <file>', 'write to this new file instead of stdout')
    .action((options: ExportOptions) => {
      refuseServerOnly(options);
      return options.server
        ? remoteExportCommand(options.server, options, err)
        : withApp((app) => auditExportCommand(app, options, err));
    });
  audit
    .command('verify')
    .description(
      'check that no event was edited, deleted or reordered; exit 1 naming where the chain breaks',
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--server <url>',
      "check the endpoint's stored chains instead (admin token in SCRIPTDESK_ADMIN_TOKEN)",
    )
    .option('--device <source>', 'with --server: only this device')
    .action(async (options: { json?: boolean; server?: string; device?: string }) => {
      refuseServerOnly(options);
      setExitCode(
        options.server
          ? await remoteVerifyCommand(options.server, options, out)
          : await withApp((app) => auditVerifyCommand(app, options, out)),
      );
    });
  audit
    .command('devices')
    .description("the devices an audit endpoint knows, with their keys' status")
    .requiredOption('--server <url>', 'the audit endpoint (admin token in SCRIPTDESK_ADMIN_TOKEN)')
    .option('--json', 'print JSON')
    .action((options: { server: string; json?: boolean }) =>
      remoteDevicesCommand(options.server, options, out),
    );
  audit
    .command('alerts')
    .description('webhook alerts of an audit endpoint and where each delivery stands')
    .requiredOption('--server <url>', 'the audit endpoint (admin token in SCRIPTDESK_ADMIN_TOKEN)')
    .option('--state <state>', 'only pending, delivering, delivered, failed-retrying or gave-up')
    .option('--kind <kind>', 'only run-failed, integrity, device-pending or device-silent')
    .option('--limit <n>', 'deliveries to show (1-1000)', '100')
    .option('--json', 'print JSON')
    .action((options: RemoteAlertsOptions) => remoteAlertsCommand(options.server, options, out));
  for (const action of ['approve', 'revoke'] as const)
    audit
      .command(`${action} <source>`)
      .description(
        action === 'approve'
          ? "let the endpoint accept a device's pending key (or the one given)"
          : "make the endpoint refuse a device's events from now on (all its keys, or the one given)",
      )
      .requiredOption(
        '--server <url>',
        'the audit endpoint (admin token in SCRIPTDESK_ADMIN_TOKEN)',
      )
      .option('--key <key>', 'only this key (base64, as audit devices lists it)')
      .action((source: string, options: { server: string; key?: string }) =>
        remoteKeyCommand(options.server, action, source, options, out),
      );
  audit
    .command('flush')
    .description(
      'deliver waiting events to the audit endpoint now; exit 1 if any are still waiting',
    )
    .option('--timeout <seconds>', 'keep retrying this long', '20')
    .option('--json', 'print the delivery state as JSON')
    .action((options: { timeout: string; json?: boolean }) =>
      withApp(async (app) => setExitCode(await auditFlushCommand(app, options, out))),
    );
  const token = audit
    .command('token')
    .description("this computer's bearer token for the audit endpoint, kept in the OS keychain");
  token
    .command('set')
    .description('store the token, read from stdin (a hidden prompt at a terminal)')
    .action(() => withApp((app) => auditTokenCommand(app, 'set', out, err)));
  token
    .command('clear')
    .description('remove the token from the OS keychain')
    .action(() => withApp((app) => auditTokenCommand(app, 'clear', out, err)));

  program
    .command('web')
    .description('serve the app UI on 127.0.0.1 for a browser')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .action((options: { port: string }) =>
      withApp((app) => webCommand(app, options, out), { autoSyncMs: DEFAULT_SYNC_INTERVAL_MS }),
    );

  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      err.line(`scriptdesk: ${error.message}`);
      for (const detail of error.details) err.line(detail);
      return error.exitCode;
    }
    err.line(`scriptdesk: ${(error as Error).message}`);
    if (process.env.SCRIPTDESK_DEBUG)
      process.stderr.write(terminalText(`${(error as Error).stack ?? ''}\n`, { multiline: true }));
    return 1;
  }
}
