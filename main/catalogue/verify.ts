import type { z } from 'zod';
import {
  CATALOGUE_TYPE,
  CatalogueDocumentSchema,
  isSafeRelativePath,
  SignatureListSchema,
  type CatalogueDocument,
} from './document.js';
import { REJECTION_REASONS, type RejectionReason } from '../contract/api.js';
import { verifyBytes, type PublicKeyInfo } from './keys.js';
import { describeZodIssues } from '../shared/zod-issues.js';

export { REJECTION_REASONS, type RejectionReason };

/** Why a catalogue was refused: a short code for audit and a sentence for people. */
export class CatalogueRejected extends Error {
  constructor(
    readonly reason: RejectionReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CatalogueRejected';
  }
}

/**
 * Checks the detached signatures in `catalogue.sig` over the exact document bytes against the
 * trusted keys, parsing nothing of the document; returns the id of the key whose signature holds.
 */
export function verifySignature(
  bytes: Uint8Array,
  signatureText: string,
  trusted: readonly PublicKeyInfo[],
): string {
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
      `catalogue.sig is signed by key ${signatures.map((s) => s.keyId).join(', ')}, which this device does not trust (trusted: ${trusted.map((k) => k.keyId).join(', ') || 'none'})`,
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
  return good.keyId;
}

/**
 * Checks the detached signatures over the exact document bytes against the trusted keys and only
 * then parses the document. Returns the document and the id of the key whose signature verified.
 * Freshness, audience and paths are separate checks ({@link checkDocument}).
 */
export function verifySignedDocument(
  bytes: Uint8Array,
  signatureText: string,
  trusted: readonly PublicKeyInfo[],
): { document: CatalogueDocument; keyId: string } {
  const keyId = verifySignature(bytes, signatureText, trusted);

  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new CatalogueRejected(
      'malformed',
      `catalogue.json is signed but not JSON: ${(error as Error).message}`,
    );
  }
  const type = (parsed as { type?: unknown } | null)?.type;
  if (type !== CATALOGUE_TYPE) {
    throw new CatalogueRejected(
      'wrong_type',
      `the signed document has type ${JSON.stringify(type)?.slice(0, 60)}, not "${CATALOGUE_TYPE}"; it is not a catalogue`,
    );
  }
  const result = CatalogueDocumentSchema.safeParse(parsed);
  if (!result.success) {
    throw new CatalogueRejected(
      'malformed',
      `catalogue.json is signed but not a valid catalogue: ${describeZodIssues(result.error as z.ZodError)[0]}`,
    );
  }
  return { document: result.data, keyId };
}

/** Refuses a document whose audience is not the one this device is pinned to. */
export function checkAudience(document: CatalogueDocument, audience: string | undefined): void {
  if (audience !== undefined && document.audience !== audience) {
    throw new CatalogueRejected(
      'wrong_audience',
      `the catalogue is for audience "${document.audience}", but this device belongs to "${audience}"`,
    );
  }
}

/** Refuses a catalogue that needs a newer ScriptDesk than `appVersion` (it may use what this one lacks). */
export function checkAppVersion(document: CatalogueDocument, appVersion: string): void {
  if (compareVersions(appVersion, document.minAppVersion) < 0) {
    throw new CatalogueRejected(
      'app_too_old',
      `catalogue version ${document.version} needs ScriptDesk ${document.minAppVersion} or later, and this is ${appVersion}; update ScriptDesk`,
    );
  }
}

/** Compares dotted numeric versions ("1.10.0" > "1.9.2"); a pre-release suffix is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]!
      .split('.')
      .map((n) => Number(n) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** True when the document has expired at `trustedNow` (the later of the clock and the latest time seen). */
export function isExpired(document: Pick<CatalogueDocument, 'expires'>, trustedNow: Date): boolean {
  return Date.parse(document.expires) <= trustedNow.getTime();
}

export function checkNotExpired(document: CatalogueDocument, trustedNow: Date): void {
  if (isExpired(document, trustedNow)) {
    throw new CatalogueRejected(
      'expired',
      `catalogue version ${document.version} expired on ${document.expires} (trusted time is ${trustedNow.toISOString()}); ask your administrator to publish a new one`,
    );
  }
}

/**
 * Refuses file lists a client must never write to disk: unsafe paths (absolute, `..`, backslashes,
 * drive letters), a path listed twice or used as both a file and a folder, and duplicate script ids.
 */
export function checkPaths(document: CatalogueDocument): void {
  const ids = new Set<string>();
  for (const script of document.scripts) {
    const id = script.manifest.id;
    if (ids.has(id))
      throw new CatalogueRejected('malformed', `the catalogue lists script ${id} twice`);
    ids.add(id);
    const paths = new Set<string>();
    for (const file of script.files) {
      if (!isSafeRelativePath(file.path)) {
        throw new CatalogueRejected(
          'unsafe_path',
          `script ${id} lists file ${JSON.stringify(file.path.slice(0, 80))}, which is not a safe relative path`,
        );
      }
      paths.add(file.path);
    }
    for (const p of paths) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) {
        if (paths.has(parts.slice(0, i).join('/')))
          throw new CatalogueRejected(
            'unsafe_path',
            `script ${id} lists ${parts.slice(0, i).join('/')} both as a file and as a folder`,
          );
      }
    }
    if (paths.size !== script.files.length)
      throw new CatalogueRejected('unsafe_path', `script ${id} lists the same file path twice`);
    if (!paths.has(script.manifest.entrypoint))
      throw new CatalogueRejected(
        'malformed',
        `script ${id} has no file for its entrypoint ${script.manifest.entrypoint}`,
      );
  }
}
