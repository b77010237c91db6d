import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncStateFile } from '../../main/catalogue/sync-state.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { copySource, flipByte, REPO } from '../support/catalogue.js';
import { BIN, scriptdesk } from '../support/cli.js';
import { evilWheel, pinWheel } from '../support/hostile-wheels.js';
import { tempDir } from '../support/temp.js';

const servers: ChildProcess[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.kill('SIGTERM');
});

/** Starts `scriptdesk server --root DIR --port 0` as its own process and returns its URL. */
async function serve(root: string): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'server', '--root', root, '--port', '0'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  servers.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    const match = /^Serving catalogue from .* at (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
    if (match) return { url: match[1]!, process: child };
  }
  throw new Error('scriptdesk server exited before it printed its address');
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function keysIn(home: string) {
  const dir = await tempDir('scriptdesk-cli-keys-');
  expect((await scriptdesk(home, ['keygen', '--out', dir])).code).toBe(0);
  return {
    key: path.join(dir, 'catalogue-signing.key'),
    pub: path.join(dir, 'catalogue-signing.pub'),
  };
}

describe('scriptdesk server, sync by URL, and offline use', () => {
  it('syncs from a URL, then keeps listing from the last good catalogue with the server stopped, and refuses runs once it expired', async () => {
    const home = await tempDir('scriptdesk-cli-home-');
    const keys = await keysIn(home);
    const published = path.join(await tempDir(), 'published');
    const { document } = await publishCatalogue({
      sourceDir: await copySource(),
      keyFile: keys.key,
      outDir: published,
      validForMs: 86_400_000,
    });
    const server = await serve(published);

    const sync = await scriptdesk(home, ['sync', '--from', server.url, '--pubkey', keys.pub]);
    expect(sync.stderr).toBe('');
    expect(sync.stdout).toMatch(
      /Installed catalogue "Test catalogue" version 1 \(first install\); 15 files fetched/,
    );
    // The source is remembered: a later sync needs no options and makes one conditional request.
    expect((await scriptdesk(home, ['sync'])).stdout).toMatch(/version 1 is up to date/);

    await stopped(server.process);
    const offline = await scriptdesk(home, ['sync']);
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(
      /sync refused \(unreachable\): cannot reach http:\/\/127\.0\.0\.1:\d+\/catalogue\.json \(ECONNREFUSED\); the previous catalogue stays in use/,
    );
    const list = await scriptdesk(home, ['list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^probe\s+2\.1\.0\s+Probe/m);

    // A day later: the device has seen a time after the expiry (what its clock would say then),
    // so the test never waits for the real clock to get there.
    const trustedTime = new Date(Date.parse(document.expires) + 60_000).toISOString();
    await new SyncStateFile(path.join(home, 'catalogue')).update((state) => ({
      ...state,
      latestTimeSeen: trustedTime,
    }));
    const expiredList = await scriptdesk(home, ['list']);
    expect(expiredList.stdout).toMatch(/^probe/m);
    expect(expiredList.stderr).toMatch(
      /Warning: catalogue version 1 expired on .*; runs are blocked/,
    );
    const inputs = path.join(await tempDir(), 'inputs.json');
    await writeFile(inputs, JSON.stringify({ markerDir: await tempDir(), mode: 'ok' }));
    const run = await scriptdesk(home, ['run', 'probe', '--inputs', inputs]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Runs are blocked: catalogue version 1 expired on/);
    expect(run.stderr).not.toMatch(/Run .* started/);
  });

  it('catalogue verify checks a URL and names every damaged blob', async () => {
    const home = await tempDir('scriptdesk-cli-home-');
    const keys = await keysIn(home);
    const published = path.join(await tempDir(), 'published');
    const { document } = await publishCatalogue({
      sourceDir: await copySource(),
      keyFile: keys.key,
      outDir: published,
      validForMs: 86_400_000,
    });
    const server = await serve(published);
    const ok = await scriptdesk(home, ['catalogue', 'verify', server.url, '--pubkey', keys.pub]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^OK: catalogue "Test catalogue" version 1 for audience "tests", signed by [0-9a-f]{16}, 3 scripts, 15 blobs verified/,
    );

    const main = document.scripts
      .find((s) => s.manifest.id === 'probe')!
      .files.find((f) => f.path === 'main.py')!;
    await flipByte(path.join(published, 'blobs', 'sha256', main.sha256));
    const damaged = await scriptdesk(home, [
      'catalogue',
      'verify',
      server.url,
      '--pubkey',
      keys.pub,
    ]);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(
      `DAMAGED probe/main.py (blobs/sha256/${main.sha256}): content does not match its signed hash`,
    );
    expect(damaged.stderr.trim()).toMatch(/1 of 15 blobs are missing or damaged; publish again/);
  });

  it('catalogue verify refuses a catalogue signed by another key, naming both keys', async () => {
    const home = await tempDir('scriptdesk-cli-home-');
    const keys = await keysIn(home);
    const other = await keysIn(home);
    const published = path.join(await tempDir(), 'published');
    await publishCatalogue({
      sourceDir: await copySource(),
      keyFile: keys.key,
      outDir: published,
      validForMs: 86_400_000,
    });
    const result = await scriptdesk(home, [
      'catalogue',
      'verify',
      published,
      '--pubkey',
      other.pub,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /signed by key [0-9a-f]{16}, which this device does not trust \(trusted: [0-9a-f]{16}\)/,
    );
  });
});

describe('scriptdesk catalogue build refuses a broken source', () => {
  const broken: [string, (src: string) => Promise<void>, RegExp][] = [
    [
      'an unapproved package',
      (src) =>
        writeFile(
          path.join(src, 'scripts/probe/requirements.lock'),
          `requests==2.0.0 --hash=sha256:${'a'.repeat(64)}\n`,
        ),
      /requirements\.lock: line 1: package requests is not on the approved list in catalogue\.json \(script probe\); ask for approval or remove it$/,
    ],
    [
      'a lock hash no wheel has',
      async (src) => {
        const file = path.join(src, 'catalogue.json');
        const catalogue = JSON.parse(await readFile(file, 'utf8'));
        catalogue.approvedPackages = { loancalc: ['1.0.0'] };
        await writeFile(file, JSON.stringify(catalogue));
        await writeFile(
          path.join(src, 'scripts/probe/requirements.lock'),
          `loancalc==1.0.0 --hash=sha256:${'b'.repeat(64)}\n`,
        );
      },
      /requirements\.lock: line 1: no wheel in wheels\/ has the hash given for loancalc==1\.0\.0; add the wheel or correct the hash$/,
    ],
    [
      'a schema with a remote $ref',
      async (src) => {
        const file = path.join(src, 'scripts/probe/form.schema.json');
        const schema = JSON.parse(await readFile(file, 'utf8'));
        schema.properties.remote = { $ref: 'https://example.com/s.json' };
        await writeFile(file, JSON.stringify(schema));
      },
      /form\.schema\.json: \/properties\/remote\/\$ref: "https:\/\/example\.com\/s\.json" points outside the schema; only local "#\/\.\.\." references are allowed$/,
    ],
    [
      'an invalid default',
      async (src) => {
        const file = path.join(src, 'scripts/probe/form.schema.json');
        const schema = JSON.parse(await readFile(file, 'utf8'));
        schema.properties.count.default = 50;
        await writeFile(file, JSON.stringify(schema));
      },
      /form\.schema\.json: \/properties\/count\/default: the default is refused by its own schema: Count must be at most 10; fix the "default"$/,
    ],
    [
      'an x-error keyed by a word that is not a keyword',
      async (src) => {
        const file = path.join(src, 'scripts/probe/form.schema.json');
        const schema = JSON.parse(await readFile(file, 'utf8'));
        schema.properties.count['x-error'] = { maximun: 'At most 10 copies' };
        await writeFile(file, JSON.stringify(schema));
      },
      /form\.schema\.json: \/properties\/count\/x-error\/maximun: "maximun" is not a keyword whose problems are worded; use one of required, dependencies, .*, maximum, .*$/,
    ],
    [
      'a python specifier that cannot be read',
      async (src) => {
        const file = path.join(src, 'scripts/probe/script.json');
        const manifest = JSON.parse(await readFile(file, 'utf8'));
        manifest.python = '3.9+';
        await writeFile(file, JSON.stringify(manifest));
      },
      /script\.json: field `python` cannot be read: "3\.9\+" does not start with one of >=, <=, >, <, ==, !=, ~=; write a version specifier like ">=3\.9" or ">=3\.9, <3\.13" \(or "" for any\)$/,
    ],
    [
      'an argv template naming an input the form does not have',
      async (src) => {
        const file = path.join(src, 'scripts/argparse-probe/script.json');
        const manifest = JSON.parse(await readFile(file, 'utf8'));
        manifest.args.push({ flag: '--missing', input: 'missing' });
        await writeFile(file, JSON.stringify(manifest));
      },
      /script\.json: field `args\.6` names the input "missing", which form\.schema\.json does not declare; use one of its top-level properties$/,
    ],
    [
      'a malformed script.json',
      async (src) => {
        const file = path.join(src, 'scripts/probe/script.json');
        const manifest = JSON.parse(await readFile(file, 'utf8'));
        manifest.timeoutSeconds = 'soon';
        await writeFile(file, JSON.stringify(manifest));
      },
      /script\.json: field `timeoutSeconds` expected number, received string; correct that field \(.*scriptdesk catalogue schemas --out DIR\)$/,
    ],
    [
      'a zip-bomb wheel (2 MiB of zeros in 2 KiB)',
      async (src) => {
        await pinWheel(src, evilWheel([{ name: 'evil/zeros.bin', data: Buffer.alloc(2 << 20) }]));
      },
      /wheels\/evil-1\.0\.0-py3-none-any\.whl: member evil\/zeros\.bin expands 1024 times, from 2\.0 KiB to 2 MiB \(limit 200 times for members over 1 MiB\)\. Rebuild the wheel; if that file really is so repetitive, store it uncompressed\.$/,
    ],
  ];

  it.each(broken)(
    'refuses %s with one line naming the file, field and fix, exit 1, and --out untouched',
    async (_name, breakIt, message) => {
      const home = await tempDir('scriptdesk-cli-home-');
      const keys = await keysIn(home);
      const out = path.join(await tempDir(), 'published');
      const good = await scriptdesk(home, [
        'catalogue',
        'build',
        await copySource(),
        '--key',
        keys.key,
        '--out',
        out,
      ]);
      expect(good.code).toBe(0);
      const before = await readFile(path.join(out, 'catalogue.json'));
      const src = await copySource();
      await breakIt(src);
      const result = await scriptdesk(home, [
        'catalogue',
        'build',
        src,
        '--key',
        keys.key,
        '--out',
        out,
      ]);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).toContain(src);
      expect(await readFile(path.join(out, 'catalogue.json'))).toEqual(before);
      expect(await readdir(path.dirname(out))).toEqual(['published']);
    },
  );
});
