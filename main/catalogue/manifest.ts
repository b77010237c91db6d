import { z } from 'zod';

/**
 * The formats admins write (`catalogue.json` and `scripts/<id>/script.json` in a catalogue
 * source). The zod schemas are the single source: types are inferred from them and the JSON
 * Schema files editors use are generated from them (`scriptdesk catalogue schemas`).
 */

export const SCRIPT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;

export const ExitCodeRuleSchema = z
  .object({
    status: z.enum(['success', 'expected', 'retriable', 'failed']),
    message: z.string().max(500).optional(),
  })
  .strict();

export const ScriptManifestSchema = z
  .object({
    $schema: z.string().optional(),
    id: z
      .string()
      .regex(
        SCRIPT_ID_PATTERN,
        'must be lower-case letters, digits and dashes, like "monthly-report"',
      ),
    title: z.string().min(1).max(120),
    summary: z.string().max(1000),
    category: z.string().min(1).max(60),
    version: z.string().regex(SEMVER, 'must be a semantic version like "1.2.0"'),
    entrypoint: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$/, 'must be a .py file name in the script folder'),
    python: z.string().max(40),
    timeoutSeconds: z.number().int().positive().max(86_400),
    secrets: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an environment variable name'))
      .max(20),
    allowed: z
      .object({
        users: z.array(z.string().min(1).max(128)).max(1000),
        groups: z.array(z.string().min(1).max(64)).max(100),
      })
      .strict(),
    destructive: z.boolean(),
    supportsDryRun: z.boolean(),
    requireReason: z.boolean(),
    exitCodes: z.record(
      z.string().regex(/^\d{1,3}$/, 'exit codes are numbers 0-255'),
      ExitCodeRuleSchema,
    ),
  })
  .strict();
/** A validated `script.json`. */
export type ScriptManifest = z.infer<typeof ScriptManifestSchema>;

export const CatalogueSourceSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).max(120),
    publisher: z.string().min(1).max(120),
    audience: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a short lower-case name like "acme-finance"'),
    approvedPackages: z.record(
      z.string().min(1).max(100),
      z.array(z.string().min(1).max(40)).max(100),
    ),
    groups: z.record(z.string().min(1).max(64), z.array(z.string().min(1).max(128)).max(10_000)),
  })
  .strict();
/** A validated catalogue source `catalogue.json`. */
export type CatalogueSource = z.infer<typeof CatalogueSourceSchema>;

/** Formats a zod failure as "field `x` reason" lines. */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const field = issue.path.length
      ? `field \`${issue.path.map(String).join('.')}\``
      : 'the document';
    return `${field} ${issue.message.replace(/^Invalid input: /, '')}`;
  });
}
