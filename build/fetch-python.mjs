#!/usr/bin/env node
// Fetches the pinned relocatable CPython for each packaging target into build/python/<target>/python,
// where electron-builder's extraResources picks it up as resources/python. Run on the networked
// packaging machine before electron-builder; never at install or run time.
//
//   node build/fetch-python.mjs [--pins FILE] [--out DIR] [TARGET ...]
//
// TARGET is a key of build/python-runtimes.json ("linux-x64", "mac-arm64", "win-x64", ...);
// without one, this machine's. Each archive is hashed while it downloads and refused unless its
// sha256 is the pinned one; it is unpacked into a staging folder and renamed into place, so the
// output folder holds either the previous complete runtime or the new one, never half of one.
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** No runtime archive is this big (they are 20-50 MB); a larger answer is not the pinned file. */
const MAX_BYTES = 300 * 1024 * 1024;
/** Where each OS's interpreter is in an install_only archive. */
const INTERPRETER = {
  linux: 'python/bin/python3',
  mac: 'python/bin/python3',
  win: 'python/python.exe',
};

class FetchError extends Error {}

function parseArgs(argv) {
  const options = {
    pins: path.join(HERE, 'python-runtimes.json'),
    out: path.join(HERE, 'python'),
    targets: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--pins' || arg === '--out') {
      const value = argv[++i];
      if (!value) throw new FetchError(`${arg} needs a value`);
      options[arg.slice(2)] = path.resolve(value);
    } else if (arg.startsWith('-'))
      throw new FetchError(
        `unknown option ${arg}; usage: fetch-python.mjs [--pins FILE] [--out DIR] [TARGET ...]`,
      );
    else options.targets.push(arg);
  }
  return options;
}

function hostTarget() {
  const os = { linux: 'linux', darwin: 'mac', win32: 'win' }[process.platform];
  return os ? `${os}-${process.arch}` : `${process.platform}-${process.arch}`;
}

async function readPins(file) {
  let pins;
  try {
    pins = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new FetchError(`${file} cannot be read as JSON (${error.message}); restore it from git`);
  }
  if (!pins || typeof pins.runtimes !== 'object')
    throw new FetchError(`${file} has no "runtimes" object`);
  for (const [target, pin] of Object.entries(pins.runtimes)) {
    if (!/^[0-9a-f]{64}$/.test(pin?.sha256 ?? ''))
      throw new FetchError(`${file}: runtimes.${target}.sha256 must be 64 lower-case hex digits`);
    let url;
    try {
      url = new URL(pin.url);
    } catch {
      throw new FetchError(`${file}: runtimes.${target}.url is not a URL`);
    }
    const loopback = url.protocol === 'http:' && url.hostname === '127.0.0.1';
    if (url.protocol !== 'https:' && !loopback)
      throw new FetchError(`${file}: runtimes.${target}.url must be https://`);
  }
  return pins;
}

async function fetchOne(target, pin, outDir) {
  const os = target.split('-')[0];
  const interpreter = INTERPRETER[os];
  if (!interpreter) throw new FetchError(`target ${target}: the OS part must be linux, mac or win`);
  const finalDir = path.join(outDir, target);
  const marker = path.join(finalDir, '.sha256');
  if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === pin.sha256) {
    console.log(`python ${target}: already in ${finalDir} (sha256 ${pin.sha256.slice(0, 12)}…)`);
    return;
  }
  const staging = path.join(outDir, `.staging-${target}-${randomBytes(4).toString('hex')}`);
  await mkdir(path.join(staging, 'tree'), { recursive: true });
  try {
    const archive = path.join(staging, 'runtime.tar.gz');
    const response = await globalThis.fetch(pin.url, { redirect: 'follow' });
    if (!response.ok || !response.body)
      throw new FetchError(
        `python ${target}: ${pin.url} answered ${response.status}; check the URL in the pins file`,
      );
    const hash = createHash('sha256');
    let size = 0;
    const count = new Transform({
      transform(chunk, _encoding, done) {
        size += chunk.length;
        if (size > MAX_BYTES)
          return done(
            new FetchError(
              `python ${target}: ${pin.url} is larger than ${MAX_BYTES} bytes; it is not the pinned archive`,
            ),
          );
        hash.update(chunk);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body), count, createWriteStream(archive));
    const actual = hash.digest('hex');
    if (actual !== pin.sha256)
      throw new FetchError(
        `python ${target}: the download from ${pin.url} has sha256 ${actual}, not the pinned ${pin.sha256}; refused. If the release was really replaced, review it and update the pins file in a commit`,
      );
    // The system tar (bsdtar on macOS and Windows 10+, GNU tar on Linux): no shell.
    const untar = spawnSync('tar', ['-xzf', archive, '-C', path.join(staging, 'tree')], {
      encoding: 'utf8',
    });
    if (untar.status !== 0)
      throw new FetchError(
        `python ${target}: tar could not unpack the archive: ${(untar.stderr || untar.error?.message || '').trim()}`,
      );
    if (!existsSync(path.join(staging, 'tree', interpreter)))
      throw new FetchError(
        `python ${target}: the archive holds no ${interpreter}; it is not an install_only build`,
      );
    await writeFile(path.join(staging, 'tree', '.sha256'), `${pin.sha256}\n`);
    await rm(finalDir, { recursive: true, force: true });
    await rename(path.join(staging, 'tree'), finalDir);
    console.log(`python ${target}: ${size} bytes, sha256 verified, unpacked to ${finalDir}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const pins = await readPins(options.pins);
  const targets = options.targets.length ? options.targets : [hostTarget()];
  for (const target of targets) {
    const pin = pins.runtimes[target];
    if (!pin)
      throw new FetchError(
        `no Python is pinned for ${target} in ${options.pins}; pinned: ${Object.keys(pins.runtimes).join(', ')}`,
      );
  }
  await mkdir(options.out, { recursive: true });
  for (const target of targets) await fetchOne(target, pins.runtimes[target], options.out);
}

main().catch((error) => {
  console.error(`fetch-python: ${error instanceof FetchError ? error.message : error.stack}`);
  process.exit(1);
});
