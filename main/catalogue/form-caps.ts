import { schemaCapProblems } from '../../forms/schema-caps.js';
import { sha256Hex } from '../shared/hashing.js';
import { NotARegularFile, readRegularFile } from '../shared/regular-file.js';
import type { ContentStore } from './content-store.js';
import type { CatalogueDocument } from './document.js';
import { CatalogueRejected } from './verify.js';

/**
 * Applies the form caps of `catalogue build` (`forms/schema-caps.ts`: properties, depth, list and
 * text sizes, the walker's bounds) again on this device to every script of a document being
 * synced, from the verified store copy of its `form.schema.json`: a signature says who published
 * a form, not that this device can serve it, so a hand-signed oversized form is refused here too.
 * Throws a {@link CatalogueRejected} (`too_large`) naming the script, the cap and the fix; the
 * installed catalogue then stays in use.
 */
export async function checkFormCaps(
  store: ContentStore,
  document: CatalogueDocument,
): Promise<void> {
  for (const script of document.scripts) {
    const entry = script.files.find((file) => file.path === 'form.schema.json');
    if (!entry) continue; // every run of such a script is refused when its form is read
    const id = script.manifest.id;
    let schema: unknown;
    try {
      const read = await readRegularFile(store.pathOf(entry.sha256), entry.size);
      if (!read || sha256Hex(read.bytes) !== entry.sha256) continue; // materialising refetches it
      schema = JSON.parse(read.bytes.toString('utf8'));
    } catch (error) {
      if (error instanceof NotARegularFile) continue;
      if (error instanceof SyntaxError)
        throw new CatalogueRejected(
          'malformed',
          `the form of script ${id} (form.schema.json) is not JSON; the publisher must fix it and publish again`,
        );
      throw error;
    }
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) continue;
    const problems = schemaCapProblems(schema as Record<string, unknown>);
    if (problems.length)
      throw new CatalogueRejected(
        'too_large',
        `script ${id} was refused: its form is over what this device accepts (form.schema.json ${problems[0]}); the publisher must shrink the form and publish again`,
      );
  }
}
