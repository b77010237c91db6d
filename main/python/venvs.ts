import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { sha256Hex } from '../catalogue/hashing.js';
import type { PythonRuntime } from './runtime.js';

const run = promisify(execFile);

/** What a venv is built from: the runtime, the exact lock text and the wheels it pins. */
export interface VenvSpec {
  runtime: PythonRuntime;
  lockText: string;
  /** The wheel files: their real file names and where their verified bytes are. */
  wheels: { filename: string; path: string }[];
}

/** A venv build that failed, with pip's own reason. */
export class VenvBuildError extends Error {
  override name = 'VenvBuildError';
}

/**
 * Builds and caches one venv per distinct (runtime, lock): content-addressed folders under
 * `venvsDir`, shared by every script with the same lock. Builds happen in a staging folder that
 * is renamed into place only when complete, so a half-built venv is never used.
 */
export class VenvManager {
  private readonly building = new Map<string, Promise<string>>();

  constructor(private readonly venvsDir: string) {}

  keyOf(spec: VenvSpec): string {
    return sha256Hex(
      `${spec.runtime.executable}\u0000${spec.runtime.version}\u0000${spec.lockText}`,
    ).slice(0, 32);
  }

  /** The interpreter of a venv folder. */
  static interpreter(venvDir: string): string {
    return process.platform === 'win32'
      ? path.join(venvDir, 'Scripts', 'python.exe')
      : path.join(venvDir, 'bin', 'python');
  }

  /** Returns the ready venv folder for `spec`, building it first if needed (one build at a time per key). */
  async ensure(spec: VenvSpec): Promise<string> {
    const key = this.keyOf(spec);
    const target = path.join(this.venvsDir, key);
    if (await isFile(VenvManager.interpreter(target))) return target;
    let pending = this.building.get(key);
    if (!pending) {
      pending = this.build(spec, target).finally(() => this.building.delete(key));
      this.building.set(key, pending);
    }
    return pending;
  }

  private async build(spec: VenvSpec, target: string): Promise<string> {
    await mkdir(this.venvsDir, { recursive: true });
    const staging = `${target}.staging-${randomBytes(4).toString('hex')}`;
    try {
      await python(spec.runtime, ['-m', 'venv', '--without-pip', staging], 'creating the venv');
      if (spec.wheels.length > 0) {
        const wheelhouse = path.join(staging, '.wheelhouse');
        const lockFile = path.join(staging, '.requirements.lock');
        await mkdir(wheelhouse);
        for (const wheel of spec.wheels)
          await linkOrCopy(wheel.path, path.join(wheelhouse, wheel.filename));
        await writeFile(lockFile, spec.lockText);
        // The base interpreter's pip installs into the pip-less venv: ~4x faster than seeding pip.
        await python(
          spec.runtime,
          [
            '-m',
            'pip',
            '--isolated',
            '--disable-pip-version-check',
            '--no-input',
            '--no-cache-dir',
            '--python',
            VenvManager.interpreter(staging),
            'install',
            '--no-index',
            '--find-links',
            wheelhouse,
            '--require-hashes',
            '--no-deps',
            '--only-binary',
            ':all:',
            '-r',
            lockFile,
          ],
          'installing the locked packages',
        );
        await rm(wheelhouse, { recursive: true, force: true });
        await rm(lockFile, { force: true });
      }
      try {
        await rename(staging, target);
      } catch (error) {
        // Another process finished the same venv first: theirs is as good as ours.
        if (await isFile(VenvManager.interpreter(target)))
          await rm(staging, { recursive: true, force: true });
        else throw error;
      }
      return target;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }
}

async function python(runtime: PythonRuntime, args: string[], what: string): Promise<void> {
  try {
    await run(runtime.executable, args, {
      timeout: 300_000,
      maxBuffer: 8 * 1024 * 1024,
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    const reason =
      stderr
        .split('\n')
        .filter((l) => /error/i.test(l))
        .slice(-3)
        .join(' ') ||
      stderr.slice(-400) ||
      (error as Error).message;
    throw new VenvBuildError(`${what} failed: ${reason}`);
  }
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch {
    await copyFile(from, to);
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
