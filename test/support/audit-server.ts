import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEvent } from '../../main/audit/event.js';
import type { IngestResponse } from '../../main/audit/protocol.js';
import { freshPostgresDatabase, withPostgresClient } from './postgres-database.js';
import { tempDir } from './temp.js';
import { describeWhere, POSTGRES_CLUSTER, type Need } from './os-needs.js';

/** Tokens the test servers run with (16+ characters, different). */
export const INGEST_TOKEN = 'test-ingest-token-3f9a1c7e';
export const ADMIN_TOKEN = 'test-admin-token-8b2d4e6f0a';

/** One kind of audit store, for `describe.each`: the same tests run on each. */
export interface AuditStoreKind {
  name: 'SQLite' | 'PostgreSQL';
  /** A new, empty database for one test: a file path or a URL. */
  database(): Promise<string>;
  /** Runs one SQL statement directly against that database, bypassing the server. */
  execute(database: string, sql: string): Promise<void>;
  /** What the store's tests need of the machine. */
  need: Need;
}

export const AUDIT_STORES: AuditStoreKind[] = [
  {
    name: 'SQLite',
    need: { met: true, reason: '' },
    database: async () => path.join(await tempDir('scriptdesk-audit-'), 'audit.sqlite'),
    execute: async (database, sql) => {
      const db = new Database(database);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
  },
  {
    name: 'PostgreSQL',
    need: POSTGRES_CLUSTER,
    database: freshPostgresDatabase,
    execute: async (database, sql) => {
      await withPostgresClient(database, (client) => client.query(sql));
    },
  },
];

/**
 * The same tests once per store (`$name` in the title is the store's), each skipped with the
 * reason where the machine lacks what that store's tests need.
 */
export function describeEachStore(title: string, body: (store: AuditStoreKind) => void): void {
  for (const store of AUDIT_STORES)
    describeWhere(store.need, title.replace('$name', store.name), () => body(store));
}

/** An answer of the audit endpoint, its body parsed when it is JSON. */
export interface JsonAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs events (or any body) to `/v1/events` as a device would. */
export async function postEvents(
  url: string,
  events: AuditEvent[] | unknown,
  options: { token?: string | null; contentType?: string; rawBody?: string } = {},
): Promise<JsonAnswer<IngestResponse & { error?: { code: string; message: string } }>> {
  const token = options.token === undefined ? INGEST_TOKEN : options.token;
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: {
      'Content-Type': options.contentType ?? 'application/cloudevents-batch+json',
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
    },
    body: options.rawBody ?? JSON.stringify(events),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** A request to the admin API with the admin token (or the one given). */
export async function admin<T = Record<string, unknown>>(
  url: string,
  route: string,
  options: { query?: Record<string, string>; body?: unknown; token?: string } = {},
): Promise<JsonAnswer<T>> {
  const target = new URL(`${url}/v1/admin/${route}`);
  for (const [name, value] of Object.entries(options.query ?? {}))
    target.searchParams.append(name, value);
  const response = await fetch(target, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${options.token ?? ADMIN_TOKEN}`,
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson ? JSON.parse(text) : text) as T,
  };
}
