import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiEvent } from '../contract/api.js';
import type { Dispatch } from '../contract/dispatcher.js';
import { validatorModuleSha256 } from '../contract/validator-modules.js';
import { contentSecurityPolicy } from '../shared/content-security-policy.js';
import { INPUT_LIMITS, INPUTS_SIZE_LIMIT } from '../shared/input-limits.js';
import { indexStaticFiles, sendStaticFile } from '../shared/static-files.js';

/** Largest request body the host reads: a run's inputs at their limit, and room for the call around them. */
export const MAX_BODY_BYTES = INPUT_LIMITS.maxBytes + 64 * 1024;
const CALL_PREFIX = '/api/call/';

export interface WebHostOptions {
  dispatch: Dispatch;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** The renderer build (`dist/renderer`). */
  rendererDir: string;
  /**
   * The bytes of `/validators/<sha256>.js`: a form validator main loaded for the installed
   * catalogue, or null (404). Main decides; the host only serves. Absent: none are served.
   */
  validatorModule?: (sha256: string) => Promise<Uint8Array | null>;
  /** 0 or absent: a free port chosen by the OS. */
  port?: number;
}

/** A running loopback host. `url` includes the per-start token in its fragment. */
export interface WebHost {
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Serves the app's UI and the same API as Electron IPC over HTTP on 127.0.0.1 only. Every API
 * request needs the random per-start bearer token; the Host header must name this loopback
 * address (no DNS rebinding) and a present Origin must be this host (no cross-site calls).
 */
export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const files = await indexStaticFiles(options.rendererDir);
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(`Bearer ${token}`);
  const csp = contentSecurityPolicy();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error');
      else response.destroy();
    });
  });

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (!allowedHosts().has(request.headers.host ?? ''))
      return send(response, 403, 'text/plain; charset=utf-8', 'wrong Host header');
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    const validator = validatorModuleSha256(url.pathname);
    if (validator) return serveValidator(request, response, validator);
    if (!url.pathname.startsWith('/api/')) return serveStatic(request, response, url.pathname);

    const origin = request.headers.origin;
    if (origin !== undefined && !allowedHosts().has(origin.replace(/^http:\/\//, ''))) {
      return send(response, 403, 'text/plain; charset=utf-8', 'cross-origin requests are refused');
    }
    const authorization = Buffer.from(request.headers.authorization ?? '');
    if (authorization.length !== expected.length || !timingSafeEqual(authorization, expected)) {
      return send(
        response,
        401,
        'text/plain; charset=utf-8',
        'missing or wrong token; open the address ScriptDesk printed',
      );
    }
    response.setHeader('Cache-Control', 'no-store');
    if (url.pathname === '/api/events' && request.method === 'GET')
      return streamEvents(request, response);
    if (url.pathname.startsWith(CALL_PREFIX) && request.method === 'POST') {
      // A JSON content type forces a CORS preflight for any cross-site form or fetch.
      if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(response, 415, 'text/plain; charset=utf-8', 'send application/json');
      }
      const body = await readBody(request);
      if (body === null) return sendJson(response, BODY_TOO_LARGE, 413);
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        return sendJson(response, {
          ok: false,
          error: { code: 'bad_request', message: 'The request body is not valid JSON.' },
        });
      }
      const method = decodeURIComponent(url.pathname.slice(CALL_PREFIX.length));
      return sendJson(response, await options.dispatch(method, input, { transport: 'http' }));
    }
    return send(response, 404, 'text/plain; charset=utf-8', 'not found');
  }

  /**
   * A file of the renderer build, compressed when the client accepts it (`Vary` says so to
   * caches). Content-hashed assets are cached for a year; everything else (index.html) is
   * revalidated by its strong ETag and answered with 304 while unchanged.
   */
  async function serveStatic(
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
  ): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed');
    const file = files.get(pathname === '/' ? '/index.html' : pathname);
    if (!file) return send(response, 404, 'text/plain; charset=utf-8', 'not found');
    await sendStaticFile(request, response, file, csp);
  }

  /**
   * A form's precompiled validator, imported by the page as a module of its own origin. No token:
   * `import()` cannot send one, and the name is the hash of a module of the installed catalogue,
   * which holds nothing the catalogue's own blob host does not serve to every device.
   */
  async function serveValidator(
    request: IncomingMessage,
    response: ServerResponse,
    sha256: string,
  ): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed');
    const body = (await options.validatorModule?.(sha256)) ?? null;
    if (!body) return send(response, 404, 'text/plain; charset=utf-8', 'not found');
    response.setHeader('Content-Security-Policy', csp);
    // Named by its hash: the same name never holds other bytes.
    response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    response.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Content-Length': body.length,
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  function streamEvents(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    streams.add(response);
    const unsubscribe = options.subscribe((event) => {
      response.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    });
    const ping = setInterval(() => response.write(': ping\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(ping);
      unsubscribe();
      streams.delete(response);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

function sendJson(response: ServerResponse, value: unknown, status = 200): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** The answer to a body over {@link MAX_BODY_BYTES}, read no further than that. */
const BODY_TOO_LARGE = {
  ok: false,
  error: {
    code: 'bad_request',
    message: `The request is over ${MAX_BODY_BYTES} bytes; for a run's inputs ${INPUTS_SIZE_LIMIT}`,
  },
};

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
