import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AuditStore } from './audit-store.js';
import { PostgresAuditStore } from './postgres-audit-store.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

/** True when `--database` names a PostgreSQL server rather than a SQLite file. */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:\/\//i.test(database);
}

/** The audit database when `--database` is not given: a SQLite file under the data folder. */
export function defaultAuditDatabase(home: string): string {
  return path.join(home, 'server', 'audit.sqlite');
}

/**
 * The database location, fit to print: a PostgreSQL URL's password (in the user part or a
 * `password=` parameter) becomes `***`. Never print a `--database` value without this.
 */
export function redactDatabaseUrl(database: string): string {
  if (!isPostgresUrl(database)) return database;
  // Greedy to the last @: a password may hold an unescaped @ or /.
  return database
    .replace(/^([a-z]+:\/\/[^:/?#@]*):.*@/i, '$1:***@')
    .replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/**
 * Opens the audit store `--database` names: a `postgres://` or `postgresql://` URL is a
 * PostgreSQL database, anything else a SQLite file (its folder is created when it is the default
 * location). The error names the redacted location and the fix, and never the password.
 */
export async function openAuditStore(
  database: string,
  options: { createFolder?: boolean; log?: (line: string) => void } = {},
): Promise<AuditStore> {
  const location = redactDatabaseUrl(database);
  const secrets = passwordsOf(database);
  const scrub = (text: string) =>
    secrets.reduce((clean, secret) => clean.split(secret).join('***'), text);
  try {
    if (isPostgresUrl(database)) {
      return await PostgresAuditStore.open(
        database,
        location,
        (error) =>
          options.log?.(
            `scriptdesk server: audit database ${location}: idle connection lost (${scrub(error.message)})`,
          ),
        (line) => options.log?.(scrub(line)),
      );
    }
    const file = path.resolve(database);
    if (options.createFolder) mkdirSync(path.dirname(file), { recursive: true });
    return SqliteAuditStore.open(file);
  } catch (error) {
    const reason = scrub((error as Error).message).replace(/\s+/g, ' ');
    const fix = isPostgresUrl(database)
      ? 'check --database, the credentials (PGPASSWORD or the URL) and that PostgreSQL is running'
      : 'check --database: a SQLite file in an existing, writable folder';
    throw new Error(`cannot open the audit database ${location}: ${reason}; ${fix}`, {
      cause: error,
    });
  }
}

/** The password of a PostgreSQL URL as written and as decoded, to scrub from error messages. */
function passwordsOf(database: string): string[] {
  if (!isPostgresUrl(database)) return [];
  const found = [/^[a-z]+:\/\/[^:/?#@]*:(.*)@/i.exec(database)?.[1]];
  try {
    const url = new URL(database);
    found.push(url.password, url.searchParams.get('password') ?? undefined);
    if (url.password) found.push(decodeURIComponent(url.password));
  } catch {
    // Not a URL the WHATWG parser takes: the pattern above is all there is.
  }
  return [...new Set(found.filter((secret): secret is string => !!secret))];
}
