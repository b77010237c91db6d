import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256File } from '../catalogue/hashing.js';
import { generateSigningKey, loadPublicKey } from '../catalogue/keys.js';
import { parseDuration, publishCatalogue } from '../catalogue/publish.js';
import { SourceError } from '../catalogue/source-reader.js';
import { CatalogueRejected, verifyCatalogue } from '../catalogue/verify.js';
import { CliError } from './cli-error.js';

type Print = (line: string) => void;

/** `scriptdesk keygen --out DIR` */
export async function keygenCommand(options: { out: string }, print: Print): Promise<void> {
  try {
    const { privateKeyFile, publicKeyFile, keyId } = await generateSigningKey(options.out);
    print(`Created signing key ${keyId}`);
    print(`  private: ${privateKeyFile}  (keep it secret; only the publisher needs it)`);
    print(`  public:  ${publicKeyFile}  (give it to every device: scriptdesk sync --pubkey ...)`);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

/** `scriptdesk catalogue build SRC --key KEY --out DIR [--expires 30d]` */
export async function catalogueBuildCommand(
  source: string,
  options: { key: string; out: string; expires: string },
  print: Print,
): Promise<void> {
  let validForMs: number;
  try {
    validForMs = parseDuration(options.expires);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
  try {
    const { document, keyId, blobCount } = await publishCatalogue({
      sourceDir: source,
      keyFile: options.key,
      outDir: options.out,
      validForMs,
    });
    print(
      `Published catalogue "${document.name}" version ${document.version} to ${path.resolve(options.out)}`,
    );
    print(
      `  ${document.scripts.length} scripts, ${blobCount} blobs, signed by key ${keyId}, expires ${document.expires}`,
    );
  } catch (error) {
    if (error instanceof SourceError || error instanceof Error) throw new CliError(error.message);
    throw error;
  }
}

/** `scriptdesk catalogue verify DIR --pubkey PUB` */
export async function catalogueVerifyCommand(
  dir: string,
  options: { pubkey: string },
  print: Print,
): Promise<void> {
  const key = await loadPublicKey(options.pubkey).catch((error: Error) => {
    throw new CliError(error.message);
  });
  let bytes: Buffer;
  let signatures: string;
  try {
    bytes = await readFile(path.join(dir, 'catalogue.json'));
    signatures = await readFile(path.join(dir, 'catalogue.sig'), 'utf8');
  } catch (error) {
    throw new CliError(
      `${dir}: not a published catalogue (${(error as NodeJS.ErrnoException).code}); it needs catalogue.json and catalogue.sig`,
    );
  }
  try {
    const { document, keyId } = verifyCatalogue(bytes, signatures, [key], new Date());
    let blobs = 0;
    for (const script of document.scripts) {
      for (const blob of [...script.files, ...script.wheels]) {
        const file = path.join(dir, 'blobs', 'sha256', blob.sha256);
        const actual = await sha256File(file).catch(() => null);
        if (!actual) throw new CliError(`${file}: missing (script ${script.manifest.id})`);
        if (actual.sha256 !== blob.sha256 || actual.size !== blob.size)
          throw new CliError(
            `${file}: content does not match its signed hash (script ${script.manifest.id})`,
          );
        blobs++;
      }
    }
    print(
      `OK: catalogue "${document.name}" version ${document.version}, signed by ${keyId}, ${document.scripts.length} scripts, ${blobs} blob references verified, expires ${document.expires}`,
    );
  } catch (error) {
    if (error instanceof CatalogueRejected) throw new CliError(`${dir}: ${error.message}`);
    throw error;
  }
}
