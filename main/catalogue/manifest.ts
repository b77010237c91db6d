import { z } from 'zod';
import { PresetNameSchema } from '../shared/preset-name.js';
import { SCRIPT_ID_PATTERN } from '../shared/script-id.js';
import {
  AdvisoryPolicySchema,
  LicencePolicySchema,
  TestSettingsSchema,
} from './governance-policy.js';

/**
 * The formats admins write (`catalogue.json` and `scripts/<id>/script.json` in a catalogue
 * source). The zod schemas are the single source: types are inferred from them and the JSON
 * Schema files editors use are generated from them (`scriptdesk catalogue schemas`), so the
 * descriptions below are what an admin sees on hover.
 */

export { SCRIPT_ID_PATTERN };
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?$/;

const SCHEMA_POINTER = z
  .string()
  .optional()
  .describe('The JSON Schema this file follows, for editor completion; ScriptDesk ignores it.');

export const ExitCodeRuleSchema = z
  .object({
    status: z
      .enum(['success', 'expected', 'retriable', 'failed'])
      .describe(
        'What the exit code means: "success" (the run worked), "expected" (a foreseen outcome such as no data, explained by the message), "retriable" (a passing problem; trying again later may work) or "failed" (an error).',
      ),
    message: z
      .string()
      .max(500)
      .optional()
      .describe('The sentence the analyst sees when the script ends with this code.'),
  })
  .strict()
  .describe('How ScriptDesk reports a run that ends with this exit code.');

const ARG_FLAG = z
  .string()
  .regex(
    /^--?[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'must be an option like "--month" or "-m" (letters, digits, "-" and "_")',
  );
const ARG_INPUT = z
  .string()
  .min(1)
  .max(200)
  .describe('The name of a top-level field of form.schema.json.');

/** One entry of an argv template: how an input (or the dry-run switch) becomes command-line arguments. */
export const ArgTemplateEntrySchema = z.union([
  z
    .object({
      flag: ARG_FLAG.describe('The option, like "--month".'),
      input: ARG_INPUT,
    })
    .strict()
    .describe(
      'Passes the input as one argument "--flag=value" (never two, so a value can never be read as an option): a true boolean as "--flag" alone, false or empty as nothing, a list as the option once per item.',
    ),
  z
    .object({
      flag: ARG_FLAG.describe('The option, like "--dry-run".'),
      dryRun: z.literal(true),
    })
    .strict()
    .describe('Passes the option alone when the analyst chose a dry run.'),
  z
    .object({
      command: z
        .string()
        .regex(
          /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
          'must be a sub-command name like "export" (letters, digits, ".", "-" and "_", not starting with "-")',
        )
        .describe('The sub-command, like "export".'),
    })
    .strict()
    .describe(
      'Passes the word alone, in its place among the options: the sub-command of a script whose argparse parser has sub-commands ("--verbose export --month=2026-01").',
    ),
  z
    .object({ positional: ARG_INPUT })
    .strict()
    .describe(
      'Passes the input as a positional argument; positionals come last, after "--", so a value starting with "-" stays a value.',
    ),
]);
export type ArgTemplateEntry = z.infer<typeof ArgTemplateEntrySchema>;

export const ScriptManifestSchema = z
  .object({
    $schema: SCHEMA_POINTER,
    id: z
      .string()
      .regex(
        SCRIPT_ID_PATTERN,
        'must be lower-case letters, digits and dashes, like "monthly-report"',
      )
      .describe(
        'The script id: lower-case letters, digits and dashes, the same as its folder name under scripts/.',
      ),
    title: z
      .string()
      .min(1)
      .max(120)
      .describe('The name analysts see in the script list, like "Monthly sales report".'),
    summary: z
      .string()
      .max(1000)
      .describe('A few plain sentences on what the script does and what it writes.'),
    category: z
      .string()
      .min(1)
      .max(60)
      .describe('The heading the script is listed under, like "Finance" or "Reporting".'),
    version: z
      .string()
      .regex(SEMVER, 'must be a semantic version like "1.2.0"')
      .describe(
        'The script version as major.minor.patch, like "1.2.0"; recorded with every run in the audit.',
      ),
    entrypoint: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$/, 'must be a .py file name in the script folder')
      .describe('The .py file in the script folder that ScriptDesk runs, like "main.py".'),
    python: z
      .string()
      .max(40)
      .describe('The Python versions the script needs, as a version specifier like ">=3.9".'),
    timeoutSeconds: z
      .number()
      .int()
      .positive()
      .max(86_400)
      .describe(
        'The longest a run may take, in seconds (1 to 86400); a run still going then is stopped and recorded as timed out.',
      ),
    secrets: z
      .array(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be an environment variable name'))
      .max(20)
      .describe(
        'Names of the secrets the script needs, each passed to it as an environment variable of that name, like "CRM_API_TOKEN" (at most 20).',
      ),
    allowed: z
      .object({
        users: z
          .array(z.string().min(1).max(128))
          .max(1000)
          .describe('User names that may see and run the script; "*" means everyone.'),
        groups: z
          .array(z.string().min(1).max(64))
          .max(100)
          .describe(
            'Groups whose members may see and run the script; each must be defined under "groups" in catalogue.json.',
          ),
      })
      .strict()
      .describe('Who may see and run the script: anyone named in users or in one of the groups.'),
    destructive: z
      .boolean()
      .describe(
        'True when a run changes or deletes things outside its output folder; analysts then confirm before a real run.',
      ),
    supportsDryRun: z
      .boolean()
      .describe(
        'True when the script honours SCRIPTDESK_DRY_RUN=1 by reporting what it would do without doing it.',
      ),
    requireReason: z
      .boolean()
      .describe(
        'True when analysts must give a reason or ticket number, kept in the audit record.',
      ),
    scheduling: z
      .boolean()
      .optional()
      .describe(
        'False forbids scheduled runs of the script: analysts cannot schedule it, and existing schedules are paused. Absent or true: analysts may schedule it with a saved preset.',
      ),
    args: z
      .array(ArgTemplateEntrySchema)
      .max(50)
      .optional()
      .describe(
        'For existing argparse scripts: the command-line arguments built from the inputs, in order. Without it the script gets no arguments and reads its inputs from the JSON file named by SCRIPTDESK_INPUTS.',
      ),
    exitCodes: z
      .record(
        z.string().regex(/^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/, 'exit codes are numbers 0-255'),
        ExitCodeRuleSchema,
      )
      .describe(
        'What each exit code of the script means, keyed by the code as a string, like "0" or "3"; a code not listed other than 0 is a failure.',
      ),
    presets: z
      .array(
        z
          .object({
            name: PresetNameSchema.describe(
              'The name analysts pick it by, like "Month-end close".',
            ),
            inputs: z
              .record(z.string(), z.unknown())
              .describe(
                "Form values by field name; fields left out keep the form's defaults. Together they must pass the form, and hold no sensitive field.",
              ),
          })
          .strict(),
      )
      .max(20)
      .refine(
        (presets) => new Set(presets.map((p) => p.name.toLowerCase())).size === presets.length,
        'two presets have the same name (names are compared ignoring case); rename one',
      )
      .optional()
      .describe(
        'Ready-made inputs analysts can apply to the form in one step, offered next to their own presets.',
      ),
  })
  .strict()
  .meta({
    title: 'ScriptDesk script.json',
    description: 'One approved script of a ScriptDesk catalogue source: scripts/<id>/script.json.',
  });
/** A validated `script.json`. */
export type ScriptManifest = z.infer<typeof ScriptManifestSchema>;

/** The cap on a wheel's total uncompressed size when catalogue.json sets none: 512 MiB. */
export const DEFAULT_MAX_WHEEL_UNCOMPRESSED_BYTES = 512 * 1024 * 1024;
/**
 * The most `limits.maxWheelUncompressedBytes` may be: 2 GiB. Devices apply it whatever a signed
 * document says, so a stolen signing key cannot turn a wheel into a disk-filling bomb.
 */
export const MAX_WHEEL_UNCOMPRESSED_CEILING = 2 * 1024 * 1024 * 1024;

/** Optional limits in catalogue.json, carried into the signed document for devices to apply. */
export const CatalogueLimitsSchema = z
  .object({
    maxWheelUncompressedBytes: z
      .number()
      .int()
      .positive()
      .max(MAX_WHEEL_UNCOMPRESSED_CEILING)
      .optional()
      .describe(
        'The most bytes one wheel may expand to when installed, summed over its files: 536870912 (512 MiB) when not set, at most 2147483648 (2 GiB). catalogue build and every device refuse a wheel over it.',
      ),
  })
  .strict()
  .describe('Limits catalogue build and devices apply; every one has a safe default.');
/** Validated `limits` of catalogue.json. */
export type CatalogueLimits = z.infer<typeof CatalogueLimitsSchema>;

export const CatalogueSourceSchema = z
  .object({
    $schema: SCHEMA_POINTER,
    name: z
      .string()
      .min(1)
      .max(120)
      .describe('The catalogue name analysts see, like "Acme Finance scripts".'),
    publisher: z
      .string()
      .min(1)
      .max(120)
      .describe('Who publishes and answers for the catalogue, like "Finance platform team".'),
    audience: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{0,63}$/, 'must be a short lower-case name like "acme-finance"')
      .describe(
        'A short lower-case name for the clients this catalogue is for; a client configured for another audience refuses it.',
      ),
    approvedPackages: z
      .record(z.string().min(1).max(100), z.array(z.string().min(1).max(40)).max(100))
      .describe(
        'The approved Python packages: package name to the list of approved versions, like {"pandas": ["2.2.3"]}; every requirements.lock must stay within it.',
      ),
    groups: z
      .record(z.string().min(1).max(64), z.array(z.string().min(1).max(128)).max(10_000))
      .describe(
        'Named groups of user names that scripts can allow in "allowed.groups"; a member "*" means everyone.',
      ),
    limits: CatalogueLimitsSchema.optional(),
    tests: TestSettingsSchema.optional(),
    licences: LicencePolicySchema.optional(),
    advisories: AdvisoryPolicySchema.optional(),
  })
  .strict()
  .meta({
    title: 'ScriptDesk catalogue.json',
    description: 'The catalogue.json at the root of a ScriptDesk catalogue source.',
  });
/** A validated catalogue source `catalogue.json`. */
export type CatalogueSource = z.infer<typeof CatalogueSourceSchema>;
