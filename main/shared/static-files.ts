import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, brotliDecompress, constants, gunzip, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const unbrotli = promisify(brotliDecompress);
const gzipped = promisify(gzip);
const gunzipped = promisify(gunzip);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** Types worth compressing (text); images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map']);
/** Below this, a compressed body saves less than its headers cost. */
const MIN_COMPRESS_BYTES = 1024;
/** What the build names by content (`assets/index-BbRmGX5Y.js`): the name changes with the bytes. */
const CONTENT_HASHED = /^\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
/** The compressed copies the build writes beside a file (`build/compress-renderer.mjs`). */
const PRECOMPRESSED = { br: '.br', gzip: '.gz' } as const;

/** A content coding the host can send. */
export type Coding = 'br' | 'gzip';

/** One servable file of the renderer build. */
export interface StaticFile {
  /** The file's own bytes (`identity`). */
  body: Buffer;
  contentType: string;
  /** Strong validator of the identity bytes, quoted: `"<sha256, base64url>"`. */
  etag: string;
  /** Named by its content hash: cacheable for a year. Everything else is revalidated. */
  immutable: boolean;
  /** Whether a compressed copy is worth sending at all. */
  compressible: boolean;
  /** Compressed copies: from the build, or made on first request and kept. */
  encoded: Partial<Record<Coding, Promise<Buffer | null>>>;
}

/**
 * Indexes the renderer build once at start: only files found here can ever be served, so no
 * request path is ever joined onto the file system. `.br`/`.gz` copies the build wrote are not
 * files of their own but encodings of the file beside them, used only when they decompress to
 * exactly its bytes (a stale or damaged copy is ignored, and the file compressed afresh).
 */
export async function indexStaticFiles(root: string): Promise<Map<string, StaticFile>> {
  const found = new Map<string, Buffer>();
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) found.set(`/${name}`, await readFile(path.join(root, name)));
    }
  };
  try {
    await walk('');
  } catch (error) {
    throw new Error(
      `the app's user interface is not built (${root}: ${(error as NodeJS.ErrnoException).code}); run "npm run build" first`,
      { cause: error },
    );
  }
  if (!found.has('/index.html'))
    throw new Error(`${root} has no index.html; run "npm run build" first`);

  const copies = new Set(
    [...found.keys()].filter((name) =>
      Object.values(PRECOMPRESSED).some(
        (suffix) => name.endsWith(suffix) && found.has(name.slice(0, -suffix.length)),
      ),
    ),
  );
  const files = new Map<string, StaticFile>();
  for (const [name, body] of found) {
    if (copies.has(name)) continue;
    const extension = path.extname(name).toLowerCase();
    const file: StaticFile = {
      body,
      contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
      immutable: CONTENT_HASHED.test(name),
      compressible: COMPRESSIBLE.has(extension) && body.length >= MIN_COMPRESS_BYTES,
      encoded: {},
    };
    if (file.compressible) {
      for (const coding of ['br', 'gzip'] as const) {
        const copy = found.get(name + PRECOMPRESSED[coding]);
        if (copy && (await decodesTo(coding, copy, body)))
          file.encoded[coding] = Promise.resolve(copy);
      }
    }
    files.set(name, file);
  }
  return files;
}

async function decodesTo(coding: Coding, copy: Buffer, body: Buffer): Promise<boolean> {
  try {
    const decoded = coding === 'br' ? await unbrotli(copy) : await gunzipped(copy);
    return decoded.equals(body);
  } catch {
    return false;
  }
}

/**
 * The coding to send `file` in for a request's `Accept-Encoding`: the one the client weighs
 * highest (brotli before gzip on a tie), or null for the file's own bytes. `q=0` refuses a coding.
 */
export function chooseCoding(file: StaticFile, acceptEncoding: string | undefined): Coding | null {
  if (!file.compressible || !acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [coding = '', ...parameters] = part.split(';').map((item) => item.trim().toLowerCase());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (coding && Number.isFinite(weight)) weights.set(coding, weight);
  }
  const weightOf = (coding: Coding) => weights.get(coding) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const)
    .filter((coding) => weightOf(coding) > 0)
    .sort((a, b) => weightOf(b) - weightOf(a));
  return best[0] ?? null;
}

/**
 * The file's bytes in `coding`, compressed on first use and kept (null when compressing does not
 * make it smaller). Build output normally carries its copies, so this is the fallback.
 */
export function encodedBody(file: StaticFile, coding: Coding): Promise<Buffer | null> {
  file.encoded[coding] ??= (
    coding === 'br'
      ? brotli(file.body, {
          // Quality 5: close to the best for code at a small fraction of its time.
          params: { [constants.BROTLI_PARAM_QUALITY]: 5 },
        })
      : gzipped(file.body, { level: 6 })
  ).then(
    (compressed) => (compressed.length < file.body.length ? compressed : null),
    () => null,
  );
  return file.encoded[coding];
}

/** The strong ETag of one representation: each coding's bytes differ, so each has its own tag. */
export function etagFor(file: StaticFile, coding: Coding | null): string {
  return coding ? `${file.etag.slice(0, -1)}-${coding}"` : file.etag;
}

/**
 * Whether an `If-None-Match` header names the file as the client has it: any representation's
 * tag (all hold the same content), `W/` ignored as RFC 9110 asks for this header, or `*`.
 */
export function isNotModified(file: StaticFile, ifNoneMatch: string | undefined): boolean {
  if (!ifNoneMatch) return false;
  const current = new Set([file.etag, etagFor(file, 'br'), etagFor(file, 'gzip')]);
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || current.has(tag));
}

/**
 * Answers a GET or HEAD with an indexed file: the page's CSP, no framing, compressed when the
 * client accepts it (`Vary` says so to caches). Content-hashed assets are cached for a year;
 * everything else (index.html) is revalidated by its strong ETag and answered with 304 while
 * unchanged.
 */
export async function sendStaticFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: StaticFile,
  csp: string,
): Promise<void> {
  response.setHeader('Content-Security-Policy', csp);
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader(
    'Cache-Control',
    file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  response.setHeader('Vary', 'Accept-Encoding');
  const coding = chooseCoding(file, request.headers['accept-encoding']);
  const encoded = coding ? await encodedBody(file, coding) : null;
  const sent = encoded ? coding : null;
  response.setHeader('ETag', etagFor(file, sent));
  if (isNotModified(file, request.headers['if-none-match'])) {
    response.writeHead(304);
    return void response.end();
  }
  const body = encoded ?? file.body;
  response.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': body.length,
    ...(sent ? { 'Content-Encoding': sent } : {}),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
