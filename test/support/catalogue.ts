import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openScriptDeskApp, type AppOptions, type ScriptDeskApp } from '../../main/app/app.js';
import type { CatalogueDocument } from '../../main/catalogue/document.js';
import {
  generateSigningKey,
  loadPrivateKey,
  loadPublicKey,
  signBytes,
} from '../../main/catalogue/keys.js';
import { publishCatalogue } from '../../main/publishing/publish.js';
import { folderSource } from '../../main/catalogue/sources.js';
import { tempDir } from './temp.js';

// Kept in its own module so the Playwright suite can use it without vitest (`temp.ts`).
export { addTestScript } from './test-script.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURE_SOURCE = path.join(REPO, 'test', 'fixtures', 'catalogue');
export const DEMO_SOURCE = path.join(REPO, 'examples', 'catalogue');

/** A signing key pair in a temp folder. */
export async function makeKeys() {
  return generateSigningKey(await tempDir('scriptdesk-keys-'));
}

/** A writable copy of a catalogue source, for tests that break it. */
export async function copySource(source = FIXTURE_SOURCE): Promise<string> {
  const dir = path.join(await tempDir('scriptdesk-src-'), 'src');
  await cp(source, dir, { recursive: true });
  return dir;
}

/** Publishes `source` with a new key into a temp folder. */
export async function publish(source = FIXTURE_SOURCE, validForMs = 86_400_000) {
  const keys = await makeKeys();
  const published = path.join(await tempDir('scriptdesk-pub-'), 'published');
  const result = await publishCatalogue({
    sourceDir: source,
    keyFile: keys.privateKeyFile,
    outDir: published,
    validForMs,
  });
  return { keys, published, ...result };
}

/** The ids of the fixture catalogue's scripts, in the order a listing returns them. */
export const FIXTURE_SCRIPT_IDS = ['argparse-probe', 'probe', 'secret-probe'];

/** An app on a fresh home with `source` published, trusted and synced. */
export async function appWithCatalogue(
  source = FIXTURE_SOURCE,
  options: Omit<AppOptions, 'home'> & { home?: string } = {},
): Promise<{
  app: ScriptDeskApp;
  home: string;
  published: string;
  keys: Awaited<ReturnType<typeof makeKeys>>;
}> {
  const { keys, published } = await publish(source);
  const home = options.home ?? (await tempDir('scriptdesk-home-'));
  const app = await openScriptDeskApp({ home, logError: () => {}, ...options });
  await app.services.trust.add(await loadPublicKey(keys.publicKeyFile));
  await app.services.catalogue.sync(folderSource(published));
  return { app, home, published, keys };
}

/** Flips one bit of the byte at `offset` (negative counts from the end) of `file`. */
export async function flipByte(file: string, offset = -10): Promise<void> {
  const bytes = await readFile(file);
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = bytes[at]! ^ 0x01;
  await writeFile(file, bytes);
}

/**
 * Rewrites a published `catalogue.json` with `change` applied and signs the result with
 * `keyFile`: a validly signed document saying whatever a test needs.
 */
export async function resign(
  published: string,
  keyFile: string,
  change: (document: CatalogueDocument) => void,
): Promise<void> {
  const document = JSON.parse(
    await readFile(path.join(published, 'catalogue.json'), 'utf8'),
  ) as CatalogueDocument;
  change(document);
  const bytes = Buffer.from(JSON.stringify(document, null, 2) + '\n');
  const { key, keyId } = await loadPrivateKey(keyFile);
  await writeFile(path.join(published, 'catalogue.json'), bytes);
  await writeFile(
    path.join(published, 'catalogue.sig'),
    JSON.stringify([{ keyId, sig: signBytes(bytes, key) }]),
  );
}
