import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { resolvePythonRuntime, type PythonRuntime } from '../main/python/runtime.js';
import { VenvManager, type VenvSpec } from '../main/python/venvs.js';
import { stats, timed } from './stats.js';

/**
 * A cold venv build of a three-wheel, hash-pinned lock: ScriptDesk's way (`venv --without-pip`,
 * then the base interpreter's pip installs into it) against the plain way (`venv` with pip
 * seeded, then the venv's own pip installs the same wheels from the same folder), interleaved.
 */
const ROUNDS = Number(process.env.BENCH_VENV_ROUNDS ?? 5);
const TARGET_RATIO = 3;
const PACKAGES = ['bench_alpha', 'bench_beta', 'bench_gamma'];
const MAKE_WHEEL = fileURLToPath(new URL('../../examples/packages/make_wheel.py', import.meta.url));

const run = promisify(execFile);

/** Three small wheels made now with the repository's standard-library wheel builder, and their lock. */
async function makeWheelhouse(
  root: string,
  python: string,
): Promise<{ wheelhouse: string; lockFile: string; lockText: string; wheels: VenvSpec['wheels'] }> {
  const wheelhouse = path.join(root, 'wheels');
  const wheels: VenvSpec['wheels'] = [];
  let lockText = '';
  for (const name of PACKAGES) {
    const source = path.join(root, 'src', name);
    await mkdir(path.join(source, name), { recursive: true });
    await writeFile(
      path.join(source, 'pyproject.toml'),
      `[project]\nname = "${name}"\nversion = "1.0.0"\n`,
    );
    await writeFile(path.join(source, name, '__init__.py'), `NAME = "${name}"\n`);
    const { stdout } = await run(python, [MAKE_WHEEL, source, '--out', wheelhouse]);
    const [sha256, file] = stdout.trim().split(/\s{2}/);
    wheels.push({ filename: path.basename(file!), path: file! });
    lockText += `${name}==1.0.0 --hash=sha256:${sha256}\n`;
  }
  const lockFile = path.join(root, 'requirements.lock');
  await writeFile(lockFile, lockText);
  return { wheelhouse, lockFile, lockText, wheels };
}

/** The plain way: a venv with pip seeded, then its own pip installs the lock from the folder. */
async function plainBuild(
  runtime: PythonRuntime,
  venv: string,
  wheelhouse: string,
  lockFile: string,
): Promise<string> {
  await run(runtime.executable, ['-m', 'venv', venv]);
  await run(VenvManager.interpreter(venv), [
    '-m',
    'pip',
    '--isolated',
    '--disable-pip-version-check',
    'install',
    '--no-index',
    '--find-links',
    wheelhouse,
    '-r',
    lockFile,
  ]);
  return venv;
}

async function assertInstalled(venv: string): Promise<void> {
  await run(VenvManager.interpreter(venv), ['-I', '-c', `import ${PACKAGES.join(', ')}`]);
}

export async function benchVenvBuild(): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'scriptdesk-bench-venv-'));
  try {
    const runtime = await resolvePythonRuntime();
    const { wheelhouse, lockFile, lockText, wheels } = await makeWheelhouse(
      root,
      runtime.executable,
    );
    const spec: VenvSpec = { runtime, lockText, wheels };
    const ours: number[] = [];
    const plain: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A fresh manager and folder each round: every build is cold.
      const measureOurs = async () => {
        const venvs = new VenvManager(path.join(root, `ours-${round}`));
        const { ms, value } = await timed(() => venvs.ensure(spec));
        ours.push(ms);
        if (round === 0) await assertInstalled(value);
      };
      const measurePlain = async () => {
        const venv = path.join(root, `plain-${round}`);
        const { ms } = await timed(() => plainBuild(runtime, venv, wheelhouse, lockFile));
        plain.push(ms);
        if (round === 0) await assertInstalled(venv);
      };
      // Alternate which goes first, so neither always meets a warmer page cache.
      if (round % 2 === 0) await measureOurs().then(measurePlain);
      else await measurePlain().then(measureOurs);
      await rm(path.join(root, `ours-${round}`), { recursive: true, force: true });
      await rm(path.join(root, `plain-${round}`), { recursive: true, force: true });
    }
    const o = stats(ours);
    const p = stats(plain);
    const ratio = p.median / o.median;
    console.log(
      `venv build: cold venv from a ${PACKAGES.length}-wheel hash-pinned lock, Python ${runtime.version}, ${ROUNDS} interleaved rounds`,
    );
    console.log(
      `  ScriptDesk  venv --without-pip + base pip --python   median ${o.median.toFixed(0)} ms   p95 ${o.p95.toFixed(0)} ms`,
    );
    console.log(
      `  plain       venv (pip seeded) + venv's pip install   median ${p.median.toFixed(0)} ms   p95 ${p.p95.toFixed(0)} ms`,
    );
    console.log(`  ratio       plain / ScriptDesk = ${ratio.toFixed(2)}x (medians)`);
    console.log(
      `  target      at least ${TARGET_RATIO}x faster: ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'}`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
