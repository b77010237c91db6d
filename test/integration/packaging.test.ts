import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO } from '../support/catalogue.js';
import { tempDir } from '../support/temp.js';

const exec = promisify(execFile);

/** A fuse reads back as the byte '1' (on) or '0' (off); @electron/fuses does not export its enum. */
const FUSE_ON = '1'.charCodeAt(0);
const FUSE_OFF = '0'.charCodeAt(0);

/** Where electron-builder.yml's electronFuses keys sit in Electron's fuse wire. */
const FUSE_INDEX: Record<string, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

interface BuilderConfig {
  directories: { output: string };
  extraResources: { from: string; to: string }[];
  electronFuses: Record<string, boolean>;
}

/**
 * Packages the app as build/README.md describes (a stub Electron carrying only the fuse sentinel,
 * no native rebuild) from the committed electron-builder.yml, changed only in where it writes and
 * where the Python runtime comes from: both temporary, so the repository is left as it was.
 */
async function packageApp(): Promise<{
  resources: string;
  executable: string;
  config: BuilderConfig;
}> {
  if (!existsSync(path.join(REPO, 'dist', 'main', 'electron', 'main.js')))
    throw new Error('dist/ is missing: run `npm run build` before this test.');
  const dir = await tempDir('scriptdesk-packaging-');
  const stub = path.join(dir, 'electron-dist');
  await mkdir(stub);
  const wire = Buffer.from('10110001');
  await writeFile(
    path.join(stub, 'electron'),
    Buffer.concat([
      Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
      Buffer.from([1, wire.length]),
      wire,
    ]),
  );
  // The layout build/fetch-python.mjs unpacks, for the target electron-builder names linux-x64.
  const python = path.join(dir, 'python', 'linux-x64', 'python');
  await mkdir(path.join(python, 'bin'), { recursive: true });
  await mkdir(path.join(python, 'lib', 'python3.12'), { recursive: true });
  await writeFile(path.join(python, 'bin', 'python3'), '#!/bin/sh\n');
  await chmod(path.join(python, 'bin', 'python3'), 0o755);
  await writeFile(path.join(python, 'lib', 'python3.12', 'os.py'), '');

  const config = parse(
    await readFile(path.join(REPO, 'electron-builder.yml'), 'utf8'),
  ) as BuilderConfig;
  const configured = structuredClone(config);
  configured.directories.output = path.join(dir, 'release');
  expect(configured.extraResources[0]?.from).toBe('build/python/${os}-${arch}/python');
  configured.extraResources[0]!.from = path.join(dir, 'python', '${os}-${arch}', 'python');
  const configFile = path.join(dir, 'electron-builder.yml');
  await writeFile(configFile, stringify(configured));

  await exec(
    process.execPath,
    [
      path.join(REPO, 'node_modules', 'electron-builder', 'cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--config',
      configFile,
      '-c.npmRebuild=false',
      `-c.electronDist=${stub}`,
      '-c.electronVersion=45.4.1',
    ],
    { cwd: REPO, env: { ...process.env, CI: 'true' }, maxBuffer: 16 * 1024 * 1024 },
  );
  const unpacked = path.join(dir, 'release', 'linux-unpacked');
  return {
    resources: path.join(unpacked, 'resources'),
    executable: path.join(unpacked, 'scriptdesk'),
    config,
  };
}

describe('the desktop package (electron-builder --linux dir against a stub Electron)', () => {
  // ~30 s on this 2-core machine while other work runs: one packaging for every assertion.
  it(
    'holds the built app and production modules only, native modules unpacked, fuses as configured, and the Python runtime',
    { timeout: 300_000 },
    async () => {
      const { resources, executable, config } = await packageApp();
      const asar = path.join(resources, 'app.asar');
      const files = new Set(listPackage(asar, { isPack: false }));
      const list = [...files];

      // The built app.
      for (const file of [
        '/package.json',
        '/dist/main/electron/main.js',
        '/dist/main/updates/controller.js',
        '/dist/preload/index.cjs',
        '/dist/renderer/index.html',
        '/dist/forms/authority-validator.js',
      ])
        expect(files, file).toContain(file);
      // Not the dev launcher, no tests, no sources, no source maps, no precompressed copies.
      expect(list.filter((file) => file.startsWith('/dist/main/dev/'))).toEqual([]);
      expect(
        list.filter((file) => /^\/(test|main|renderer|forms|build|bench|examples)\//.test(file)),
      ).toEqual([]);
      expect(list.filter((file) => /\.test\.|\.test-d\.ts$|\.map$/.test(file))).toEqual([]);
      expect(list.filter((file) => file.startsWith('/dist/') && /\.tsx?$/.test(file))).toEqual([]);
      expect(list.filter((file) => /^\/dist\/renderer\/.*\.(br|gz)$/.test(file))).toEqual([]);

      // Every production dependency, and no development one (renderer libraries, tools, Electron).
      const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
      };
      for (const name of Object.keys(pkg.dependencies))
        expect(files, name).toContain(`/node_modules/${name}/package.json`);
      expect(
        Object.keys(pkg.devDependencies).filter((name) =>
          files.has(`/node_modules/${name}/package.json`),
        ),
      ).toEqual([]);
      for (const name of ['react', 'vite', 'electron', '@mui/material', 'typescript'])
        expect(files).not.toContain(`/node_modules/${name}/package.json`);

      // Native modules load from app.asar.unpacked, not from inside the archive.
      const natives = list.filter((file) => file.endsWith('.node')).sort();
      expect(natives).toEqual([
        '/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
        '/node_modules/keytar/build/Release/keytar.node',
      ]);
      for (const file of natives) {
        expect(statFile(asar, file.slice(1))).toMatchObject({ unpacked: true });
        expect(existsSync(path.join(resources, 'app.asar.unpacked', file)), file).toBe(true);
      }

      // The fuses read back from the packaged executable as electron-builder.yml sets them.
      const fuses = await getCurrentFuseWire(executable);
      for (const [name, enabled] of Object.entries(config.electronFuses)) {
        const index = FUSE_INDEX[name];
        expect(index, `electronFuses.${name} has no known place in the fuse wire`).toBeDefined();
        expect(fuses[index!], name).toBe(enabled ? FUSE_ON : FUSE_OFF);
      }

      // The Python runtime folder, as the resolver looks for it (resources/python/bin/python3).
      expect(await readdir(path.join(resources, 'python'))).toEqual(['bin', 'lib']);
      expect(existsSync(path.join(resources, 'python', 'bin', 'python3'))).toBe(true);
      expect(existsSync(path.join(resources, 'python', 'lib', 'python3.12', 'os.py'))).toBe(true);
      // electron-updater's app-update.yml, with the cache folder the updater downloads into.
      expect(parse(await readFile(path.join(resources, 'app-update.yml'), 'utf8'))).toMatchObject({
        provider: 'generic',
        updaterCacheDirName: 'scriptdesk-updater',
      });
    },
  );
});
