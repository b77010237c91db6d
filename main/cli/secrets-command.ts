import type { ScriptDeskApp } from '../app/app.js';
import { undeclaredSecret } from '../app/secret-handlers.js';
import { MAX_SECRET_CHARS, type SecretsStatus } from '../contract/api.js';
import { CliError } from './cli-error.js';
import type { Out } from './terminal-output.js';
import { call } from './client-commands.js';
import { readSecretValue } from './read-secret-value.js';

/** The script's declared secrets, once the keychain has answered; otherwise its reason as the error. */
async function statusOf(app: ScriptDeskApp, scriptId: string): Promise<SecretsStatus> {
  const status = await call(app, 'secrets.status', { scriptId });
  if (!status.keychain.available)
    throw new CliError(status.keychain.message ?? 'The OS keychain could not be reached.');
  return status;
}

/** Checks the name before asking for a value, so nobody types a secret only to have it refused. */
function requireDeclared(status: SecretsStatus, scriptId: string, name: string): boolean {
  const entry = status.secrets.find((s) => s.name === name);
  if (!entry)
    throw new CliError(
      undeclaredSecret(
        scriptId,
        status.secrets.map((s) => s.name),
        name,
      ),
    );
  return entry.set;
}

/** `scriptdesk secrets list SCRIPT_ID` — each declared secret and whether it is set (never its value). */
export async function secretsListCommand(
  app: ScriptDeskApp,
  scriptId: string,
  out: Out,
): Promise<void> {
  const { secrets } = await statusOf(app, scriptId);
  if (secrets.length === 0) return out.line(`Script "${scriptId}" declares no secrets.`);
  const width = Math.max(...secrets.map((s) => s.name.length));
  for (const s of secrets) out.line(`${s.name.padEnd(width)}  ${s.set ? 'set' : 'not set'}`);
}

/** `scriptdesk secrets set SCRIPT_ID NAME` — the value comes from stdin, never from argv. */
export async function secretsSetCommand(
  app: ScriptDeskApp,
  scriptId: string,
  name: string,
  out: Out,
  readValue: (name: string) => Promise<string> = readSecretValue,
): Promise<void> {
  requireDeclared(await statusOf(app, scriptId), scriptId, name);
  const value = await readValue(name);
  if (value.length > MAX_SECRET_CHARS)
    throw new CliError(
      `the value for ${name} is ${value.length} characters long; the keychain keeps at most ${MAX_SECRET_CHARS} per secret`,
    );
  await call(app, 'secrets.set', { scriptId, name, value });
  out.line(
    `Stored ${name} in the OS keychain; scripts that declare it, like "${scriptId}", get it when they run.`,
  );
}

/** `scriptdesk secrets clear SCRIPT_ID NAME` */
export async function secretsClearCommand(
  app: ScriptDeskApp,
  scriptId: string,
  name: string,
  out: Out,
): Promise<void> {
  const wasSet = requireDeclared(await statusOf(app, scriptId), scriptId, name);
  await call(app, 'secrets.clear', { scriptId, name });
  out.line(
    wasSet
      ? `Removed ${name} from the OS keychain.`
      : `${name} was not set in the OS keychain; nothing to remove.`,
  );
}
