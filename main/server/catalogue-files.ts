import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { sha256Handle } from '../shared/hashing.js';
import { openRegularFileOrRefusal } from '../shared/regular-file.js';

/** Handles a request if its path is one of the handler's routes; false lets the next one try. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** How one kind of published file is served. */
interface CatalogueFile {
  /** Path inside the root, built only from validated pieces. */
  segments: string[];
  contentType: string;
  cacheControl: string;
  /** The blob's hex name, or undefined when the ETag must be hashed from the bytes. */
  knownSha256?: string;
}

const NO_CACHE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const BLOB_PATH = /^\/blobs\/sha256\/([0-9a-f]{64})$/;
const ALLOW = 'GET, HEAD';
/** Errors a response stream fails with when the client hung up. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE']);
/**
 * A digest is cached only for files whose mtime is at least this old when hashed. A newer
 * file could share (dev, ino, size, mtime) with its successor on a file system with coarse
 * timestamps once its inode is reused, and a stale ETag would make clients miss a publish.
 */
const SETTLED_MS = 3_000;

/**
 * Serves a published catalogue folder — `catalogue.json`, `catalogue.sig` and
 * `blobs/sha256/<hex>` — with strong ETags, conditional GETs and streamed bodies. Every request
 * opens its file by path, because publishing swaps the whole folder in with a rename.
 */
export function createCatalogueFilesHandler(root: string): RouteHandler {
  const digests = new Map<string, { stamp: string; sha256: string }>();

  async function etagOf(file: CatalogueFile, handle: FileHandle, stats: Stats): Promise<string> {
    if (file.knownSha256) return `"${file.knownSha256}"`;
    const name = file.segments.join('/');
    const stamp = `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`;
    const cached = digests.get(name);
    if (cached?.stamp === stamp) return `"${cached.sha256}"`;
    const { sha256 } = await sha256Handle(handle);
    if (Date.now() - stats.mtimeMs >= SETTLED_MS) digests.set(name, { stamp, sha256 });
    return `"${sha256}"`;
  }

  return async (request, response) => {
    const file = routeOf(request.url ?? '');
    if (!file) return false;
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'method not allowed', { Allow: ALLOW });
      return true;
    }
    // The final path component is never followed as a symlink, and only a regular file is
    // served: only files that are really in the published folder.
    const opened = await openRegularFileOrRefusal(path.join(root, ...file.segments));
    if ('refused' in opened) {
      sendText(response, 404, 'not found');
      return true;
    }
    const { handle, stats } = opened;
    try {
      const etag = await etagOf(file, handle, stats);
      response.setHeader('ETag', etag);
      response.setHeader('Cache-Control', file.cacheControl);
      if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
        response.writeHead(304).end();
        return true;
      }
      response.setHeader('Content-Type', file.contentType);
      response.setHeader('Content-Length', stats.size);
      response.writeHead(200);
      if (request.method === 'HEAD' || stats.size === 0) {
        response.end();
        return true;
      }
      await streamBody(handle, stats.size, response);
      return true;
    } finally {
      // Usually already closed by the read stream; closing twice is harmless.
      await handle.close();
    }
  };
}

/** The served file a raw request target names, or undefined. Encoded characters never match. */
function routeOf(target: string): CatalogueFile | undefined {
  const query = target.indexOf('?');
  const pathname = query === -1 ? target : target.slice(0, query);
  if (pathname === '/catalogue.json' || pathname === '/catalogue.sig') {
    return {
      segments: [pathname.slice(1)],
      contentType: 'application/json',
      cacheControl: NO_CACHE,
    };
  }
  const blob = BLOB_PATH.exec(pathname);
  if (!blob) return undefined;
  return {
    segments: ['blobs', 'sha256', blob[1]!],
    contentType: 'application/octet-stream',
    cacheControl: IMMUTABLE,
    knownSha256: blob[1]!,
  };
}

/** Streams exactly `size` bytes; a client hanging up mid-way is not an error. */
async function streamBody(handle: FileHandle, size: number, response: ServerResponse) {
  try {
    await pipeline(handle.createReadStream({ start: 0, end: size - 1 }), response);
  } catch (error) {
    if (CLIENT_GONE.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
}

/** RFC 9110 If-None-Match with weak comparison: `*` or any listed tag equal to ours. */
function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

function sendText(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.writeHead(status).end(body);
}
