import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../shared/hashing.js';
import type { CatalogueDocument, PublishedScript } from './document.js';
import type { PublicKeyInfo } from './keys.js';
import { verifySignedDocument, CatalogueRejected } from './verify.js';

/** The catalogue this device runs from, verified again each time it is loaded from disk. */
export interface InstalledCatalogue {
  document: CatalogueDocument;
  bytes: Buffer;
  signatures: string;
  /** Folder with the script's files, materialised from the store at sync time. */
  scriptDir(script: PublishedScript): string;
}

/**
 * The folder a script's files are materialised into: named by the digest of its file list. Worked
 * out once per script object: a sync with nothing new asks it of every script of the installed
 * catalogue (the same objects each time) to find folders to restore.
 */
export function scriptFolderName(script: PublishedScript): string {
  let name = FOLDER_NAMES.get(script);
  if (name === undefined) {
    name = `${script.manifest.id}-${sha256Hex(JSON.stringify(script.files)).slice(0, 16)}`;
    FOLDER_NAMES.set(script, name);
  }
  return name;
}

const FOLDER_NAMES = new WeakMap<PublishedScript, string>();

/**
 * Loads the installed catalogue (`catalogue/current`), checking its signature against the trusted
 * keys. Returns null when none was ever synced; throws {@link CatalogueRejected} when it no longer
 * verifies (a key was removed or the file was edited). Expiry is the caller's decision.
 */
export async function loadInstalledCatalogue(
  catalogueDir: string,
  scriptsDir: string,
  trusted: readonly PublicKeyInfo[],
): Promise<InstalledCatalogue | null> {
  const found = await readInstalledPair(catalogueDir);
  if (!found) return null;
  const { bytes, signatures } = found;
  const { document } = verifySignedDocument(bytes, signatures, trusted);
  return {
    document,
    bytes,
    signatures,
    scriptDir: (script) => path.join(scriptsDir, scriptFolderName(script)),
  };
}

export { CatalogueRejected };

/**
 * The installed document and its signatures exactly as synced: `current`, or `previous` when a
 * crash fell between the two renames of an install. Null when nothing was ever installed.
 */
export async function readInstalledPair(
  catalogueDir: string,
): Promise<{ bytes: Buffer; signatures: string } | null> {
  return (
    (await readPair(path.join(catalogueDir, 'current'))) ??
    (await readPair(path.join(catalogueDir, 'previous')))
  );
}

async function readPair(dir: string): Promise<{ bytes: Buffer; signatures: string } | null> {
  try {
    return {
      bytes: await readFile(path.join(dir, 'catalogue.json')),
      signatures: await readFile(path.join(dir, 'catalogue.sig'), 'utf8'),
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Which install is on disk: the identity of the `current` and `previous` folders, which every
 * install replaces by renaming. Equal stamps, the same install; two `stat` calls to tell.
 */
async function installStamp(catalogueDir: string): Promise<string> {
  const stamps = await Promise.all(
    ['current', 'previous'].map((name) =>
      stat(path.join(catalogueDir, name), { bigint: true }).then(
        (info) => `${info.dev}:${info.ino}:${info.mtimeNs}`,
        () => '-',
      ),
    ),
  );
  return stamps.join('|');
}

/**
 * The installed catalogue as last read and verified, read again when another install has
 * replaced it on disk since (`scriptdesk sync` or another window, as well as this process).
 */
export class InstalledCatalogueReader {
  private cached: InstalledCatalogue | null | undefined;
  private stamp: string | undefined;

  constructor(
    private readonly catalogueDir: string,
    private readonly scriptsDir: string,
  ) {}

  /** The installed catalogue, or null when none was synced; throws `CatalogueRejected`. */
  async read(trusted: () => Promise<readonly PublicKeyInfo[]>): Promise<InstalledCatalogue | null> {
    const stamp = await installStamp(this.catalogueDir);
    if (this.cached === undefined || stamp !== this.stamp) {
      // Taken before the read: an install that lands during it is noticed by the next call.
      this.stamp = stamp;
      this.cached = await loadInstalledCatalogue(
        this.catalogueDir,
        this.scriptsDir,
        await trusted(),
      );
    }
    return this.cached;
  }

  /** Reads the install again next time (this process has just installed another). */
  forget(): void {
    this.cached = undefined;
  }
}
