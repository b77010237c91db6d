import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogueDocument } from '../../main/catalogue/document.js';
import { sha256Hex } from '../../main/shared/hashing.js';
import { copySource, resign } from './catalogue.js';
import type { TestWheel } from './wheels.js';
import { zipBytes, type ZipEntry } from './zip-writer.js';

/** The package every hostile wheel here claims to be. */
export const EVIL = { name: 'evil', version: '1.0.0', filename: 'evil-1.0.0-py3-none-any.whl' };

/**
 * The members of an installable wheel `evil==1.0.0` (a package whose VALUE is "evil", its
 * METADATA, WHEEL and RECORD) plus `extra`: without inspection, pip installs it, extras and all.
 */
export function wheelEntries(extra: readonly ZipEntry[]): ZipEntry[] {
  const distInfo = `${EVIL.name}-${EVIL.version}.dist-info`;
  const files: ZipEntry[] = [
    { name: `${EVIL.name}/__init__.py`, data: Buffer.from('VALUE = "evil"\n') },
    ...extra,
    {
      name: `${distInfo}/METADATA`,
      data: Buffer.from(`Metadata-Version: 2.1\nName: ${EVIL.name}\nVersion: ${EVIL.version}\n`),
    },
    {
      name: `${distInfo}/WHEEL`,
      data: Buffer.from(
        'Wheel-Version: 1.0\nGenerator: scriptdesk-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
      ),
    },
  ];
  const record = files
    .map((f) => {
      const name = typeof f.name === 'string' ? f.name : f.name.toString('latin1');
      if (!f.data || f.deflated) return `${name},,\n`;
      const digest = createHash('sha256').update(f.data).digest('base64url');
      return `${name},sha256=${digest},${f.data.length}\n`;
    })
    .join('');
  return [
    ...files,
    { name: `${distInfo}/RECORD`, data: Buffer.from(`${record}${distInfo}/RECORD,,\n`) },
  ];
}

/** Writes `bytes` as the evil wheel into `dir`. */
export async function writeWheel(dir: string, bytes: Buffer): Promise<TestWheel> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, EVIL.filename);
  await writeFile(file, bytes);
  return { ...EVIL, path: file, sha256: sha256Hex(bytes) };
}

/**
 * Makes the probe script of the catalogue source `source` pin the evil wheel made of `bytes`
 * (approved in catalogue.json, with `limits` when given): everything but the wheel stays fine.
 */
export async function pinWheel(
  source: string,
  bytes: Buffer,
  limits?: Record<string, unknown>,
): Promise<TestWheel> {
  const wheel = await writeWheel(path.join(source, 'wheels'), bytes);
  const catalogueFile = path.join(source, 'catalogue.json');
  const catalogue = JSON.parse(await readFile(catalogueFile, 'utf8')) as Record<string, unknown>;
  catalogue.approvedPackages = { [EVIL.name]: [EVIL.version] };
  if (limits) catalogue.limits = limits;
  await writeFile(catalogueFile, JSON.stringify(catalogue, null, 2));
  await writeFile(
    path.join(source, 'scripts', 'probe', 'requirements.lock'),
    `${EVIL.name}==${EVIL.version} --hash=sha256:${wheel.sha256}\n`,
  );
  return wheel;
}

/** A writable copy of the test catalogue source with {@link pinWheel} applied. */
export async function sourcePinning(
  bytes: Buffer,
  limits?: Record<string, unknown>,
): Promise<{ source: string; wheel: TestWheel }> {
  const source = await copySource();
  return { source, wheel: await pinWheel(source, bytes, limits) };
}

/**
 * Swaps the probe script's wheel in a published catalogue for `bytes` (blob, lock and document
 * entries) and signs the document again with `keyFile`: a validly signed catalogue carrying a wheel
 * `catalogue build` would have refused, as a stolen key or an older build could publish.
 */
export async function smuggleWheel(
  published: string,
  keyFile: string,
  bytes: Buffer,
  change: (document: CatalogueDocument) => void = () => {},
): Promise<void> {
  const blobs = path.join(published, 'blobs', 'sha256');
  const wheelSha256 = sha256Hex(bytes);
  const lock = Buffer.from(`${EVIL.name}==${EVIL.version} --hash=sha256:${wheelSha256}\n`);
  const lockSha256 = sha256Hex(lock);
  await writeFile(path.join(blobs, wheelSha256), bytes);
  await writeFile(path.join(blobs, lockSha256), lock);
  await resign(published, keyFile, (document) => {
    const probe = document.scripts.find((s) => s.manifest.id === 'probe')!;
    probe.wheels = [{ filename: EVIL.filename, sha256: wheelSha256, size: bytes.length }];
    Object.assign(
      probe.files.find((f) => f.path === 'requirements.lock')!,
      {
        sha256: lockSha256,
        size: lock.length,
      },
    );
    probe.lockSha256 = lockSha256;
    change(document);
  });
}

/** The bytes of the evil wheel with `extra` members. */
export function evilWheel(extra: readonly ZipEntry[]): Buffer {
  return zipBytes(wheelEntries(extra));
}
