/**
 * Wheels are inspected, not just hashed: `catalogue build` refuses a wheel whose central directory
 * shows a bomb, a link or a path out of the install folder, and a device refuses it again before pip
 * extracts anything, whatever the signed catalogue says. Hostile wheels are written byte by byte
 * (test/support/zip-writer.ts); the device tests smuggle them into a validly signed catalogue.
 */
import { execFile } from 'node:child_process';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openScriptDeskApp, type ScriptDeskApp } from '../../main/app/app.js';
import { loadPublicKey } from '../../main/catalogue/keys.js';
import { folderSource } from '../../main/catalogue/sources.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import { callTyped } from '../../main/contract/dispatcher.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { verifyPublished } from '../../main/publishing/verify-published.js';
import { SourceError } from '../../main/publishing/source-reader.js';
import { DEMO_SOURCE, makeKeys } from '../support/catalogue.js';
import {
  EVIL,
  evilWheel,
  smuggleWheel,
  sourcePinning,
  wheelEntries,
} from '../support/hostile-wheels.js';
import { callOrThrow, runToEnd } from '../support/runs.js';
import { tempDir } from '../support/temp.js';
import { BASE_PYTHON } from '../support/wheels.js';
import { zerosDeflated, zipBytes, type ZipEntry } from '../support/zip-writer.js';

const run = promisify(execFile);
const DAY = 86_400_000;
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const RATIO_FIX = 'rebuild the wheel; if that file really is so repetitive, store it uncompressed';
const CAP_FIX = 'rebuild the wheel or raise limits.maxWheelUncompressedBytes in catalogue.json';
const REBUILD = 'rebuild the wheel with a standard tool (pip wheel, python -m build)';

/** 2 MiB of zeros deflated to 2 KiB: 1024 to 1, a bomb in miniature. */
const RATIO_BOMB: ZipEntry = { name: 'evil/zeros.bin', data: Buffer.alloc(2 * MiB) };
const RATIO_DETAIL =
  'member evil/zeros.bin expands 1024 times, from 2.0 KiB to 2 MiB (limit 200 times for members over 1 MiB)';

/** `sentence` as catalogue build ends it: capitalised, with a full stop. */
const sentence = (fix: string) => `${fix.charAt(0).toUpperCase()}${fix.slice(1)}.`;

/** Builds a source pinning the evil wheel made of `bytes`; returns the error and what --out holds. */
async function refusedBuild(bytes: Buffer, limits?: Record<string, unknown>) {
  const { source, wheel } = await sourcePinning(bytes, limits);
  const keys = await makeKeys();
  const outParent = await tempDir('scriptdesk-pub-');
  const error = await publishCatalogue({
    sourceDir: source,
    keyFile: keys.privateKeyFile,
    outDir: path.join(outParent, 'published'),
    validForMs: DAY,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceError);
  return { message: (error as Error).message, wheel, written: await readdir(outParent) };
}

describe('catalogue build inspects every wheel a lock pins', () => {
  it('refuses a ratio bomb (2 MiB of zeros in 2 KiB) naming the wheel, the member, the limit and the fix, and writes nothing to --out', async () => {
    const { message, wheel, written } = await refusedBuild(evilWheel([RATIO_BOMB]));
    expect(message).toBe(`${wheel.path}: ${RATIO_DETAIL}. ${sentence(RATIO_FIX)}`);
    expect(written).toEqual([]);
  });

  it('refuses a real 600 MiB member of zeros against the default cap of 512 MiB per wheel', async () => {
    const bomb = evilWheel([{ name: 'evil/big.bin', deflated: zerosDeflated(600 * MiB) }]);
    expect(bomb.length).toBeLessThan(1 * MiB);
    const { message, wheel, written } = await refusedBuild(bomb);
    expect(message).toBe(
      `${wheel.path}: member evil/big.bin expands to 600 MiB (limit 512 MiB per wheel). ${sentence(CAP_FIX)}`,
    );
    expect(written).toEqual([]);
  });

  it('applies limits.maxWheelUncompressedBytes from catalogue.json to one member (2 MiB stored, cap 1 MiB)', async () => {
    const stored = { name: 'evil/data.bin', data: Buffer.alloc(2 * MiB), method: 0 };
    const { message, wheel } = await refusedBuild(evilWheel([stored]), {
      maxWheelUncompressedBytes: MiB,
    });
    expect(message).toBe(
      `${wheel.path}: member evil/data.bin expands to 2 MiB (limit 1 MiB per wheel). ${sentence(CAP_FIX)}`,
    );
  });

  it('counts the members together: three of 512 KiB each are over a cap of 1 MiB', async () => {
    const parts = ['a', 'b', 'c'].map((n) => ({
      name: `evil/${n}.bin`,
      data: Buffer.alloc(512 * KiB),
      method: 0,
    }));
    const { message, wheel } = await refusedBuild(evilWheel(parts), {
      maxWheelUncompressedBytes: MiB,
    });
    expect(message).toMatch(
      new RegExp(
        `^${escape(wheel.path)}: its 7 members expand to 1\\.5 MiB in all \\(limit 1 MiB per wheel\\)\\. `,
      ),
    );
  });

  it.each<[string, string | Buffer, string]>([
    ['a ".." segment', 'evil/../../escape.py', 'evil/../../escape.py'],
    ['an absolute path', '/etc/cron.d/evil', '/etc/cron.d/evil'],
    ['a backslash', 'evil\\..\\..\\escape.py', 'evil\\..\\..\\escape.py'],
    ['a drive letter', 'C:/Windows/evil.dll', 'C:/Windows/evil.dll'],
    [
      'a NUL or control character',
      Buffer.from('evil/ok.py\0.exe', 'latin1'),
      'evil/ok.py\\x00.exe',
    ],
  ])('refuses a member whose name has %s', async (reason, name, shown) => {
    const { message, wheel } = await refusedBuild(evilWheel([{ name, data: Buffer.from('x') }]));
    expect(message).toBe(
      `${wheel.path}: member ${shown} has an unsafe name (${reason}). Rebuild the wheel without it.`,
    );
  });

  it('refuses a symbolic link member', async () => {
    const link = { name: 'evil/passwd', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 };
    const { message, wheel } = await refusedBuild(evilWheel([link]));
    expect(message).toBe(
      `${wheel.path}: member evil/passwd is a symbolic link. Rebuild the wheel with a regular file in its place.`,
    );
  });

  it('refuses the same member name twice', async () => {
    const twice = [
      { name: 'evil/mod.py', data: Buffer.from('A = 1\n') },
      { name: 'evil/mod.py', data: Buffer.from('A = 2\n') },
    ];
    const { message, wheel } = await refusedBuild(evilWheel(twice));
    expect(message).toBe(
      `${wheel.path}: member evil/mod.py appears twice. Rebuild the wheel with each file once.`,
    );
  });

  it('refuses a compression method wheels do not use (bzip2), whose ratio deflate figures do not bound', async () => {
    const bzip2 = { name: 'evil/data.bz2', data: Buffer.from('BZh9'), method: 12 };
    const { message, wheel } = await refusedBuild(evilWheel([bzip2]));
    expect(message).toBe(
      `${wheel.path}: member evil/data.bz2 uses compression method 12 (wheels use only stored or deflate). ${sentence(REBUILD)}`,
    );
  });

  it('refuses a member carrying a second name (Info-ZIP Unicode Path) that Python 3.12+ would extract under instead', async () => {
    const second = Buffer.concat([Buffer.from([1, 0, 0, 0, 0]), Buffer.from('../../escape.py')]);
    const renamed = { name: 'evil/ok.py', data: Buffer.from('x'), extra: [[0x7075, second]] };
    const { message, wheel } = await refusedBuild(evilWheel([renamed as ZipEntry]));
    expect(message).toBe(
      `${wheel.path}: member evil/ok.py carries a second name (an Info-ZIP Unicode Path field) that newer Pythons use instead of the first. ${sentence(REBUILD)}`,
    );
  });

  it('refuses a wheel of 100,001 files and more', async () => {
    const files = Array.from({ length: 100_001 }, (_, i) => ({
      name: `evil/f/${i}`,
      method: 0,
    }));
    const { message, wheel } = await refusedBuild(evilWheel(files));
    expect(message).toBe(
      `${wheel.path}: has 100005 members (limit 100000 per wheel). Rebuild the wheel with fewer files.`,
    );
  });

  it("refuses a central directory holding a member its end record does not count, which Python's zipfile would still extract", async () => {
    const bytes = evilWheel([{ name: 'evil/hidden.py', data: Buffer.from('import os\n') }]);
    const end = bytes.length - 22;
    bytes.writeUInt16LE(bytes.readUInt16LE(end + 10) - 1, end + 8); // one member fewer, in both
    bytes.writeUInt16LE(bytes.readUInt16LE(end + 10) - 1, end + 10); // count fields
    const { message, wheel } = await refusedBuild(bytes);
    expect(message).toMatch(
      new RegExp(
        `^${escape(wheel.path)}: cannot be checked as a zip archive: its central directory is \\d+ bytes but its 4 declared members take \\d+\\. `,
      ),
    );
    const { stdout } = await run(BASE_PYTHON, [
      '-I',
      '-c',
      'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))',
      wheel.path,
    ]);
    expect(stdout.trim()).toBe('5'); // what pip would have seen
  });

  it("accepts the demo catalogue's real wheel and carries limits from catalogue.json into the signed document", async () => {
    const source = path.join(await tempDir('scriptdesk-src-'), 'src');
    await cp(DEMO_SOURCE, source, { recursive: true });
    const keys = await makeKeys();
    const out = path.join(await tempDir('scriptdesk-pub-'), 'published');
    const options = {
      sourceDir: source,
      keyFile: keys.privateKeyFile,
      outDir: out,
      validForMs: DAY,
    };
    const plain = await publishCatalogue(options);
    expect(plain.document.limits).toBeUndefined();
    expect(plain.document.scripts.flatMap((s) => s.wheels.map((w) => w.filename))).toContain(
      'loancalc-1.0.0-py3-none-any.whl',
    );

    const catalogueFile = path.join(source, 'catalogue.json');
    const catalogue = JSON.parse(await readFile(catalogueFile, 'utf8')) as Record<string, unknown>;
    await writeFile(
      catalogueFile,
      JSON.stringify({ ...catalogue, limits: { maxWheelUncompressedBytes: MiB } }),
    );
    const limited = await publishCatalogue(options);
    expect(limited.document.limits).toEqual({ maxWheelUncompressedBytes: MiB });
    const signed = JSON.parse(await readFile(path.join(out, 'catalogue.json'), 'utf8')) as {
      limits?: unknown;
    };
    expect(signed.limits).toEqual({ maxWheelUncompressedBytes: MiB });
  });

  it('refuses a catalogue.json raising the cap past the 2 GiB no device goes beyond', async () => {
    const { message } = await refusedBuild(evilWheel([]), { maxWheelUncompressedBytes: 3 * GiB });
    expect(message).toMatch(
      /catalogue\.json: field `limits\.maxWheelUncompressedBytes` Too big: expected number to be <=2147483648; correct that field/,
    );
  });
});

describe('what the inspection rests on', () => {
  it("Python's zipfile, which pip extracts with, writes no more than a member's declared size even when its data inflates to more", async () => {
    const tenMiB = zerosDeflated(10 * MiB);
    const lying = { ...tenMiB, size: MiB, crc32: zerosDeflated(MiB).crc32 };
    const dir = await tempDir('scriptdesk-zip-');
    const file = path.join(dir, 'lying.zip');
    await writeFile(file, zipBytes([{ name: 'x.bin', deflated: lying }]));
    const { stdout } = await run(BASE_PYTHON, [
      '-I',
      '-c',
      'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).open("x.bin").read()))',
      file,
    ]);
    expect(Number(stdout.trim())).toBe(MiB);
  });
});

describe('catalogue verify inspects the wheels of a published folder', () => {
  it('reports a smuggled ratio bomb as a device would refuse it, beside the intact blobs', async () => {
    const { source } = await sourcePinning(evilWheel([]));
    const keys = await makeKeys();
    const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
    const options = { sourceDir: source, keyFile: keys.privateKeyFile, outDir: published };
    await publishCatalogue({ ...options, validForMs: DAY });
    const trusted = [await loadPublicKey(keys.publicKeyFile)];
    expect((await verifyPublished(folderSource(published), trusted, new Date())).problems).toEqual(
      [],
    );

    const bomb = evilWheel([RATIO_BOMB]);
    await smuggleWheel(published, keys.privateKeyFile, bomb);
    const report = await verifyPublished(folderSource(published), trusted, new Date());
    expect(report.problems).toEqual([
      `probe/${EVIL.filename} (blobs/sha256/${sha256Hex(bomb)}): a device would refuse to install it: ${RATIO_DETAIL}; ${RATIO_FIX}`,
    ]);
  });
});

describe('a device inspects a wheel again before pip sees it', () => {
  const apps: ScriptDeskApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  /**
   * A home synced to a catalogue whose probe script pins a benign evil==1.0.0, then swapped for
   * `bytes` and signed again (with `change` applied to the document).
   */
  async function deviceWith(
    bytes: Buffer,
    change?: Parameters<typeof smuggleWheel>[3],
  ): Promise<{ app: ScriptDeskApp; home: string }> {
    const { source } = await sourcePinning(evilWheel([]));
    const keys = await makeKeys();
    const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
    await publishCatalogue({
      sourceDir: source,
      keyFile: keys.privateKeyFile,
      outDir: published,
      validForMs: DAY,
    });
    await smuggleWheel(published, keys.privateKeyFile, bytes, change);
    const home = await tempDir('scriptdesk-home-');
    const app = await openScriptDeskApp({ home, logError: () => {} });
    apps.push(app);
    await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
    await app.services.catalogue.sync(folderSource(published));
    return { app, home };
  }

  /** Starts the probe script; returns the refusal (the test fails if it ran). */
  async function refusedRun(app: ScriptDeskApp) {
    const result = await callTyped(
      app.dispatch,
      'run.start',
      { scriptId: 'probe', inputs: { markerDir: await tempDir(), mode: 'ok' } },
      { transport: 'http' },
    );
    if (result.ok) throw new Error('the probe script was started');
    return result.error;
  }

  const unavailable = (detail: string, fix: string) =>
    `"Probe" is unavailable on this computer: its Python environment could not be prepared (wheel ${EVIL.filename} refused: ${detail}; ask the catalogue's publisher to ${fix}).`;

  it('refuses the ratio bomb a validly signed catalogue carries: the run fails as environment_failed with the reason, and no venv or extracted file exists', async () => {
    const { app, home } = await deviceWith(evilWheel([RATIO_BOMB]));
    const error = await refusedRun(app);
    expect(error).toEqual({
      code: 'environment_failed',
      message: unavailable(RATIO_DETAIL, RATIO_FIX),
    });
    const { scripts } = await callOrThrow(app, 'catalogue.list', {});
    expect(scripts.find((s) => s.id === 'probe')!.environment).toEqual({
      state: 'failed',
      message: `wheel ${EVIL.filename} refused: ${RATIO_DETAIL}; ask the catalogue's publisher to ${RATIO_FIX}`,
    });
    expect(await readdir(path.join(home, 'venvs')).catch(() => [])).toEqual([]);
    expect(await filesNamed(home, 'zeros.bin')).toEqual([]);
    expect((await callOrThrow(app, 'run.list', {})).runs).toEqual([]);
  });

  it("applies the signed document's own cap: a 2 MiB wheel under a re-signed cap of 1 MiB is refused", async () => {
    const stored = { name: 'evil/data.bin', data: Buffer.alloc(2 * MiB), method: 0 };
    const { app } = await deviceWith(evilWheel([stored]), (document) => {
      document.limits = { maxWheelUncompressedBytes: MiB };
    });
    expect(await refusedRun(app)).toEqual({
      code: 'environment_failed',
      message: unavailable(
        'member evil/data.bin expands to 2 MiB (limit 1 MiB per wheel)',
        CAP_FIX,
      ),
    });
  });

  it('keeps its own 2 GiB ceiling when a signed document raises the cap to 64 GiB', async () => {
    // The member declares 3 GiB; pip's zipfile would write up to that many bytes.
    const big = {
      name: 'evil/big.bin',
      deflated: { ...zerosDeflated(MiB), size: 3 * GiB, crc32: 0 },
    };
    const { app } = await deviceWith(evilWheel([big]), (document) => {
      document.limits = { maxWheelUncompressedBytes: 64 * GiB };
    });
    expect(await refusedRun(app)).toEqual({
      code: 'environment_failed',
      message: unavailable(
        'member evil/big.bin expands to 3 GiB (limit 2 GiB per wheel, the most ScriptDesk allows)',
        'rebuild the wheel smaller or split the package',
      ),
    });
  });

  it('installs the same wheel without the bomb: the inspection refuses the bomb, not the wheel', async () => {
    const { app } = await deviceWith(
      zipBytes(wheelEntries([{ name: 'evil/data.txt', data: Buffer.from('fine\n') }])),
    );
    const { detail } = await runToEnd(app, {
      scriptId: 'probe',
      inputs: { markerDir: await tempDir(), mode: 'ok' },
    });
    expect(detail.status).toBe('succeeded');
  });
});

/** Every file under `dir` named `name`. */
async function filesNamed(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => path.basename(entry) === name);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
