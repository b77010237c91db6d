import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAuditHandler, isUsableToken, MIN_TOKEN_LENGTH } from './audit/audit-endpoint.js';
import type { AuditStore } from './audit/audit-store.js';
import { openAuditStore } from './audit/open-audit-store.js';
import type { DeviceMode } from '../audit/protocol.js';
import { createCatalogueFilesHandler, type RouteHandler } from './catalogue-files.js';
import { createConsolePages } from './console/console-pages.js';
import { createConsoleHandler } from './console/console-routes.js';
import { resolveTargets, type AlertsConfig } from './alerts/alert-config.js';
import { alertsOfPlan } from './alerts/alert-rules.js';
import { AlertWorker, type AlertTiming } from './alerts/alert-worker.js';

/** Options of {@link startServer}: at least one of `root` and `audit`. */
export interface ServerOptions {
  /** The published catalogue folder (written by `scriptdesk catalogue build`); absent: none served. */
  root?: string;
  /** The audit endpoint (`/v1/events`, `/v1/admin/*`); absent: off. */
  audit?: AuditServerOptions;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** 0 or absent: a free port chosen by the OS. */
  port?: number;
  /** Receives error lines, and one access line per request when `verbose` is set. */
  log?: (line: string) => void;
  verbose?: boolean;
}

/** What the audit endpoint needs: where to store, and the two tokens. */
export interface AuditServerOptions {
  /** A `postgres://` URL or a SQLite file (see `openAuditStore`). */
  database: string;
  /** Create the SQLite file's folder if missing (for the default location). */
  createFolder?: boolean;
  ingestToken: string;
  adminToken: string;
  /** Signs in to the console read-only (`SCRIPTDESK_AUDITOR_TOKEN`); absent: admins only. */
  auditorToken?: string;
  /** The console's built pages (`dist/console`); absent: the console API only. */
  consolePages?: string;
  /** How devices seen for the first time are registered; default `auto`. */
  devices?: DeviceMode;
  /** Webhook alerts (the `alerts` section of `--config`); absent: none sent. */
  alerts?: AlertServerOptions;
}

export interface AlertServerOptions {
  config: AlertsConfig;
  /** Where the targets' `urlEnv` and `secretEnv` variables are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Tests only: the clock, retry delays and poll interval of the delivery worker. */
  timing?: AlertTiming;
}

/** A running `scriptdesk server`: the catalogue files and/or the audit endpoint. */
export interface CatalogueServer {
  url: string;
  port: number;
  /** Where audit events are stored, password redacted; absent when the endpoint is off. */
  auditDatabase?: string;
  /** Stops listening, drops connections and closes the audit store. */
  close(): Promise<void>;
}

// Clients fetch thousands of blobs in a row: HTTP keep-alive (on by default) holds their
// connections open longer than Node's 5 s between requests, and TCP keep-alive finds dead peers.
const KEEP_ALIVE_MS = 30_000;

/**
 * Serves a published catalogue folder and/or the audit endpoint over HTTP. Routes are tried in
 * order; a request none of them takes is a 404. Unexpected failures answer a generic 500 and log
 * one line.
 */
export async function startServer(options: ServerOptions): Promise<CatalogueServer> {
  if (options.root === undefined && options.audit === undefined)
    throw new Error(
      'nothing to serve: give a published catalogue folder, or turn on the audit endpoint',
    );
  const root = options.root === undefined ? undefined : path.resolve(options.root);
  if (root !== undefined) await assertPublishedFolder(root);
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const routes: RouteHandler[] = [];
  let store: AuditStore | undefined;
  let worker: AlertWorker | undefined;
  if (options.audit) {
    const audit = options.audit;
    assertTokens(audit.ingestToken, audit.adminToken, audit.auditorToken);
    const pages =
      audit.consolePages === undefined ? undefined : await createConsolePages(audit.consolePages);
    const alerts = audit.alerts;
    const targets = alerts && resolveTargets(alerts.config, alerts.env ?? process.env);
    store = await openAuditStore(audit.database, { createFolder: audit.createFolder, log });
    if (alerts && targets) {
      worker = new AlertWorker({
        queue: store.alerts,
        config: alerts.config,
        targets,
        timing: alerts.timing,
        log: (line) => log(`scriptdesk server: ${line}`),
      });
      await worker.start().catch(async (error: unknown) => {
        await store?.close();
        throw error;
      });
    }
    const config = alerts?.config;
    routes.push(
      createConsoleHandler({
        store,
        adminToken: audit.adminToken,
        auditorToken: audit.auditorToken,
        alertsEnabled: worker !== undefined,
        pages,
        log,
      }),
    );
    routes.push(
      createAuditHandler({
        store,
        ingestToken: audit.ingestToken,
        adminToken: audit.adminToken,
        devices: audit.devices ?? 'auto',
        alerts: config && ((plan) => alertsOfPlan(plan, config)),
        onStored: worker && (() => worker?.wake()),
        log,
      }),
    );
  }
  if (root !== undefined) routes.push(createCatalogueFilesHandler(root));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const route of routes) if (await route(request, response)) return;
    sendText(response, 404, 'not found');
  }

  const server = createServer({ keepAlive: true }, (request, response) => {
    if (options.verbose) logAccess(request, response, log);
    void handle(request, response).catch((error: unknown) => {
      log(
        `scriptdesk server: ${request.method} ${printable(request.url)} failed: ${oneLine(error)}`,
      );
      if (response.headersSent) {
        response.destroy();
        return;
      }
      // Drop what the route already set (an ETag, cache headers): they described another answer.
      for (const name of response.getHeaderNames()) response.removeHeader(name);
      sendText(response, 500, 'internal server error');
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_MS;

  try {
    await listen(server, host, options.port ?? 0);
  } catch (error) {
    await worker?.stop();
    await store?.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    ...(store ? { auditDatabase: store.location } : {}),
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        // Idle keep-alive sockets would hold close() open for the keep-alive timeout, and a
        // half-sent blob is cheaper to retry than a shutdown that waits for it.
        server.closeAllConnections();
      });
      // Requests in flight finish first, so no delivery is left half-recorded.
      await worker?.stop();
      await store?.close();
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot listen on ${host}:${port} (${error.code ?? error.message}); choose another port or host`,
          { cause: error },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

/** The tokens must be long enough not to be guessed, and differ, so none opens another's door. */
function assertTokens(ingestToken: string, adminToken: string, auditorToken?: string): void {
  const tokens = [
    ['ingest', ingestToken],
    ['admin', adminToken],
    ...(auditorToken === undefined ? [] : [['auditor', auditorToken] as const]),
  ] as const;
  for (const [name, token] of tokens) {
    if (!isUsableToken(token))
      throw new Error(
        `the ${name} token must be at least ${MIN_TOKEN_LENGTH} characters of visible ASCII (no spaces)`,
      );
  }
  if (new Set(tokens.map(([, token]) => token)).size !== tokens.length)
    throw new Error(`the ${tokens.map(([name]) => name).join(', ')} tokens must all differ`);
}

/** Fails early, naming the folder and the fix, when `root` is not a published catalogue. */
async function assertPublishedFolder(root: string): Promise<void> {
  const fix = 'point --root at the folder written by scriptdesk catalogue build';
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch {
    throw new Error(`catalogue folder ${root} does not exist; ${fix}`);
  }
  if (!isDirectory) throw new Error(`${root} is not a folder; ${fix}`);
  const hasCatalogue = await stat(path.join(root, 'catalogue.json')).then(
    (stats) => stats.isFile(),
    () => false,
  );
  if (!hasCatalogue) throw new Error(`${root} has no catalogue.json; ${fix}`);
}

/**
 * One line per finished (or abandoned) response: method, path, status and body bytes, taken from
 * the Content-Length the routes set with `setHeader` (headers passed to `writeHead` are not kept).
 */
function logAccess(
  request: IncomingMessage,
  response: ServerResponse,
  log: (line: string) => void,
) {
  response.once('close', () => {
    const bodyless = request.method === 'HEAD' || response.statusCode === 304;
    const bytes = !response.writableFinished
      ? 'aborted'
      : bodyless
        ? '0'
        : String(response.getHeader('content-length') ?? 0);
    log(`${request.method} ${printable(request.url)} ${response.statusCode} ${bytes}`);
  });
}

/** The path without its query, safe to put on one log line. */
function printable(url: string | undefined): string {
  return (url ?? '').split('?')[0]!.replace(/[^\x21-\x7e]/g, '?');
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
}

function sendText(response: ServerResponse, status: number, body: string): void {
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.writeHead(status).end(body);
}
