// Bundles preload/index.cts into one CommonJS file for Electron's sandboxed preload, which can
// require nothing but `electron` (and a few of its own modules). Called by the main build script.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = path.join(ROOT, 'preload', 'index.cts');
const CONTRACT = path.join(ROOT, 'main', 'contract', 'api.ts');

/**
 * Evaluates the contract once at build time and returns its name lists. The preload only needs
 * these names, and bundling the contract itself would bring zod along (~800 KB).
 */
async function contractNameLists() {
  const compiled = await build({
    entryPoints: [CONTRACT],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const source = compiled.outputFiles[0].text;
  const contract = await import(
    `data:text/javascript;base64,${Buffer.from(source).toString('base64')}`
  );
  for (const list of ['METHOD_NAMES', 'EVENT_NAMES']) {
    const names = contract[list];
    if (
      !Array.isArray(names) ||
      names.length === 0 ||
      !names.every((n) => typeof n === 'string' && n.includes('.'))
    ) {
      throw new Error(
        `main/contract/api.ts: ${list} must be a non-empty list of "domain.verb" names`,
      );
    }
  }
  return { METHOD_NAMES: contract.METHOD_NAMES, EVENT_NAMES: contract.EVENT_NAMES };
}

/**
 * Replaces `main/contract/api.ts` in the preload bundle with a module holding only its name
 * lists. Importing any other runtime value from the contract in preload/ fails the build
 * ("No matching export"), which is the point: add it here deliberately, or keep it in main.
 */
const contractNamesOnly = {
  name: 'contract-names-only',
  setup(bundle) {
    bundle.onResolve({ filter: /contract[\\/]api\.js$/ }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
      return resolved === CONTRACT ? { path: CONTRACT, namespace: 'contract-names' } : undefined;
    });
    bundle.onLoad({ filter: /.*/, namespace: 'contract-names' }, async () => {
      const lists = await contractNameLists();
      const contents = Object.entries(lists)
        .map(([name, values]) => `export const ${name} = Object.freeze(${JSON.stringify(values)});`)
        .join('\n');
      return { contents, loader: 'js' };
    });
  },
};

/**
 * Writes the preload bundle to `outFile` (normally `dist/preload/index.cjs`) and returns its
 * size. Fails when the bundle would pull in a package or require anything but `electron`.
 */
export async function bundlePreload(outFile) {
  const result = await build({
    entryPoints: [ENTRY],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    external: ['electron'],
    plugins: [contractNamesOnly],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const [output] = Object.values(result.metafile.outputs);
  const packages = Object.keys(output.inputs).filter((input) => input.includes('node_modules'));
  if (packages.length > 0) {
    throw new Error(`preload bundle: must not include packages, found ${packages.join(', ')}`);
  }
  const requires = output.imports.map((i) => i.path).filter((p) => p !== 'electron');
  if (requires.length > 0) {
    throw new Error(
      `preload bundle: a sandboxed preload can only require electron, found ${requires.join(', ')}`,
    );
  }
  return { outFile, bytes: output.bytes };
}
