// Precompresses the renderer build for the loopback web host (brotli and gzip next to each file)
// and reports what the first paint downloads. Called by the main build script.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Text the host serves; anything else (images, fonts) is already compressed or tiny. */
const COMPRESSIBLE = /\.(?:js|css|html|svg|json|map|txt)$/i;
/** Below this a compressed copy saves less than its own headers cost. */
const MIN_BYTES = 1024;

async function filesUnder(dir, relative = '') {
  const names = [];
  for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
    const name = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) names.push(...(await filesUnder(dir, name)));
    else if (entry.isFile()) names.push(name);
  }
  return names;
}

/**
 * Writes `<file>.br` (brotli, best) and `<file>.gz` (gzip -9) beside each compressible file of
 * `dir` whose copy is smaller; the web host checks each against its original before serving it.
 * Returns every file's sizes: raw, gzip and brotli (raw where no copy was written).
 */
export async function compressRenderer(dir) {
  const sizes = new Map();
  for (const name of await filesUnder(dir)) {
    if (/\.(?:br|gz)$/.test(name)) continue;
    const file = path.join(dir, name);
    const body = await readFile(file);
    const size = { raw: body.length, gzip: body.length, brotli: body.length };
    if (COMPRESSIBLE.test(name) && body.length >= MIN_BYTES) {
      const [br, gz] = await Promise.all([
        brotli(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
        gzipped(body, { level: 9 }),
      ]);
      if (br.length < body.length) {
        await writeFile(`${file}.br`, br);
        size.brotli = br.length;
      }
      if (gz.length < body.length) {
        await writeFile(`${file}.gz`, gz);
        size.gzip = gz.length;
      }
    }
    sizes.set(name, size);
  }
  return sizes;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const sum = (sizes, names) =>
  names.reduce(
    (total, name) => {
      const size = sizes.get(name) ?? { raw: 0, gzip: 0, brotli: 0 };
      return {
        raw: total.raw + size.raw,
        gzip: total.gzip + size.gzip,
        brotli: total.brotli + size.brotli,
      };
    },
    { raw: 0, gzip: 0, brotli: 0 },
  );

/**
 * The renderer's script sizes as lines: the entry script, what index.html makes the browser
 * fetch before anything else (entry and its preloaded chunks), and all scripts.
 */
export async function describeRendererSizes(dir, sizes) {
  const html = await readFile(path.join(dir, 'index.html'), 'utf8');
  const linked = (pattern) =>
    [...html.matchAll(pattern)].map((match) => match[1].replace(/^\.\//, ''));
  const entry = linked(/<script type="module"[^>]*src="([^"]+)"/g);
  const preloaded = linked(/<link rel="modulepreload"[^>]*href="([^"]+)"/g);
  const scripts = [...sizes.keys()].filter((name) => name.endsWith('.js'));
  const line = (label, names) => {
    const total = sum(sizes, names);
    return `${label.padEnd(28)} ${kb(total.raw).padStart(10)} raw ${kb(total.gzip).padStart(9)} gzip ${kb(total.brotli).padStart(9)} brotli  (${names.length} file${names.length === 1 ? '' : 's'})`;
  };
  return [
    line('entry script', entry),
    line('first screen (index.html)', [...entry, ...preloaded]),
    line('all scripts', scripts),
  ];
}
