import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPrivateKey, signBytes } from '../catalogue/keys.js';
import {
  CATALOGUE_TYPE,
  MAX_DOCUMENT_BYTES,
  type CatalogueDocument,
  type SignatureList,
} from '../catalogue/document.js';
import { SourceError, type SourceProblem } from './source-reader.js';
import { APP_VERSION } from '../shared/version.js';
import { readAndCheckSource, type BuildCheckOptions } from './build-checks.js';
import { readProvenance } from './provenance.js';

/** Options of `scriptdesk catalogue build`. */
export interface PublishOptions extends BuildCheckOptions {
  sourceDir: string;
  /** One signing key, or several during a key rotation (each adds a signature). */
  keyFile: string | readonly string[];
  outDir: string;
  /** How long the catalogue stays valid, in milliseconds. */
  validForMs: number;
  now?: Date;
}

/** Parses "30d", "12h", "90m" into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d{1,5})([dhm])$/.exec(text.trim());
  if (!match)
    throw new Error(`--expires "${text}" is not a duration; write it like 30d, 12h or 90m`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new Error('--expires must be longer than zero');
  return ms;
}

/**
 * Validates a catalogue source, then writes the published folder — `catalogue.json`,
 * `catalogue.sig`, `blobs/sha256/<hex>` — next to `outDir` and swaps it in with renames, so
 * `outDir` is either the old complete catalogue or the new one, never a mix.
 */
export async function publishCatalogue(options: PublishOptions): Promise<{
  document: CatalogueDocument;
  keyIds: string[];
  blobCount: number;
  /** What the source's lint found ignored or only style: to print, never failing the build. */
  warnings: readonly SourceProblem[];
}> {
  const tree = await readAndCheckSource(options.sourceDir, options);
  const keyFiles = typeof options.keyFile === 'string' ? [options.keyFile] : [...options.keyFile];
  if (keyFiles.length === 0) throw new Error('at least one --key is needed to sign the catalogue');
  const keys = await Promise.all(keyFiles.map((file) => loadPrivateKey(file)));
  const keyIds = [...new Set(keys.map((k) => k.keyId))];
  if (keyIds.length !== keys.length) throw new Error('the same --key was given twice');
  const now = options.now ?? new Date();
  const previousVersion = await readPreviousVersion(options.outDir);
  const document: CatalogueDocument = {
    type: CATALOGUE_TYPE,
    specVersion: 1,
    name: tree.source.name,
    publisher: tree.source.publisher,
    audience: tree.source.audience,
    version: previousVersion + 1,
    issuedAt: now.toISOString(),
    expires: new Date(now.getTime() + options.validForMs).toISOString(),
    minAppVersion: APP_VERSION,
    groups: tree.source.groups,
    // Only when set, so catalogues without limits keep the document shape older devices accept.
    ...(tree.source.limits ? { limits: tree.source.limits } : {}),
    provenance: {
      ...(await readProvenance(options.sourceDir, {
        testsSkipped: options.skipTests ?? false,
        now,
      })),
      scriptsWithTests: tree.scriptsWithTests,
    },
    scripts: tree.scripts.map((script) => ({
      manifest: withoutSchemaPointer(script.manifest),
      files: script.files.map(({ path: p, sha256, size }) => ({ path: p, sha256, size })),
      wheels: script.wheels.map(({ path: filename, sha256, size }) => ({ filename, sha256, size })),
      schemaSha256: script.schemaSha256,
      lockSha256: script.lockSha256,
      validator: { sha256: script.validator.sha256, size: script.validator.size },
    })),
  };
  const bytes = Buffer.from(JSON.stringify(document, null, 2) + '\n', 'utf8');
  if (bytes.length > MAX_DOCUMENT_BYTES)
    throw new SourceError(
      options.sourceDir,
      `the catalogue document would be ${bytes.length} bytes, over the ${MAX_DOCUMENT_BYTES} clients accept; split it into several catalogues`,
    );
  const signatures: SignatureList = keys.map(({ key, keyId }) => ({
    keyId,
    sig: signBytes(bytes, key),
  }));

  const outDir = path.resolve(options.outDir);
  await mkdir(path.dirname(outDir), { recursive: true });
  const staging = `${outDir}.staging-${randomBytes(4).toString('hex')}`;
  try {
    const blobDir = path.join(staging, 'blobs', 'sha256');
    await mkdir(blobDir, { recursive: true });
    const blobs = new Map<string, string>();
    const generated = new Map<string, Buffer>();
    for (const script of tree.scripts) {
      for (const file of [...script.files, ...script.wheels]) blobs.set(file.sha256, file.absolute);
      generated.set(script.validator.sha256, script.validator.bytes);
    }
    for (const [sha256, absolute] of blobs) await copyFile(absolute, path.join(blobDir, sha256));
    for (const [sha256, bytes] of generated) await writeFile(path.join(blobDir, sha256), bytes);
    await writeFile(path.join(staging, 'catalogue.json'), bytes);
    await writeFile(
      path.join(staging, 'catalogue.sig'),
      JSON.stringify(signatures, null, 2) + '\n',
    );
    await swapIn(staging, outDir);
    const blobCount = new Set([...blobs.keys(), ...generated.keys()]).size;
    return { document, keyIds, blobCount, warnings: tree.warnings };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function withoutSchemaPointer<T extends { $schema?: string | undefined }>(
  manifest: T,
): Omit<T, '$schema'> {
  const { $schema: _ignored, ...rest } = manifest;
  return rest;
}

async function readPreviousVersion(outDir: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path.join(outDir, 'catalogue.json'), 'utf8');
  } catch {
    return 0;
  }
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    if (typeof version === 'number' && Number.isInteger(version) && version > 0) return version;
  } catch {
    // fall through to the error below
  }
  throw new SourceError(
    path.join(outDir, 'catalogue.json'),
    'exists but has no readable integer "version"; choose an empty --out or restore the file',
  );
}

async function swapIn(staging: string, outDir: string): Promise<void> {
  const old = `${outDir}.old-${randomBytes(4).toString('hex')}`;
  let hadOld = true;
  try {
    await rename(outDir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    hadOld = false;
  }
  try {
    await rename(staging, outDir);
  } catch (error) {
    if (hadOld) await rename(old, outDir);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}
