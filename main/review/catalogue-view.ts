import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { BlobMismatch, readVerifiedBlob } from '../catalogue/content-store.js';
import {
  CATALOGUE_TYPE,
  CatalogueDocumentSchema,
  MAX_DOCUMENT_BYTES,
  type CatalogueDocument,
} from '../catalogue/document.js';
import type { PublicKeyInfo } from '../catalogue/keys.js';
import type { ScriptManifest } from '../catalogue/manifest.js';
import { sourceFor, type CatalogueSourceReader } from '../catalogue/sources.js';
import { CatalogueRejected, checkPaths, verifySignature } from '../catalogue/verify.js';
import { parseWheelFilename } from '../publishing/lock-file.js';
import { readCatalogueSource, SourceError } from '../publishing/source-reader.js';
import { describeZodIssues } from '../shared/zod-issues.js';
import { readProvenance, type Provenance } from './provenance.js';

/** A file of a script, as either side lists it. */
export interface ViewFile {
  path: string;
  sha256: string;
  size: number;
}

/** A wheel a script's lock pins. */
export interface ViewPackage {
  name: string;
  version: string;
  filename: string;
  sha256: string;
}

/** One script as the review sees it, whichever form the catalogue came in. */
export interface ViewScript {
  manifest: Omit<ScriptManifest, '$schema'>;
  files: ViewFile[];
  packages: ViewPackage[];
  /**
   * Whether the script has a `tests/` folder: seen in a source; in a published catalogue, from its
   * provenance's `scriptsWithTests` (tests are not published); null when that is not recorded.
   */
  hasTests: boolean | null;
}

/** One side of a review: a catalogue source, a published catalogue, or nothing published yet. */
export interface CatalogueView {
  /** The folder or URL as given. */
  location: string;
  kind: 'source' | 'published' | 'nothing';
  name: string;
  audience: string;
  /** The published version; absent for a source. */
  version?: number;
  /** Who signed it, when a trusted key was given; null when the signature was not checked. */
  signedBy: string | null;
  groups: Record<string, string[]>;
  /** Where a published catalogue was built from (absent in catalogues built without it). */
  provenance: Provenance | null;
  scripts: Map<string, ViewScript>;
  /** The bytes of a script's file, checked against its hash. */
  read(scriptId: string, file: ViewFile): Promise<Buffer>;
}

/** A side that cannot be read, said in one line naming it and the fix. */
export class ReviewInputError extends Error {
  override name = 'ReviewInputError';
}

/** How each side is opened. */
export interface OpenOptions {
  /** Keys to check published signatures with; none means signatures are not checked. */
  trusted: readonly PublicKeyInfo[];
  /** Treat a location with no catalogue.json (404, empty or missing folder) as nothing published. */
  allowMissing?: boolean;
}

/**
 * Opens a folder or URL for review: a URL or a folder with `catalogue.sig` is a published
 * catalogue, a folder with `catalogue.json` and `scripts/` a catalogue source.
 */
export async function openCatalogue(
  location: string,
  options: OpenOptions,
): Promise<CatalogueView> {
  if (/^https?:\/\//i.test(location)) return openPublished(location, options);
  const kind = await folderKind(location);
  if (kind === 'published') return openPublished(location, options);
  if (kind === 'source') return openSource(location);
  if (options.allowMissing && kind === 'nothing') return nothingAt(location);
  throw new ReviewInputError(
    kind === 'nothing'
      ? `${location}: no such folder; give a published catalogue folder, a catalogue source folder or a URL`
      : `${location}: not a catalogue (no catalogue.json with catalogue.sig, nor catalogue.json with scripts/); give a published folder, a source folder or a URL`,
  );
}

async function folderKind(dir: string): Promise<'published' | 'source' | 'nothing' | 'other'> {
  const exists = async (name: string) =>
    stat(path.join(dir, name)).then(
      () => true,
      () => false,
    );
  if (!(await exists('.'))) return 'nothing';
  if (await exists('catalogue.sig')) return 'published';
  if ((await exists('catalogue.json')) && (await exists('scripts'))) return 'source';
  if (!(await exists('catalogue.json')) && !(await exists('scripts'))) {
    // An empty folder (a static host's root before the first publication) holds nothing yet.
    if ((await readdir(dir)).length === 0) return 'nothing';
  }
  return 'other';
}

function nothingAt(location: string): CatalogueView {
  return {
    location,
    kind: 'nothing',
    name: '',
    audience: '',
    signedBy: null,
    groups: {},
    provenance: null,
    scripts: new Map(),
    read: () => Promise.reject(new Error('nothing is published here')),
  };
}

async function openSource(dir: string): Promise<CatalogueView> {
  let tree;
  try {
    tree = await readCatalogueSource(dir);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    throw new ReviewInputError(
      `${dir}: the catalogue source has ${error.problems.length} problem(s); fix them (scriptdesk catalogue build lists them) and review again`,
      { cause: error },
    );
  }
  const absolute = new Map<string, string>();
  const scripts = new Map<string, ViewScript>();
  for (const script of tree.scripts) {
    const { $schema: _pointer, ...manifest } = script.manifest;
    for (const file of script.files) absolute.set(`${manifest.id}/${file.path}`, file.absolute);
    scripts.set(manifest.id, {
      manifest,
      files: script.files.map(({ path: p, sha256, size }) => ({ path: p, sha256, size })),
      packages: script.wheels.map((wheel) => packageOf(wheel.path, wheel.sha256)),
      hasTests: await stat(path.join(dir, 'scripts', manifest.id, 'tests')).then(
        (info) => info.isDirectory(),
        () => false,
      ),
    });
  }
  return {
    location: dir,
    kind: 'source',
    name: tree.source.name,
    audience: tree.source.audience,
    signedBy: null,
    groups: tree.source.groups,
    provenance: null,
    scripts,
    read: (scriptId, file) => readFile(absolute.get(`${scriptId}/${file.path}`)!),
  };
}

function packageOf(filename: string, sha256: string): ViewPackage {
  const named = parseWheelFilename(filename);
  return { name: named?.name ?? filename, version: named?.version ?? '?', filename, sha256 };
}

async function openPublished(location: string, options: OpenOptions): Promise<CatalogueView> {
  const reader = sourceFor(location);
  let bytes: Buffer;
  let signatures: string;
  try {
    const read = await reader.readDocument(MAX_DOCUMENT_BYTES);
    if (read.kind !== 'document') throw new Error('unreachable: unconditional read answered 304');
    bytes = read.bytes;
    signatures = await reader.readSignatures();
  } catch (error) {
    if (!(error instanceof CatalogueRejected)) throw error;
    if (options.allowMissing && isNotFound(error)) return nothingAt(location);
    throw new ReviewInputError(`${location}: ${error.message}`, { cause: error });
  }
  let signedBy: string | null = null;
  try {
    if (options.trusted.length) signedBy = verifySignature(bytes, signatures, options.trusted);
  } catch (error) {
    if (!(error instanceof CatalogueRejected)) throw error;
    throw new ReviewInputError(
      `${location}: ${error.message}; review only a catalogue signed by a key you trust (--pubkey)`,
      { cause: error },
    );
  }
  const { document, provenance } = parseDocument(bytes, location);
  try {
    checkPaths(document);
  } catch (error) {
    if (!(error instanceof CatalogueRejected)) throw error;
    throw new ReviewInputError(`${location}: ${error.message}`, { cause: error });
  }
  const scripts = new Map<string, ViewScript>();
  for (const script of document.scripts)
    scripts.set(script.manifest.id, {
      manifest: script.manifest,
      files: script.files,
      packages: script.wheels.map((wheel) => packageOf(wheel.filename, wheel.sha256)),
      hasTests: provenance?.scriptsWithTests?.includes(script.manifest.id) ?? null,
    });
  return {
    location,
    kind: 'published',
    name: document.name,
    audience: document.audience,
    version: document.version,
    signedBy,
    groups: document.groups,
    provenance,
    scripts,
    read: (scriptId, file) => readBlob(reader, scriptId, file),
  };
}

/**
 * The document without `provenance` parsed as this version knows it, and `provenance` read on its
 * own: newer builds add it, and a field this version does not know must not stop a review.
 */
function parseDocument(
  bytes: Buffer,
  location: string,
): { document: CatalogueDocument; provenance: Provenance | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ReviewInputError(
      `${location}: catalogue.json is not JSON (${(error as Error).message}); publish it again with scriptdesk catalogue build`,
    );
  }
  const raw = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  if (raw.type !== CATALOGUE_TYPE)
    throw new ReviewInputError(
      `${location}: catalogue.json is not a ScriptDesk catalogue (its type is not "${CATALOGUE_TYPE}"); give a published catalogue folder or URL`,
    );
  const { provenance, ...rest } = raw;
  const result = CatalogueDocumentSchema.safeParse(rest);
  if (!result.success)
    throw new ReviewInputError(
      `${location}: catalogue.json is not a valid catalogue: ${describeZodIssues(result.error)[0]}; publish it again with scriptdesk catalogue build`,
    );
  return { document: result.data, provenance: readProvenance(provenance) };
}

/** A 404 (or a folder without catalogue.json): nothing has been published there yet. */
function isNotFound(error: CatalogueRejected): boolean {
  return / answered 404 |\(ENOENT\)/.test(error.message);
}

async function readBlob(
  reader: CatalogueSourceReader,
  scriptId: string,
  file: ViewFile,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  try {
    await readVerifiedBlob(
      file.sha256,
      file.size,
      await reader.openBlob(file.sha256, file.size),
      (chunk) => {
        parts.push(Buffer.from(chunk));
      },
    );
  } catch (error) {
    if (error instanceof BlobMismatch || error instanceof CatalogueRejected)
      throw new ReviewInputError(
        `${reader.location}: ${scriptId}/${file.path} (blobs/sha256/${file.sha256}): ${error.message}; publish the catalogue again`,
        { cause: error },
      );
    throw error;
  }
  return Buffer.concat(parts);
}
