import { z } from 'zod';
import {
  CatalogueDocumentSchema,
  SignatureListSchema,
  type CatalogueDocument,
} from './document.js';
import { verifyBytes, type PublicKeyInfo } from './keys.js';
import { describeZodIssues } from './manifest.js';

/** Why a catalogue was refused: a short code for audit and a sentence for people. */
export class CatalogueRejected extends Error {
  constructor(
    readonly reason:
      | 'bad_signature'
      | 'unknown_key'
      | 'malformed'
      | 'rollback'
      | 'same_version_other_bytes'
      | 'expired'
      | 'unsafe_path'
      | 'bad_blob'
      | 'too_large'
      | 'unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'CatalogueRejected';
  }
}

/**
 * Checks the detached signatures over the exact document bytes against the trusted keys and only
 * then parses the document. Returns the document and the id of the key that signed it.
 */
export function verifyCatalogue(
  bytes: Uint8Array,
  signatureText: string,
  trusted: readonly PublicKeyInfo[],
  now: Date,
): { document: CatalogueDocument; keyId: string } {
  let signatures;
  try {
    signatures = SignatureListSchema.parse(JSON.parse(signatureText));
  } catch {
    throw new CatalogueRejected('bad_signature', 'catalogue.sig is not a valid signature list');
  }
  const known = signatures.filter((s) => trusted.some((k) => k.keyId === s.keyId));
  if (known.length === 0) {
    throw new CatalogueRejected(
      'unknown_key',
      `catalogue.sig is signed by key ${signatures.map((s) => s.keyId).join(', ')}, which this device does not trust`,
    );
  }
  const good = known.find((s) =>
    verifyBytes(bytes, s.sig, trusted.find((k) => k.keyId === s.keyId)!.key),
  );
  if (!good)
    throw new CatalogueRejected(
      'bad_signature',
      'the signature of catalogue.json does not match its content (changed in transit or on the server)',
    );

  let document: CatalogueDocument;
  try {
    document = CatalogueDocumentSchema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch (error) {
    const detail =
      error instanceof z.ZodError ? describeZodIssues(error)[0] : (error as Error).message;
    throw new CatalogueRejected(
      'malformed',
      `catalogue.json is signed but not a valid catalogue: ${detail}`,
    );
  }
  if (Date.parse(document.expires) <= now.getTime()) {
    throw new CatalogueRejected(
      'expired',
      `catalogue version ${document.version} expired on ${document.expires}; ask your administrator to publish a new one`,
    );
  }
  return { document, keyId: good.keyId };
}
