import { appendFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogueDocument } from '../../main/catalogue/document.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { diffCatalogues, type CatalogueDiff } from '../../main/review/catalogue-diff.js';
import { openCatalogue } from '../../main/review/catalogue-view.js';
import { reportMarkdown } from '../../main/review/report-markdown.js';
import { startServer } from '../../main/server/server.js';
import { copySource, DEMO_SOURCE, flipByte, makeKeys, resign } from '../support/catalogue.js';
import { scriptdesk } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { lockFor, makeWheel } from '../support/wheels.js';

const DAY = 86_400_000;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Json = Record<string, unknown> & { allowed?: { users: string[]; groups: string[] } };

async function editJson<T = Json>(file: string, change: (value: T) => void): Promise<void> {
  const value = JSON.parse(await readFile(file, 'utf8')) as T;
  change(value);
  await writeFile(file, JSON.stringify(value, null, 2) + '\n');
}

/**
 * The demo catalogue with `analysts` narrowed to two people, published (version 1) with a new
 * key, and its source left to change: what a pull request starts from.
 */
async function publishedDemo() {
  const source = await copySource(DEMO_SOURCE);
  await editJson(path.join(source, 'catalogue.json'), (c) => {
    c.groups = { analysts: ['alice', 'bob'] };
  });
  const keys = await makeKeys();
  const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
  const publishTo = (outDir: string) =>
    publishCatalogue({ sourceDir: source, keyFile: keys.privateKeyFile, outDir, validForMs: DAY });
  await publishTo(published);
  const script = (id: string, file = 'script.json') => path.join(source, 'scripts', id, file);
  return { source, keys, published, publishTo, script };
}

type Demo = Awaited<ReturnType<typeof publishedDemo>>;

/** The change of the acceptance test: rename-files widened to a new group, not destructive, with a new package. */
async function riskyChange(demo: Demo): Promise<void> {
  await editJson(path.join(demo.source, 'catalogue.json'), (c) => {
    (c.groups as Record<string, string[]>).auditors = ['carol'];
    (c.approvedPackages as Record<string, string[]>).csvkit = ['2.0.0'];
  });
  await editJson(demo.script('rename-files'), (s) => {
    s.destructive = false;
    s.allowed!.groups.push('auditors');
  });
  const wheel = await makeWheel(path.join(demo.source, 'wheels'), 'csvkit', '2.0.0');
  await appendFile(demo.script('rename-files', 'requirements.lock'), lockFor([wheel]));
}

async function diff(oldAt: string, newAt: string, pubkey?: string): Promise<CatalogueDiff> {
  const trusted = pubkey ? [await loadPublicKey(pubkey)] : [];
  return diffCatalogues(
    await openCatalogue(oldAt, { trusted }),
    await openCatalogue(newAt, { trusted }),
  );
}

const kinds = (report: CatalogueDiff) =>
  report.risks.map((risk) => `${risk.kind} ${risk.script ?? ''}`.trim());

describe('scriptdesk catalogue diff (acceptance)', () => {
  it('lists widened access, destructive turned off and a new package as risks, first, in Markdown and JSON', async () => {
    const demo = await publishedDemo();
    await riskyChange(demo);
    const home = await tempDir('scriptdesk-home-');
    const args = [
      'catalogue',
      'diff',
      demo.published,
      demo.source,
      '--pubkey',
      demo.keys.publicKeyFile,
    ];

    const markdown = await scriptdesk(home, args);
    expect(markdown.stderr).toBe('');
    expect(markdown.code).toBe(0);
    const lines = markdown.stdout.split('\n');
    const risksAt = lines.indexOf('### Risks to approve (3)');
    expect(risksAt).toBeGreaterThan(0);
    // Nothing but the header comes before the risks; every other section comes after.
    expect(lines.slice(0, risksAt).filter((l) => l.startsWith('###'))).toEqual([]);
    expect(lines.slice(risksAt + 2, risksAt + 5)).toEqual([
      '- **Destructive turned off** `rename-files`: no longer marked destructive: analysts will not be asked to confirm a real run',
      '- **Who may run it widened** `rename-files`: may now also be run by group auditors',
      '- **New package**: csvkit 2.0.0 is new to the catalogue (locked by rename-files)',
    ]);
    expect(lines.indexOf('### Scripts')).toBeGreaterThan(risksAt + 5);

    const json = await scriptdesk(home, [...args, '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as CatalogueDiff;
    expect(Object.keys(report).slice(0, 3)).toEqual(['old', 'new', 'risks']);
    expect(report.risks.map((r) => r.kind)).toEqual([
      'destructive-off',
      'allowed-widened',
      'new-package',
    ]);
    expect(report.old.signedBy).toMatch(/^[0-9a-f]{16}$/);
    expect(report.packages).toEqual([
      expect.objectContaining({ name: 'csvkit', change: 'added', newConsumers: ['rename-files'] }),
    ]);
  });

  it('--fail-on-risk exits 3 when a risk is raised and 0 when none is', async () => {
    const demo = await publishedDemo();
    const home = await tempDir('scriptdesk-home-');
    const args = ['catalogue', 'diff', demo.published, demo.source, '--fail-on-risk'];
    expect((await scriptdesk(home, args)).code).toBe(0);
    await riskyChange(demo);
    const risky = await scriptdesk(home, args);
    expect(risky.code).toBe(3);
    expect(risky.stdout).toContain('### Risks to approve (3)');
    // Without --pubkey the published side is read, and the reader is told its signature was not checked.
    expect(risky.stderr).toMatch(/^warning: .*without checking its signature; pass --pubkey/);
    expect(risky.stdout).toContain('**signature not checked**');
  });
});

describe('catalogue diff: what changed', () => {
  it('shows a changed script file as a unified diff and names a binary file without dumping it', async () => {
    const demo = await publishedDemo();
    const main = demo.script('csv-summary', 'main.py');
    const code = await readFile(main, 'utf8');
    await writeFile(main, code.replace('import csv', 'import csv\nimport urllib.request'));
    const binary = Buffer.from([0x89, 0x50, 0x00, 0x01, 0x41, 0x42, 0x43, 0x00, 0xff]);
    await writeFile(demo.script('csv-summary', 'model.bin'), binary);
    // Over 1 MiB: named with its size, never read whole or printed.
    await writeFile(demo.script('csv-summary', 'rates.txt'), 'rate\n'.repeat(300_000));
    const report = await diff(demo.published, demo.source);
    const files = report.scripts.find((s) => s.id === 'csv-summary')!.files;
    expect(files.map((f) => `${f.path} ${f.change} ${f.binary}`)).toEqual([
      'main.py changed false',
      'model.bin added true',
      'rates.txt added false',
    ]);
    expect(files[2]).toMatchObject({
      newSize: 1_500_000,
      note: expect.stringMatching(/^over 1048576 bytes: not shown/),
    });
    expect(files[2]!.diff).toBeUndefined();
    expect(files[0]!.diff).toMatch(
      /^--- a\/csv-summary\/main\.py\n\+\+\+ b\/csv-summary\/main\.py\n@@ /,
    );
    expect(files[0]!.diff).toContain('\n+import urllib.request\n');
    expect(files[1]!.diff).toBeUndefined();
    const markdown = reportMarkdown(report).join('\n');
    expect(markdown).toContain('- `model.bin` added (9 bytes): binary file: not shown');
    expect(markdown).toContain('```diff\n--- a/csv-summary/main.py');
    expect(markdown).not.toContain('ABC');
    expect(markdown).not.toContain('rate\nrate');
  });

  it('says who gained the right to run what: a group member, a new group, everyone', async () => {
    const demo = await publishedDemo();
    await editJson(path.join(demo.source, 'catalogue.json'), (c) => {
      c.groups = { analysts: ['alice', 'bob', 'dave'], everyone: ['*'] };
    });
    await editJson(demo.script('api-check'), (s) => s.allowed!.groups.push('everyone'));
    await editJson(demo.script('loan-schedule'), (s) => {
      s.allowed = { users: ['erin'], groups: [] };
    });
    const report = await diff(demo.published, demo.source);
    expect(report.groups).toEqual([
      { group: 'analysts', change: 'changed', membersGained: ['dave'], membersLost: [] },
      { group: 'everyone', change: 'added', membersGained: ['*'], membersLost: [] },
    ]);
    expect(kinds(report)).toEqual([
      'opened-to-everyone api-check',
      'allowed-widened csv-summary',
      'allowed-widened loan-schedule',
      'allowed-widened rename-files',
    ]);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain(
      '- `api-check`: **everyone may now run it**; gained group `everyone`; through its groups gained `dave`',
    );
    expect(markdown).toContain('- `loan-schedule`: gained user `erin`; lost group `analysts`');
    expect(markdown).toContain('- Group `analysts` changed gained `dave`');
  });

  it('flags a new secret, dry run removed, a pattern removed and a loosened bound', async () => {
    const demo = await publishedDemo();
    await editJson(demo.script('rename-files'), (s) => {
      s.supportsDryRun = false;
      s.secrets = ['FILE_SERVER_TOKEN'];
      s.args = undefined;
    });
    await editJson(demo.script('rename-files', 'form.schema.json'), (f) => {
      const properties = f.properties as Record<string, Record<string, unknown>>;
      properties.pattern!.maxLength = 60000;
    });
    await editJson(demo.script('api-check', 'form.schema.json'), (f) => {
      const properties = f.properties as Record<string, Record<string, unknown>>;
      for (const field of Object.values(properties)) delete field.pattern;
    });
    const report = await diff(demo.published, demo.source);
    const found = new Set(kinds(report));
    expect(found).toContain('dry-run-removed rename-files');
    expect(found).toContain('new-secret rename-files');
    expect(found).toContain('bounds-loosened rename-files');
    expect(found).toContain('pattern-loosened api-check');
    const texts = report.risks.map((risk) => risk.text);
    expect(texts).toContain('field pattern: maxLength loosened from 200 to 60000');
    // Risks are grouped by kind in a fixed order, whatever order they were found in.
    const order = report.risks.map((risk) => risk.kind);
    expect(order).toEqual([...order].sort((a, b) => RISK_ORDER.indexOf(a) - RISK_ORDER.indexOf(b)));
  });

  it('flags a wheel rebuilt under the same version, a version change, and tests removed', async () => {
    const source = await copySource(DEMO_SOURCE);
    const tests = path.join(source, 'scripts', 'csv-summary', 'tests');
    await mkdir(tests);
    await writeFile(
      path.join(tests, 'test_main.py'),
      'import unittest\n\nclass Smoke(unittest.TestCase):\n    def test_runs(self):\n        self.assertTrue(True)\n',
    );
    const keys = await makeKeys();
    const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
    await publishCatalogue({
      sourceDir: source,
      keyFile: keys.privateKeyFile,
      outDir: published,
      validForMs: DAY,
    });
    await rm(tests, { recursive: true });
    // loancalc 1.0.0 rebuilt with other content: same name and version, other bytes.
    await rm(path.join(source, 'wheels', 'loancalc-1.0.0-py3-none-any.whl'));
    const rebuilt = await makeWheel(path.join(source, 'wheels'), 'loancalc', '1.0.0', 'changed');
    const lock = path.join(source, 'scripts', 'loan-schedule', 'requirements.lock');
    await writeFile(lock, lockFor([rebuilt]));
    const report = await diff(published, source);
    expect(kinds(report)).toEqual(['package-rebuilt', 'tests-removed csv-summary']);
    expect(report.packages).toEqual([
      {
        name: 'loancalc',
        change: 'rebuilt',
        oldVersions: ['1.0.0'],
        newVersions: ['1.0.0'],
        oldConsumers: ['loan-schedule'],
        newConsumers: ['loan-schedule'],
        rebuiltVersions: ['1.0.0'],
      },
    ]);
    // A new version of an approved package is a change, not a new package.
    const bumped = await makeWheel(path.join(source, 'wheels'), 'loancalc', '1.1.0');
    await editJson(path.join(source, 'catalogue.json'), (c) => {
      (c.approvedPackages as Record<string, string[]>).loancalc = ['1.0.0', '1.1.0'];
    });
    await writeFile(lock, lockFor([bumped]));
    const next = await diff(published, source);
    expect(
      next.packages.map((p) => `${p.name} ${p.change} ${p.oldVersions} -> ${p.newVersions}`),
    ).toEqual(['loancalc changed 1.0.0 -> 1.1.0']);
    expect(kinds(next)).toEqual(['tests-removed csv-summary']);
  });

  it('reads a published folder, a URL and a source alike: the same risks whichever pair is compared', async () => {
    const demo = await publishedDemo();
    await riskyChange(demo);
    const newer = path.join(await tempDir('scriptdesk-pub-'), 'published');
    await cp(demo.published, newer, { recursive: true });
    await demo.publishTo(newer);
    const server = await startServer({ root: demo.published, port: 0 });
    cleanups.push(() => server.close());
    const expected = [
      'destructive-off rename-files',
      'allowed-widened rename-files',
      'new-package',
    ];
    const pub = demo.keys.publicKeyFile;
    expect(kinds(await diff(demo.published, demo.source, pub))).toEqual(expected);
    expect(kinds(await diff(demo.published, newer, pub))).toEqual(expected);
    const overHttp = await diff(server.url, newer, pub);
    expect(kinds(overHttp)).toEqual(expected);
    expect(overHttp.old).toMatchObject({ kind: 'published', version: 1 });
    expect(overHttp.new).toMatchObject({ kind: 'published', version: 2 });
    // The code of a published side comes from its hash-checked blobs.
    const lock = overHttp.scripts.find((s) => s.id === 'rename-files')!.files;
    expect(lock.map((f) => f.path)).toEqual(['requirements.lock', 'script.json']);
    expect(lock[0]!.diff).toContain('+csvkit==2.0.0 --hash=sha256:');
    // Two sources compare too (a branch against another).
    const before = await copySource(DEMO_SOURCE);
    await editJson(path.join(before, 'catalogue.json'), (c) => {
      c.groups = { analysts: ['alice', 'bob'] };
    });
    expect(kinds(await diff(before, demo.source))).toEqual(expected);
  });

  it('flags tests skipped, read from the provenance of a newer build, first of all', async () => {
    const demo = await publishedDemo();
    const newer = path.join(await tempDir('scriptdesk-pub-'), 'published');
    await demo.publishTo(newer);
    await resign(newer, demo.keys.privateKeyFile, (document) => {
      Object.assign(document as CatalogueDocument & Record<string, unknown>, {
        provenance: { commit: '4f2a9c1', branch: 'main', clean: true, testsSkipped: true },
      });
    });
    const report = await diff(demo.published, newer, demo.keys.publicKeyFile);
    expect(report.risks[0]).toEqual({
      kind: 'tests-skipped',
      text: "the new catalogue was built with --skip-tests (commit 4f2a9c1): its scripts' tests did not run",
    });
    expect(report.new.provenance).toEqual({
      commit: '4f2a9c1',
      branch: 'main',
      clean: true,
      testsSkipped: true,
    });
    expect(reportMarkdown(report)).toContainEqual(
      expect.stringContaining('built from commit `4f2a9c1`, branch `main`'),
    );
  });

  it('lists scripts added and removed, a new one with who may run it and its secrets', async () => {
    const demo = await publishedDemo();
    await rm(path.join(demo.source, 'scripts', 'csv-summary'), { recursive: true });
    const added = path.join(demo.source, 'scripts', 'token-check');
    await mkdir(added);
    for (const name of ['form.schema.json', 'form.ui.json', 'main.py', 'requirements.lock'])
      await writeFile(path.join(added, name), await readFile(demo.script('api-check', name)));
    const manifest = JSON.parse(await readFile(demo.script('api-check'), 'utf8')) as Json;
    await writeFile(
      path.join(added, 'script.json'),
      JSON.stringify({
        ...manifest,
        id: 'token-check',
        title: 'Token <b>check</b> @alice',
        allowed: { users: ['*'], groups: [] },
      }),
    );
    const report = await diff(demo.published, demo.source);
    expect(report.scripts.map((s) => `${s.change} ${s.id}`)).toEqual([
      'removed csv-summary',
      'added token-check',
    ]);
    expect(kinds(report)).toEqual(['opened-to-everyone token-check', 'new-secret token-check']);
    const markdown = reportMarkdown(report);
    expect(markdown).toContain('- Added: `token-check` (`Token <b>check</b> @alice`)');
    expect(markdown).toContain('- may be run by: everyone');
  });

  it('prints hostile names as inert Markdown and terminal-safe text', async () => {
    const demo = await publishedDemo();
    const title =
      'Sum ``x`` <img src=x onerror=alert(1)> [link](javascript:alert(1)) \u001b[31mred\u202e';
    await editJson(demo.script('csv-summary'), (s) => {
      s.title = title;
      s.allowed!.users.push('@bob');
    });
    const result = await scriptdesk(await tempDir('scriptdesk-home-'), [
      'catalogue',
      'diff',
      demo.published,
      demo.source,
    ]);
    expect(result.code).toBe(0);
    // No control or bidi character reaches the terminal: they show as \uXXXX.
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).not.toContain('\u202e');
    expect(result.stdout).toContain('\\u001b[31mred\\u202e');
    // Every name is in a code span whose fence is longer than any backtick run inside it.
    expect(result.stdout).toContain(
      '- Changed: `csv-summary` (```Sum ``x`` <img src=x onerror=alert(1)> [link](javascript:alert(1)) \\u001b[31mred\\u202e```)',
    );
    expect(result.stdout).toContain('- `csv-summary`: gained user `@bob`');
    // In prose a user name cannot mention anyone: the @ is followed by a zero-width joiner.
    expect(result.stdout).toContain('may now also be run by user @\u200dbob');
    // Outside code (spans and the diffs' fenced blocks, where code hosts mention nobody) no @bob is left.
    const outsideDiffs = result.stdout.split('```diff')[0]!;
    expect(outsideDiffs).not.toMatch(/(^|[^`])@bob/m);
  });

  it('treats an empty folder as nothing published only when asked (the first publication)', async () => {
    const demo = await publishedDemo();
    const empty = await tempDir('scriptdesk-empty-');
    const home = await tempDir('scriptdesk-home-');
    const refused = await scriptdesk(home, ['catalogue', 'diff', empty, demo.source]);
    expect(refused.code).toBe(1);
    const first = await scriptdesk(home, [
      'catalogue',
      'diff',
      empty,
      demo.source,
      '--allow-missing-old',
      '--json',
    ]);
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as CatalogueDiff;
    expect(report.old.kind).toBe('nothing');
    expect(report.scripts.every((s) => s.change === 'added')).toBe(true);
    // A static host before the first publication: every file is "404 Not Found".
    const server = createServer((_request, response) => response.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const overHttp = await diff(url, demo.source).catch((error: Error) => error.message);
    expect(overHttp).toMatch(/answered 404/);
    const allowed = await diffCatalogues(
      await openCatalogue(url, { trusted: [], allowMissing: true }),
      await openCatalogue(demo.source, { trusted: [] }),
    );
    expect(allowed.scripts).toHaveLength(4);
  });
});

/** `text` for a RegExp, every special character escaped. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const RISK_ORDER = (await import('../../main/review/risks.js')).RISK_KINDS as readonly string[];

describe('catalogue diff refuses bad input with one line naming it and the fix', () => {
  const refuse = async (args: string[]) => {
    const result = await scriptdesk(await tempDir('scriptdesk-home-'), [
      'catalogue',
      'diff',
      ...args,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    return result.stderr.trimEnd().split('\n');
  };

  it('a folder that does not exist', async () => {
    const demo = await publishedDemo();
    const missing = path.join(await tempDir(), 'no-such');
    expect(await refuse([missing, demo.source])).toEqual([
      `scriptdesk: ${missing}: no such folder; give a published catalogue folder, a catalogue source folder or a URL`,
    ]);
  });

  it('a folder that is not a catalogue', async () => {
    const demo = await publishedDemo();
    const other = await tempDir('scriptdesk-other-');
    await writeFile(path.join(other, 'notes.txt'), 'hello');
    expect(await refuse([demo.published, other])).toEqual([
      `scriptdesk: ${other}: not a catalogue (no catalogue.json with catalogue.sig, nor catalogue.json with scripts/); give a published folder, a source folder or a URL`,
    ]);
  });

  it('a published catalogue whose signature does not match, or is by a key not given', async () => {
    const demo = await publishedDemo();
    await flipByte(path.join(demo.published, 'catalogue.json'), 40);
    expect(
      await refuse([demo.published, demo.source, '--pubkey', demo.keys.publicKeyFile]),
    ).toEqual([
      `scriptdesk: ${demo.published}: the signature of catalogue.json does not match its content (changed in transit or on the server); review only a catalogue signed by a key you trust (--pubkey)`,
    ]);
    const other = await makeKeys();
    const [line] = await refuse([demo.published, demo.source, '--pubkey', other.publicKeyFile]);
    expect(line).toMatch(
      /^scriptdesk: .*: catalogue\.sig is signed by key [0-9a-f]{16}, which this device does not trust .*; review only a catalogue signed by a key you trust \(--pubkey\)$/,
    );
  });

  it('a damaged blob of a published catalogue, named by script, file and hash', async () => {
    const demo = await publishedDemo();
    await editJson(demo.script('csv-summary'), (s) => (s.title = 'Summarise a CSV file'));
    const document = JSON.parse(
      await readFile(path.join(demo.published, 'catalogue.json'), 'utf8'),
    ) as CatalogueDocument;
    const file = document.scripts
      .find((s) => s.manifest.id === 'csv-summary')!
      .files.find((f) => f.path === 'script.json')!;
    await flipByte(path.join(demo.published, 'blobs', 'sha256', file.sha256));
    const lines = await refuse([demo.published, demo.source]);
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^scriptdesk: ${escape(path.resolve(demo.published))}: csv-summary/script\\.json \\(blobs/sha256/${file.sha256}\\): .*; publish the catalogue again$`,
        ),
      ),
    ]);
  });

  it('a source with problems, each listed under the line', async () => {
    const demo = await publishedDemo();
    await editJson(demo.script('csv-summary'), (s) => (s.timeoutSeconds = -1));
    await editJson(demo.script('loan-schedule'), (s) => (s.id = 'Loan'));
    const lines = await refuse([demo.published, demo.source]);
    expect(lines[0]).toBe(
      `scriptdesk: ${demo.source}: the catalogue source has 2 problem(s); fix them (scriptdesk catalogue build lists them) and review again`,
    );
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^error: .*csv-summary\/script\.json: .*timeoutSeconds/),
      expect.stringMatching(/^error: .*loan-schedule\/script\.json: .*id/),
    ]);
  });

  it('a public key file that cannot be read', async () => {
    const demo = await publishedDemo();
    const missing = path.join(await tempDir(), 'nope.pub');
    expect(await refuse([demo.published, demo.source, '--pubkey', missing])).toEqual([
      `scriptdesk: ${missing}: cannot read the public key (ENOENT); give the .pub file from scriptdesk keygen`,
    ]);
  });
});
