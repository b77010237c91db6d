import { z } from 'zod';

/**
 * The package-governance and build-test parts of `catalogue.json`: which licences approved
 * packages may carry, what a known vulnerability does to a build, and how long a script's tests
 * may take. They apply at `catalogue build` only; nothing of them is published to devices.
 */

/** Advisory severities, least to most severe (GitHub's words; CVSS "medium" is "moderate"). */
export const SEVERITIES = ['low', 'moderate', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const THRESHOLD = z.enum([...SEVERITIES, 'none']);

/** An SPDX licence id like "MIT", "Apache-2.0" or "LicenseRef-Acme"; compared ignoring case. */
const SPDX_ID = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9.+-]{0,99}$/,
    'must be an SPDX licence id like "MIT" or "Apache-2.0"',
  );

export const LicencePolicySchema = z
  .object({
    allowed: z
      .array(SPDX_ID)
      .min(1)
      .max(200)
      .describe(
        'SPDX ids of the licences approved packages may carry, like ["MIT", "BSD-3-Clause", "Apache-2.0"]. A package under "A OR B" passes when either is listed, under "A AND B" when both are.',
      ),
    unknown: z
      .enum(['refuse', 'warn'])
      .optional()
      .describe(
        'What catalogue build does with a package whose licence cannot be read as SPDX ids from its wheel: "refuse" (the default) or "warn".',
      ),
  })
  .strict()
  .describe(
    'The licence policy catalogue build enforces on every locked package, read from its wheel (License-Expression, License, classifiers).',
  );
export type LicencePolicy = z.infer<typeof LicencePolicySchema>;

export const AdvisoryPolicySchema = z
  .object({
    refuse: THRESHOLD.optional().describe(
      'The least severity that refuses the build, like "high" (high and critical refuse); "none" or left out: nothing refuses.',
    ),
    warn: THRESHOLD.optional().describe(
      'The least severity that is printed as a warning when it does not refuse; "low" when left out, "none" to print nothing.',
    ),
    unrated: z
      .enum(['refuse', 'warn', 'ignore'])
      .optional()
      .describe(
        'What an advisory with no severity does: "warn" (the default), "refuse" or "ignore".',
      ),
    accepted: z
      .array(
        z
          .object({
            id: z
              .string()
              .min(1)
              .max(100)
              .describe(
                'The advisory id or one of its aliases, like "GHSA-xxxx-xxxx-xxxx" or "CVE-2024-1234".',
              ),
            reason: z
              .string()
              .min(1)
              .max(500)
              .describe('Why it does not apply or is accepted; shown in the package report.'),
          })
          .strict(),
      )
      .max(500)
      .optional()
      .describe(
        'Advisories reviewed and accepted: listed by catalogue packages, never refusing or warning.',
      ),
  })
  .strict()
  .refine(
    (policy) =>
      !policy.refuse ||
      policy.refuse === 'none' ||
      !policy.warn ||
      policy.warn === 'none' ||
      SEVERITIES.indexOf(policy.warn) <= SEVERITIES.indexOf(policy.refuse),
    'warn must be a severity at or below refuse (what refuses is never only a warning); lower warn or raise refuse',
  )
  .describe(
    'What catalogue build --advisories DIR does with a known vulnerability of a locked package version. Without this object: critical refuses, every other severity warns.',
  );
export type AdvisoryPolicy = z.infer<typeof AdvisoryPolicySchema>;

/** The policy applied when catalogue.json has no `advisories`. */
export const DEFAULT_ADVISORY_POLICY: AdvisoryPolicy = { refuse: 'critical', warn: 'low' };

export const TestSettingsSchema = z
  .object({
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .optional()
      .describe(
        "The longest one script's tests may take at catalogue build, in seconds (1 to 3600; 120 when left out); tests still running then are stopped and the build is refused.",
      ),
  })
  .strict()
  .describe("How catalogue build runs each script's tests/ folder (standard-library unittest).");
