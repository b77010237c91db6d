// Builds everything the app runs from, into dist/: main (tsc), the renderer (vite), the audit
// console (vite, its own entry: dist/console) and the preload bundle (esbuild). `npm run build`; also run by `npm ci` through "prepare".
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundlePreload } from './bundle-preload.mjs';
import { compressRenderer, describeRendererSizes } from './compress-renderer.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function step(label, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`build: ${label} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`build: ${label} (${Date.now() - started} ms)`);
}

rmSync(path.join(root, 'dist'), { recursive: true, force: true });
step('main', bin('tsc'), ['-p', 'tsconfig.main.json']);
step('renderer', bin('vite'), ['build', '--logLevel', 'warn']);
let started = Date.now();
const rendererDir = path.join(root, 'dist', 'renderer');
const sizes = await compressRenderer(rendererDir);
console.log(`build: renderer precompressed, brotli and gzip (${Date.now() - started} ms)`);
for (const line of await describeRendererSizes(rendererDir, sizes)) console.log(`  ${line}`);
step('console', bin('vite'), ['build', '--config', 'vite.console.config.ts', '--logLevel', 'warn']);
started = Date.now();
const consoleDir = path.join(root, 'dist', 'console');
const consoleSizes = await compressRenderer(consoleDir);
console.log(`build: console precompressed (${Date.now() - started} ms)`);
for (const line of await describeRendererSizes(consoleDir, consoleSizes)) console.log(`  ${line}`);
started = Date.now();
const preload = await bundlePreload(path.join(root, 'dist', 'preload', 'index.cjs'));
console.log(`build: preload, ${preload.bytes} bytes (${Date.now() - started} ms)`);
