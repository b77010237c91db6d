import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, readlink, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../main/cli/cli-error.js';
import { terminalOutput } from '../../main/cli/terminal-output.js';
import { serverCommand } from '../../main/cli/server-command.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { startServer, type CatalogueServer } from '../../main/server/server.js';
import { FIXTURE_SOURCE, publish } from '../support/catalogue.js';
import { rawRequest } from '../support/http.js';
import { waitFor } from '../support/runs.js';
import { tempDir } from '../support/temp.js';

let server: CatalogueServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(
  root: string,
  extra: { verbose?: boolean; log?: (line: string) => void } = {},
) {
  server = await startServer({ root, port: 0, ...extra });
  return server;
}

/** A published fixture catalogue and a server on it. */
async function servedCatalogue(log?: (line: string) => void) {
  const published = await publish();
  const running = await serve(published.published, { log });
  const blobSha256 = published.document.scripts[0]!.files[0]!.sha256;
  return { ...published, server: running, blobSha256 };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A request with the exact target given: fetch would normalise `..` and `%2e%2e` away. */
const raw = (port: number, target: string, method = 'GET') =>
  rawRequest(port, { path: target, method });

/** File descriptors of this process that point at `file` (Linux only; elsewhere none are seen). */
async function openDescriptorsOf(file: string): Promise<number> {
  const target = await realpath(file);
  let entries: string[];
  try {
    entries = await readdir('/proc/self/fd');
  } catch {
    return 0;
  }
  const links = await Promise.all(
    entries.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return links.filter((link) => link === target).length;
}

describe('catalogue server', () => {
  it('serves catalogue.json with a strong ETag equal to the sha256 of its bytes and no-cache', async () => {
    const { server: s, published } = await servedCatalogue();
    const bytes = await readFile(path.join(published, 'catalogue.json'));
    const response = await fetch(`${s.url}/catalogue.json`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves catalogue.sig with a strong ETag equal to the sha256 of its bytes and no-cache', async () => {
    const { server: s, published } = await servedCatalogue();
    const bytes = await readFile(path.join(published, 'catalogue.sig'));
    const response = await fetch(`${s.url}/catalogue.sig?cache-buster=1`);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('cache-control')).toBe('no-cache');
  });

  it('serves a blob as immutable octets whose ETag is its content hash', async () => {
    const { server: s, published, blobSha256 } = await servedCatalogue();
    const bytes = await readFile(path.join(published, 'blobs', 'sha256', blobSha256));
    const response = await fetch(`${s.url}/blobs/sha256/${blobSha256}`);
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(sha256(body)).toBe(blobSha256);
    expect(response.headers.get('etag')).toBe(`"${blobSha256}"`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers If-None-Match with a matching, weak, listed or * tag with 304 and an empty body', async () => {
    const { server: s, blobSha256 } = await servedCatalogue();
    for (const target of ['/catalogue.json', '/catalogue.sig', `/blobs/sha256/${blobSha256}`]) {
      const etag = (await fetch(`${s.url}${target}`)).headers.get('etag')!;
      for (const condition of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
        const response = await fetch(`${s.url}${target}`, {
          headers: { 'If-None-Match': condition },
        });
        expect(response.status).toBe(304);
        expect(response.headers.get('etag')).toBe(etag);
        expect(await response.text()).toBe('');
      }
      const changed = await fetch(`${s.url}${target}`, { headers: { 'If-None-Match': '"old"' } });
      expect(changed.status).toBe(200);
    }
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const { server: s, published } = await servedCatalogue();
    const bytes = await readFile(path.join(published, 'catalogue.json'));
    const response = await fetch(`${s.url}/catalogue.json`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('');
  });

  it('serves a new publish into the same folder with a new ETag, without a restart', async () => {
    const { server: s, published, keys } = await servedCatalogue();
    const first = await fetch(`${s.url}/catalogue.json`);
    const firstEtag = first.headers.get('etag');
    expect(((await first.json()) as { version: number }).version).toBe(1);

    await publishCatalogue({
      sourceDir: FIXTURE_SOURCE,
      keyFile: keys.privateKeyFile,
      outDir: published,
      validForMs: 86_400_000,
    });
    const bytes = await readFile(path.join(published, 'catalogue.json'));
    const second = await fetch(`${s.url}/catalogue.json`, {
      headers: { 'If-None-Match': firstEtag! },
    });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
    expect(second.headers.get('etag')).not.toBe(firstEtag);
    expect(((await second.json()) as { version: number }).version).toBe(2);
  });

  it('answers 404 to traversal, encoded, upper-case, malformed and unlisted names, never with content', async () => {
    const { server: s, published, blobSha256 } = await servedCatalogue();
    await writeFile(path.join(published, 'secret.txt'), 'top secret');
    const folderNamedLikeABlob = 'a'.repeat(64);
    await mkdir(path.join(published, 'blobs', 'sha256', folderNamedLikeABlob));
    const catalogue = await readFile(path.join(published, 'catalogue.json'), 'utf8');
    for (const target of [
      '/blobs/sha256/..%2f..%2fcatalogue.json',
      '/../etc/passwd',
      '/blobs/sha256/%2e%2e',
      '/blobs/sha256/../../catalogue.json',
      '/blobs/sha256/not-a-hash',
      `/blobs/sha256/${blobSha256.toUpperCase()}`,
      `/blobs/sha256/${blobSha256}0`,
      `/blobs/sha256/${blobSha256}/`,
      `/blobs/sha256%2f${blobSha256}`,
      `/blobs/sha256/${folderNamedLikeABlob}`,
      '/blobs/sha256/',
      '/blobs/',
      '/',
      '/secret.txt',
      '/catalogue%2ejson',
      '//catalogue.json',
    ]) {
      const response = await raw(s.port, target);
      expect({ target, status: response.status }).toEqual({ target, status: 404 });
      expect(response.body).not.toContain('top secret');
      expect(response.body).not.toContain(catalogue.slice(0, 40));
    }
  });

  it('answers 405 with Allow: GET, HEAD to other methods on catalogue paths', async () => {
    const { server: s, blobSha256 } = await servedCatalogue();
    for (const [method, target] of [
      ['POST', '/catalogue.json'],
      ['PUT', '/catalogue.sig'],
      ['DELETE', `/blobs/sha256/${blobSha256}`],
    ] as const) {
      const response = await raw(s.port, target, method);
      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
    }
  });

  it('answers 404 with a short text body to a blob that is not in the folder', async () => {
    const { server: s } = await servedCatalogue();
    const response = await fetch(`${s.url}/blobs/sha256/${'0'.repeat(64)}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('not found');
  });

  it('answers 404 to paths no route serves, such as the audit endpoint before it exists', async () => {
    const { server: s } = await servedCatalogue();
    expect((await fetch(`${s.url}/v1/events`, { method: 'POST', body: '[]' })).status).toBe(404);
  });

  it('survives a client that aborts mid-download of a large blob, closes the file and serves the next request', async () => {
    const errors: string[] = [];
    const { server: s, published } = await servedCatalogue((line) => errors.push(line));
    const large = Buffer.alloc(50 * 1024 * 1024, 'scriptdesk ');
    const hex = sha256(large);
    const blobFile = path.join(published, 'blobs', 'sha256', hex);
    await writeFile(blobFile, large);

    const controller = new AbortController();
    const response = await fetch(`${s.url}/blobs/sha256/${hex}`, { signal: controller.signal });
    expect(response.headers.get('content-length')).toBe(String(large.length));
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();

    await waitFor(
      async () => (await openDescriptorsOf(blobFile)) === 0,
      'the server to close the blob file',
    );
    const next = await fetch(`${s.url}/catalogue.json`);
    expect(next.status).toBe(200);
    expect(((await next.json()) as { version: number }).version).toBe(1);
    expect(errors).toEqual([]);
  });

  it('logs one access line per request only when verbose', async () => {
    const { published } = await publish();
    const quiet: string[] = [];
    const q = await serve(published, { log: (line) => quiet.push(line) });
    await (await fetch(`${q.url}/catalogue.json`)).arrayBuffer();
    await q.close();
    server = undefined;
    expect(quiet).toEqual([]);

    const lines: string[] = [];
    const v = await serve(published, { verbose: true, log: (line) => lines.push(line) });
    const size = (await readFile(path.join(published, 'catalogue.json'))).length;
    await (await fetch(`${v.url}/catalogue.json?x=1`)).arrayBuffer();
    await (await fetch(`${v.url}/nothing`)).arrayBuffer();
    // A line is written when its response has closed, which may be just after the client read it.
    await waitFor(() => lines.length >= 2, 'both access lines');
    expect(lines).toEqual([`GET /catalogue.json 200 ${size}`, 'GET /nothing 404 9']);
  });

  it('refuses to start on a folder without catalogue.json, naming the folder and the fix', async () => {
    const empty = await tempDir('scriptdesk-empty-');
    await expect(startServer({ root: empty })).rejects.toThrow(
      `${empty} has no catalogue.json; point --root at the folder written by scriptdesk catalogue build`,
    );
    const missing = path.join(empty, 'missing');
    await expect(startServer({ root: missing })).rejects.toThrow(`${missing} does not exist`);
  });
});

describe('scriptdesk server command', () => {
  it('prints the folder and address it serves, and stops on SIGINT', async () => {
    const { published } = await publish();
    const listenersBefore = process.listenerCount('SIGINT');
    const lines: string[] = [];
    let announced: () => void = () => {};
    const serving = new Promise<void>((resolve) => (announced = resolve));
    const running = serverCommand(
      { root: published, port: '0', host: '127.0.0.1' },
      terminalOutput((line) => {
        lines.push(line);
        announced();
      }),
    );
    await serving;
    const url = /^Serving catalogue from (.+) at (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!);
    expect(url?.[1]).toBe(published);
    expect((await fetch(`${url![2]}/catalogue.sig`)).status).toBe(200);

    process.emit('SIGINT');
    await running;
    expect(process.listenerCount('SIGINT')).toBe(listenersBefore);
    await expect(fetch(`${url![2]}/catalogue.sig`)).rejects.toThrow();
  });

  it('rejects a --port that is not a whole number from 0 to 65535 as a usage error', async () => {
    const { published } = await publish();
    for (const port of ['x', '', '-1', '65536', '80.5', '1e3']) {
      const attempt = serverCommand(
        { root: published, port, host: '127.0.0.1' },
        terminalOutput(() => {}),
      );
      await expect(attempt).rejects.toThrow(CliError);
      await expect(attempt).rejects.toMatchObject({ exitCode: 2 });
    }
  });

  it('reports a folder without catalogue.json as a one-line CLI error', async () => {
    const empty = await tempDir('scriptdesk-empty-');
    await expect(
      serverCommand(
        { root: empty, port: '0', host: '127.0.0.1' },
        terminalOutput(() => {}),
      ),
    ).rejects.toMatchObject({
      name: 'CliError',
      exitCode: 1,
      message: expect.stringContaining(`${empty} has no catalogue.json`) as unknown,
    });
  });
});
