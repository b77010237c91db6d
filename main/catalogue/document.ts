import { z } from 'zod';
import { CatalogueSourceSchema, ScriptManifestSchema } from './manifest.js';

/** The `type` of a published catalogue document; anything else is refused. */
export const CATALOGUE_TYPE = 'scriptdesk-catalogue';

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const FileEntrySchema = z
  .object({
    path: z.string().min(1).max(255),
    sha256: Sha256Hex,
    size: z.number().int().nonnegative(),
  })
  .strict();
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const WheelEntrySchema = z
  .object({
    filename: z.string().regex(/^[A-Za-z0-9_.+-]+\.whl$/),
    sha256: Sha256Hex,
    size: z.number().int().nonnegative(),
  })
  .strict();
export type WheelEntry = z.infer<typeof WheelEntrySchema>;

/** A blob that is not a file of the script: the form validator `catalogue build` generated. */
export const BlobEntrySchema = z
  .object({ sha256: Sha256Hex, size: z.number().int().nonnegative() })
  .strict();
export type BlobEntry = z.infer<typeof BlobEntrySchema>;

export const PublishedScriptSchema = z
  .object({
    manifest: ScriptManifestSchema,
    files: z.array(FileEntrySchema).min(1).max(500),
    wheels: z.array(WheelEntrySchema).max(500),
    schemaSha256: Sha256Hex,
    lockSha256: Sha256Hex,
    /**
     * The form's precompiled validator module (see forms/validator-codegen.ts). Absent in
     * catalogues published before validators were; the device then makes its own.
     */
    validator: BlobEntrySchema.optional(),
  })
  .strict();
export type PublishedScript = z.infer<typeof PublishedScriptSchema>;

/**
 * The publisher's limits, when catalogue.json sets any. No upper bound here on purpose: a device
 * applies its own ceiling (MAX_WHEEL_UNCOMPRESSED_CEILING) to the one wheel concerned instead of
 * refusing the whole catalogue, so a too-high figure fails only the scripts that need such a wheel.
 */
export const PublishedLimitsSchema = z
  .object({ maxWheelUncompressedBytes: z.number().int().positive().optional() })
  .strict();

/**
 * Where a catalogue was built from, recorded by `catalogue build` (absent in catalogues built
 * before it was): the source's git commit and branch and whether its folder had no uncommitted
 * changes (null when it is not in a git work tree), who built it, when, and whether the scripts'
 * tests were skipped. Devices keep it and journal the commit with every run.
 */
export const ProvenanceSchema = z
  .object({
    commit: z
      .string()
      .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/)
      .nullable(),
    branch: z.string().min(1).max(255).nullable(),
    clean: z.boolean().nullable(),
    builtBy: z.string().min(1).max(200),
    builtAt: z.iso.datetime(),
    testsSkipped: z.boolean(),
    /**
     * The scripts whose source held a `tests/` folder (run at build unless `testsSkipped`). Tests
     * are not published, so this is how a review of the published catalogue sees them go.
     */
    scriptsWithTests: z.array(z.string().max(64)).max(10_000).optional(),
  })
  .strict();
export type CatalogueProvenance = z.infer<typeof ProvenanceSchema>;

/** The signed document clients sync. */
export const CatalogueDocumentSchema = z
  .object({
    type: z.literal(CATALOGUE_TYPE),
    specVersion: z.literal(1),
    name: z.string(),
    publisher: z.string(),
    audience: CatalogueSourceSchema.shape.audience,
    version: z.number().int().positive(),
    issuedAt: z.iso.datetime(),
    expires: z.iso.datetime(),
    minAppVersion: z.string(),
    groups: CatalogueSourceSchema.shape.groups,
    scripts: z.array(PublishedScriptSchema).max(10_000),
    limits: PublishedLimitsSchema.optional(),
    provenance: ProvenanceSchema.optional(),
  })
  .strict();
export type CatalogueDocument = z.infer<typeof CatalogueDocumentSchema>;

/** `catalogue.sig`: one or more detached Ed25519 signatures over the exact document bytes. */
export const SignatureListSchema = z
  .array(
    z
      .object({
        keyId: z.string().regex(/^[0-9a-f]{16}$/),
        sig: z.string().regex(/^[A-Za-z0-9+/]+=*$/),
      })
      .strict(),
  )
  .min(1)
  .max(8);
export type SignatureList = z.infer<typeof SignatureListSchema>;

/** Largest `catalogue.json` a client will read. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * True when `p` is a safe relative file path inside a script folder: forward slashes only, no
 * absolute paths, drive letters, `..` or `.` segments, backslashes or control characters.
 */
export function isSafeRelativePath(p: string): boolean {
  if (p.length === 0 || p.length > 255) return false;
  if (p.startsWith('/') || p.includes('\\') || /^[A-Za-z]:/.test(p)) return false;
  if ([...p].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  return p.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
