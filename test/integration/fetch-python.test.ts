import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp.js';

const exec = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../build/fetch-python.mjs');

// The packaging step that fetches the pinned Python, against a real HTTP server on 127.0.0.1
// serving real tar.gz archives (made with the system tar, as python-build-standalone's are).

/** A tar.gz shaped like an install_only build: python/bin/python3 (or python/python.exe). */
async function runtimeArchive(member: string): Promise<Buffer> {
  const root = await tempDir('scriptdesk-pbs-');
  await mkdir(path.join(root, path.dirname(member)), { recursive: true });
  await writeFile(path.join(root, member), '#!/bin/sh\necho python\n', { mode: 0o755 });
  const archive = path.join(root, 'runtime.tar.gz');
  await exec('tar', ['-czf', archive, '-C', root, 'python']);
  return readFile(archive);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Serves `files` by path; counts the requests. */
async function serve(files: Record<string, Buffer>): Promise<{ base: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    const body = files[request.url ?? ''];
    if (!body) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests };
}

async function fetchPython(args: string[]) {
  return exec(process.execPath, [SCRIPT, ...args]).then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('fetching the Python a package carries', () => {
  it('downloads each pinned runtime, checks its sha256, unpacks it, and skips it when already there', async () => {
    const linux = await runtimeArchive('python/bin/python3');
    const windows = await runtimeArchive('python/python.exe');
    const { base, requests } = await serve({ '/linux.tar.gz': linux, '/win.tar.gz': windows });
    const work = await tempDir('scriptdesk-fetch-');
    const pins = path.join(work, 'pins.json');
    await writeFile(
      pins,
      JSON.stringify({
        runtimes: {
          'linux-x64': { url: `${base}/linux.tar.gz`, sha256: sha256(linux) },
          'win-x64': { url: `${base}/win.tar.gz`, sha256: sha256(windows) },
        },
      }),
    );
    const out = path.join(work, 'python');

    const first = await fetchPython(['--pins', pins, '--out', out, 'linux-x64', 'win-x64']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/python linux-x64: \d+ bytes, sha256 verified/);
    expect(await readFile(path.join(out, 'linux-x64/python/bin/python3'), 'utf8')).toContain(
      'echo',
    );
    expect(await readdir(path.join(out, 'win-x64/python'))).toEqual(['python.exe']);
    expect((await readFile(path.join(out, 'linux-x64/.sha256'), 'utf8')).trim()).toBe(
      sha256(linux),
    );
    expect((await readdir(out)).sort()).toEqual(['linux-x64', 'win-x64']); // no staging left

    const again = await fetchPython(['--pins', pins, '--out', out, 'linux-x64']);
    expect(again.stdout).toMatch(/python linux-x64: already in/);
    expect(requests).toEqual(['/linux.tar.gz', '/win.tar.gz']);
  });

  it('refuses an archive whose sha256 is not the pinned one, and keeps the runtime it had', async () => {
    const good = await runtimeArchive('python/bin/python3');
    const tampered = Buffer.concat([good, Buffer.from('extra')]);
    const { base } = await serve({ '/good.tar.gz': good, '/tampered.tar.gz': tampered });
    const work = await tempDir('scriptdesk-fetch-');
    const out = path.join(work, 'python');
    const pins = path.join(work, 'pins.json');
    const pin = (url: string, hash: string) =>
      writeFile(pins, JSON.stringify({ runtimes: { 'linux-x64': { url, sha256: hash } } }));

    await pin(`${base}/good.tar.gz`, sha256(good));
    expect((await fetchPython(['--pins', pins, '--out', out, 'linux-x64'])).code).toBe(0);

    // The same pinned hash, but the server now answers other bytes (a replaced release).
    const otherPin = sha256(Buffer.from('another release'));
    await pin(`${base}/tampered.tar.gz`, otherPin);
    const refused = await fetchPython(['--pins', pins, '--out', out, 'linux-x64']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `fetch-python: python linux-x64: the download from ${base}/tampered.tar.gz has sha256 ${sha256(tampered)}, not the pinned ${otherPin}; refused.`,
    );
    // The previous runtime is intact and nothing half-written is left.
    expect((await readFile(path.join(out, 'linux-x64/.sha256'), 'utf8')).trim()).toBe(sha256(good));
    expect(await readdir(out)).toEqual(['linux-x64']);
  });

  it.each([
    [
      { runtimes: { 'linux-x64': { url: 'http://example.org/x.tar.gz', sha256: 'a'.repeat(64) } } },
      'linux-x64',
      /runtimes.linux-x64.url must be https/,
    ],
    [
      { runtimes: { 'linux-x64': { url: 'https://example.org/x', sha256: 'ABC' } } },
      'linux-x64',
      /runtimes.linux-x64.sha256 must be 64 lower-case hex digits/,
    ],
    [{ runtimes: {} }, 'linux-x64', /no Python is pinned for linux-x64/],
    [
      { runtimes: { 'bsd-x64': { url: 'https://example.org/x', sha256: 'a'.repeat(64) } } },
      'bsd-x64',
      /the OS part must be linux, mac or win/,
    ],
  ])(
    'refuses bad pins %j for %s, naming the field and the fix, and downloads nothing',
    async (content, target, problem) => {
      const work = await tempDir('scriptdesk-fetch-');
      const pins = path.join(work, 'pins.json');
      await writeFile(pins, JSON.stringify(content));
      const refused = await fetchPython(['--pins', pins, '--out', path.join(work, 'out'), target]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(problem);
    },
  );

  it('the committed pins cover every OS and architecture the package is built for', async () => {
    const pins = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../../build/python-runtimes.json'), 'utf8'),
    ) as { runtimes: Record<string, { url: string; sha256: string }> };
    expect(Object.keys(pins.runtimes).sort()).toEqual([
      'linux-arm64',
      'linux-x64',
      'mac-arm64',
      'mac-x64',
      'win-x64',
    ]);
    for (const pin of Object.values(pins.runtimes)) {
      expect(pin.url).toMatch(/^https:\/\/github\.com\/.+install_only_stripped\.tar\.gz$/);
      expect(pin.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
