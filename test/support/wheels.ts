import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { copySource, REPO } from './catalogue.js';
import { tempDir } from './temp.js';

const run = promisify(execFile);

/** The machine's python3 by absolute path, as the tests' base interpreter. */
export const BASE_PYTHON = execFileSync(
  'python3',
  ['-I', '-c', 'import sys; print(sys.executable)'],
  {
    encoding: 'utf8',
  },
).trim();

/** A wheel built for a test: its file name, where it is, and its sha256. */
export interface TestWheel {
  name: string;
  version: string;
  filename: string;
  path: string;
  sha256: string;
}

/**
 * Builds a tiny pure-Python wheel `name==version` (a package whose `VALUE` is `value`) with the
 * repository's own standard-library wheel builder, examples/packages/make_wheel.py.
 */
export async function makeWheel(
  outDir: string,
  name: string,
  version = '1.0.0',
  value = `${name} ${version}`,
  /** More `[project]` lines, like `license = { text = "MIT" }` or `classifiers = [...]`. */
  projectLines = '',
): Promise<TestWheel> {
  const source = path.join(await tempDir('scriptdesk-wheel-src-'), name);
  await mkdir(path.join(source, name), { recursive: true });
  await writeFile(
    path.join(source, 'pyproject.toml'),
    `[project]\nname = "${name}"\nversion = "${version}"\n${projectLines}`,
  );
  await writeFile(path.join(source, name, '__init__.py'), `VALUE = ${JSON.stringify(value)}\n`);
  const { stdout } = await run(BASE_PYTHON, [
    path.join(REPO, 'examples', 'packages', 'make_wheel.py'),
    source,
    '--out',
    outDir,
  ]);
  const [sha256, file] = stdout.trim().split(/\s{2}/);
  return { name, version, filename: path.basename(file!), path: file!, sha256: sha256! };
}

/** A `requirements.lock` pinning `wheels` by hash. */
export function lockFor(wheels: readonly Pick<TestWheel, 'name' | 'version' | 'sha256'>[]): string {
  return wheels.map((w) => `${w.name}==${w.version} --hash=sha256:${w.sha256}\n`).join('');
}

/** One script of a test catalogue: a copy of the probe fixture with its own id and lock. */
export interface TestScript {
  id: string;
  /** Packages its lock pins (each gets a wheel in the wheelhouse). */
  packages?: string[];
  /** script.json `python` (default ">=3.9"). */
  python?: string;
}

/**
 * A catalogue source holding the probe fixture plus a copy of it per script in `scripts`, each
 * importing the packages its lock pins (so a run proves they were installed), with one wheel per
 * package in the wheelhouse, approved in catalogue.json.
 */
export async function sourceWithWheels(
  scripts: readonly TestScript[],
): Promise<{ source: string; wheels: Map<string, TestWheel> }> {
  const source = await copySource();
  const wheelhouse = path.join(source, 'wheels');
  await mkdir(wheelhouse, { recursive: true });
  const wheels = new Map<string, TestWheel>();
  for (const name of new Set(scripts.flatMap((s) => s.packages ?? [])))
    wheels.set(name, await makeWheel(wheelhouse, name));
  const catalogueFile = path.join(source, 'catalogue.json');
  const catalogue = JSON.parse(await readFile(catalogueFile, 'utf8')) as {
    approvedPackages: Record<string, string[]>;
  };
  for (const wheel of wheels.values()) catalogue.approvedPackages[wheel.name] = [wheel.version];
  await writeFile(catalogueFile, JSON.stringify(catalogue, null, 2));

  const probe = path.join(source, 'scripts', 'probe');
  for (const script of scripts) {
    const dir = path.join(source, 'scripts', script.id);
    await mkdir(dir, { recursive: true });
    for (const file of ['form.schema.json', 'form.ui.json'])
      await writeFile(path.join(dir, file), await readFile(path.join(probe, file)));
    const manifest = JSON.parse(await readFile(path.join(probe, 'script.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    await writeFile(
      path.join(dir, 'script.json'),
      JSON.stringify({
        ...manifest,
        id: script.id,
        title: `Script ${script.id}`,
        python: script.python ?? '>=3.9',
      }),
    );
    const packages = script.packages ?? [];
    const imports = packages.map((name) => `import ${name}\n`).join('');
    await writeFile(
      path.join(dir, 'main.py'),
      imports + (await readFile(path.join(probe, 'main.py'), 'utf8')),
    );
    await writeFile(
      path.join(dir, 'requirements.lock'),
      `# ${script.id}\n${lockFor(packages.map((name) => wheels.get(name)!))}`,
    );
  }
  return { source, wheels };
}
