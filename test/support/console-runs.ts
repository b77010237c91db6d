import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../main/audit/event.js';
import type { TestDevice } from './audit-events.js';

/** The auditor token the console's test servers run with (differs from the other two). */
export const AUDITOR_TOKEN = 'test-auditor-token-5c1e9a3d7b';

/** What a seeded run may choose; everything else has a plain default. */
export interface SeededRun {
  runId?: string;
  scriptId?: string;
  scriptVersion?: string;
  user?: string;
  reason?: string | null;
  inputs?: Record<string, unknown>;
  status?: string;
  exitCode?: number | null;
  catalogueVersion?: number;
  /** When it started; it finishes `durationMs` later. */
  startedAt?: string;
  durationMs?: number;
  outputs?: { name: string; size: number; sha256: string }[];
}

/**
 * The three signed events a device writes for one run (requested, started, finished), as the
 * runner writes them: the same run id, script, user and reason; inputs as recorded (sensitive
 * ones already "[redacted]"); the outputs' hashes in the finished event.
 */
export function runEvents(device: TestDevice, run: SeededRun = {}): AuditEvent[] {
  const runId = run.runId ?? randomUUID();
  const startedAt = run.startedAt ?? '2026-03-02T09:00:00.000Z';
  const finishedAt = new Date(Date.parse(startedAt) + (run.durationMs ?? 1000)).toISOString();
  const common = {
    runId,
    scriptId: run.scriptId ?? 'monthly-report',
    scriptVersion: run.scriptVersion ?? '1.0.0',
    user: run.user ?? 'alice',
    host: 'laptop-1',
  };
  const catalogue = { catalogueVersion: run.catalogueVersion ?? 7 };
  const subject = `${common.scriptId}@${common.scriptVersion}`;
  return [
    device.next({
      type: 'dev.scriptdesk.run.requested',
      subject,
      time: startedAt,
      data: {
        ...common,
        dryRun: false,
        reason: run.reason ?? null,
        requestedAt: startedAt,
        queued: false,
        ahead: 0,
      },
    }),
    device.next({
      type: 'dev.scriptdesk.run.started',
      subject,
      time: startedAt,
      data: {
        ...common,
        ...catalogue,
        appVersion: '0.1.0',
        pythonVersion: '3.12.0',
        scriptSha256: 'a'.repeat(64),
        schemaSha256: 'b'.repeat(64),
        lockSha256: 'c'.repeat(64),
        inputs: run.inputs ?? { month: '2026-02' },
        inputsHmac: 'd'.repeat(64),
        secrets: [],
        dryRun: false,
        confirmed: false,
        reason: run.reason ?? null,
        startedAt,
      },
    }),
    device.next({
      type: 'dev.scriptdesk.run.finished',
      subject,
      time: finishedAt,
      data: {
        ...common,
        ...catalogue,
        status: run.status ?? 'succeeded',
        exitCode: run.exitCode === undefined ? 0 : run.exitCode,
        startedAt,
        finishedAt,
        outputs: run.outputs ?? [],
      },
    }),
  ];
}

/** An answer of the console API. */
export interface ConsoleAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A request to the console API as its own page would send it: the session cookie when given,
 * and on POST the page's Origin (override `origin`, or null for none) and a JSON body.
 */
export async function consoleApi<T = Record<string, unknown>>(
  url: string,
  route: string,
  options: {
    cookie?: string;
    query?: Record<string, string>;
    body?: unknown;
    origin?: string | null;
    headers?: Record<string, string>;
  } = {},
): Promise<ConsoleAnswer<T>> {
  const target = new URL(`${url}/console/api/${route}`);
  for (const [name, value] of Object.entries(options.query ?? {}))
    target.searchParams.append(name, value);
  const post = options.body !== undefined;
  const origin = options.origin === undefined ? url : options.origin;
  const response = await fetch(target, {
    method: post ? 'POST' : 'GET',
    headers: {
      ...(options.cookie ? { Cookie: options.cookie } : {}),
      ...(post ? { 'Content-Type': 'application/json' } : {}),
      ...(post && origin !== null ? { Origin: origin } : {}),
      ...options.headers,
    },
    body: post ? JSON.stringify(options.body) : undefined,
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson ? JSON.parse(text) : text) as T,
  };
}

/** Signs in with `token`; returns the cookie to send back. */
export async function signIn(url: string, token: string): Promise<string> {
  const answer = await consoleApi(url, 'session', { body: { token } });
  if (answer.status !== 200) throw new Error(`sign-in failed: ${answer.status}`);
  return answer.headers.get('set-cookie')!.split(';')[0]!;
}
