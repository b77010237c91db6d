import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  gunzipSync,
  gzipSync,
} from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../main/host/web-host.js';

// A renderer build of our own: an entry script big enough to compress, its build-time brotli
// copy (at the best quality, so its bytes differ from what the host would make itself), a gzip
// copy that decodes to other bytes (stale), a small icon, and index.html.
const ENTRY = '/assets/index-AbCd1234.js';
const CHUNK = '/assets/form-Zx_9-8yQ.js';
const entryBody = Buffer.from(
  Array.from({ length: 400 }, (_, i) => `export const value${i} = ${i} * 2; // line ${i}\n`).join(
    '',
  ),
);
const chunkBody = Buffer.from(`export const form = ${JSON.stringify('field '.repeat(600))};\n`);
const html = `<!doctype html><title>fixture</title><script type="module" src=".${ENTRY}"></script>${'<!-- padding -->'.repeat(80)}`;
const icon = '<svg xmlns="http://www.w3.org/2000/svg"/>';
const entryBrotli = brotliCompressSync(entryBody, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
});

let root: string;
let host: WebHost | undefined;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'scriptdesk-static-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), html);
  writeFileSync(path.join(root, 'favicon.svg'), icon);
  writeFileSync(path.join(root, ENTRY), entryBody);
  writeFileSync(path.join(root, `${ENTRY}.br`), entryBrotli);
  writeFileSync(path.join(root, `${ENTRY}.gz`), gzipSync(Buffer.from('an older build')));
  writeFileSync(path.join(root, CHUNK), chunkBody);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function start(): Promise<WebHost> {
  host = await startWebHost({
    dispatch: async () => ({ ok: true, value: {} }),
    subscribe: () => () => {},
    rendererDir: root,
  });
  return host;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET (or HEAD) over real HTTP with exactly these headers; the body as the bytes sent. */
function get(
  target: string,
  headers: Record<string, string> = {},
  method: 'GET' | 'HEAD' = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: host!.port, path: target, method, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function decoded(answer: Answer): Buffer {
  switch (answer.headers['content-encoding']) {
    case 'br':
      return brotliDecompressSync(answer.body);
    case 'gzip':
      return gunzipSync(answer.body);
    case undefined:
      return answer.body;
    default:
      throw new Error(`unexpected Content-Encoding ${answer.headers['content-encoding']}`);
  }
}

function expectSecurityHeaders(answer: Answer): void {
  expect(String(answer.headers['content-security-policy'])).toContain("script-src 'self';");
  expect(String(answer.headers['content-security-policy'])).not.toContain('unsafe-eval');
  expect(answer.headers['x-frame-options']).toBe('DENY');
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['referrer-policy']).toBe('no-referrer');
}

describe('web host static files: compression', () => {
  it('sends brotli to a browser that accepts it, using the build-time copy, with Vary and every security header', async () => {
    await start();
    const answer = await get(ENTRY, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(answer.headers.vary).toBe('Accept-Encoding');
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(answer.headers['content-length'])).toBe(entryBrotli.length);
    expect(answer.body.equals(entryBrotli)).toBe(true);
    expect(decoded(answer).equals(entryBody)).toBe(true);
    expect(answer.body.length).toBeLessThan(entryBody.length / 3);
    expectSecurityHeaders(answer);
  });

  it('ignores a build-time copy that decodes to other bytes and compresses the file itself', async () => {
    await start();
    const answer = await get(ENTRY, { 'Accept-Encoding': 'gzip' });
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(decoded(answer).equals(entryBody)).toBe(true);
    // The copies are encodings of their file, never files of their own.
    expect((await get(`${ENTRY}.gz`)).status).toBe(404);
    expect((await get(`${ENTRY}.br`)).status).toBe(404);
  });

  it('compresses a file without a build-time copy once, and sends the same bytes each time', async () => {
    await start();
    const first = await get(CHUNK, { 'Accept-Encoding': 'br' });
    const second = await get(CHUNK, { 'Accept-Encoding': 'br' });
    expect(first.headers['content-encoding']).toBe('br');
    expect(decoded(first).equals(chunkBody)).toBe(true);
    expect(second.body.equals(first.body)).toBe(true);
  });

  it('follows the weights of Accept-Encoding: q=0 refuses, the highest wins, * counts, none means the plain bytes', async () => {
    await start();
    const cases: [string | undefined, string | undefined][] = [
      [undefined, undefined],
      ['identity', undefined],
      ['br;q=0, gzip;q=0', undefined],
      ['gzip', 'gzip'],
      ['GZIP;q=0.8, br;q=0.4', 'gzip'],
      ['gzip;q=0.5, br;q=0.5', 'br'],
      ['*;q=0.5', 'br'],
      ['*, br;q=0', 'gzip'],
      ['deflate, zstd', undefined],
    ];
    for (const [accept, expected] of cases) {
      const answer = await get(ENTRY, accept === undefined ? {} : { 'Accept-Encoding': accept });
      expect([accept, answer.headers['content-encoding']]).toEqual([accept, expected]);
      expect(decoded(answer).equals(entryBody)).toBe(true);
      expect(answer.headers.vary).toBe('Accept-Encoding');
    }
  });

  it('sends a file under 1 KB as it is, even to a client that accepts brotli', async () => {
    await start();
    const answer = await get('/favicon.svg', { 'Accept-Encoding': 'br, gzip' });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body.toString()).toBe(icon);
  });

  it('answers HEAD with the headers and length of the compressed body and no body', async () => {
    await start();
    const answer = await get(ENTRY, { 'Accept-Encoding': 'br' }, 'HEAD');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('br');
    expect(Number(answer.headers['content-length'])).toBe(entryBrotli.length);
    expect(answer.body.length).toBe(0);
  });
});

describe('web host static files: caching', () => {
  it('lets browsers keep content-hashed assets for a year without asking again', async () => {
    await start();
    for (const target of [ENTRY, CHUNK]) {
      const answer = await get(target, { 'Accept-Encoding': 'br' });
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('makes browsers revalidate index.html and files not named by their hash, by a strong ETag', async () => {
    await start();
    for (const target of ['/', '/index.html', '/favicon.svg']) {
      const answer = await get(target);
      expect(answer.status).toBe(200);
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    }
  });

  it('gives each encoding its own ETag, and answers 304 with no body to any tag of the unchanged file', async () => {
    await start();
    const plain = await get('/', {});
    const brotli = await get('/', { 'Accept-Encoding': 'br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers.etag).not.toBe(plain.headers.etag);
    expect(brotli.headers.etag).toBe(`${plain.headers.etag!.slice(0, -1)}-br"`);

    for (const tag of [
      brotli.headers.etag!,
      plain.headers.etag!,
      `W/${plain.headers.etag!}`,
      `"somethingelse", ${brotli.headers.etag!}`,
      '*',
    ]) {
      const again = await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': tag });
      expect([tag, again.status]).toEqual([tag, 304]);
      expect(again.body.length).toBe(0);
      expect(again.headers.etag).toBe(brotli.headers.etag);
      expect(again.headers['cache-control']).toBe('no-cache');
      expect(again.headers.vary).toBe('Accept-Encoding');
      expectSecurityHeaders(again);
    }
  });

  it('sends the whole file again when the ETag the client holds is another one', async () => {
    await start();
    for (const tag of ['"an-older-build"', 'W/"x"', '']) {
      const answer = await get('/', { 'If-None-Match': tag });
      expect(answer.status).toBe(200);
      expect(answer.body.toString()).toBe(html);
    }
  });

  it('still serves nothing outside the build, compressed or not', async () => {
    await start();
    for (const probe of [
      '/../package.json',
      '/assets/../../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/index-AbCd1234.js/..%2f..%2fpackage.json',
      '/assets/missing-AbCd1234.js',
    ]) {
      const answer = await get(probe, { 'Accept-Encoding': 'br, gzip' });
      expect([probe, answer.status]).toEqual([probe, 404]);
    }
    expect((await get(ENTRY, {}, 'GET')).status).toBe(200);
  });
});
