import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { FLAG_KINDS } from '../../audit/protocol.js';
import { RUN_STATUSES } from '../../contract/run-schemas.js';

/**
 * The server's configuration file (`scriptdesk server --config FILE`, JSON): for now its
 * `alerts` section, the webhook targets and the rules that send to them. Secrets are never in
 * the file: a signed-json target names the environment variable that holds its HMAC secret, and
 * a URL that is itself a secret (a Slack webhook) can come from a variable too (`urlEnv`).
 */

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use 1 to 63 lower-case letters, digits and dashes');
const envName = z
  .string()
  .regex(
    /^[A-Z_][A-Z0-9_]{0,127}$/,
    'name an environment variable (upper-case letters, digits and _), e.g. SCRIPTDESK_ALERT_SECRET',
  );
const httpUrl = z
  .string()
  .refine(isHttpUrl, 'use an http:// or https:// URL with no user name or password in it');
const targets = z.array(name).min(1, 'name at least one target of "targets" this rule sends to');

const TargetSchema = z
  .strictObject({
    name,
    format: z.enum(['signed-json', 'slack'], {
      error: 'use "signed-json" (HMAC-signed JSON body) or "slack" ({"text": …})',
    }),
    url: httpUrl.optional(),
    urlEnv: envName.optional(),
    secretEnv: envName.optional(),
  })
  .superRefine((target, context) => {
    if ((target.url === undefined) === (target.urlEnv === undefined))
      context.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'give exactly one of "url" and "urlEnv" (the variable holding a secret URL)',
      });
    if (target.format === 'signed-json' && target.secretEnv === undefined)
      context.addIssue({
        code: 'custom',
        path: ['secretEnv'],
        message:
          'a signed-json target needs "secretEnv": the environment variable holding its HMAC secret',
      });
  });

const RUN_END_STATUSES = RUN_STATUSES.filter((s) => s !== 'queued' && s !== 'running');
const DEFAULT_FLAGS = ['gap', 'order', 'prevhash', 'signature', 'conflict'] as const;

const RuleSchema = z.discriminatedUnion(
  'on',
  [
    z.strictObject({
      on: z.literal('run-failed'),
      scripts: z
        .array(z.string().min(1).max(300))
        .min(1, 'list script ids, or ["*"] for every script'),
      statuses: z.array(z.enum(RUN_END_STATUSES)).min(1).default(['failed', 'timeout']),
      targets,
    }),
    z.strictObject({
      on: z.literal('integrity'),
      flags: z
        .array(z.enum(FLAG_KINDS))
        .min(1)
        .default([...DEFAULT_FLAGS]),
      targets,
    }),
    z.strictObject({ on: z.literal('device-pending'), targets }),
    z.strictObject({
      on: z.literal('device-silent'),
      days: z.number().positive().max(3650, 'use at most 3650 days'),
      targets,
    }),
  ],
  {
    error:
      '"on" must be run-failed, integrity, device-pending or device-silent (see main/server/README.md)',
  },
);

const DeliverySchema = z.strictObject({
  timeoutSeconds: z.number().min(1).max(120).default(10),
  maxAttempts: z.int().min(1).max(100).default(12),
  firstRetrySeconds: z.number().min(1).max(3600).default(30),
  maxRetrySeconds: z.number().min(1).max(86_400).default(3600),
});

export const AlertsConfigSchema = z
  .strictObject({
    targets: z.array(TargetSchema).min(1, 'add at least one webhook target'),
    rules: z.array(RuleSchema).min(1, 'add at least one rule'),
    silentCheckMinutes: z.number().min(1).max(10_080).default(60),
    delivery: DeliverySchema.default(DeliverySchema.parse({})),
  })
  .superRefine((alerts, context) => {
    const names = new Set<string>();
    alerts.targets.forEach((target, index) => {
      if (names.has(target.name))
        context.addIssue({
          code: 'custom',
          path: ['targets', index, 'name'],
          message: `"${target.name}" is used by two targets; give each its own name`,
        });
      names.add(target.name);
    });
    alerts.rules.forEach((rule, index) =>
      rule.targets.forEach((target, position) => {
        if (!names.has(target))
          context.addIssue({
            code: 'custom',
            path: ['rules', index, 'targets', position],
            message: `no target is named "${target}"; use one of ${[...names].join(', ')}`,
          });
      }),
    );
  });

export const ServerConfigSchema = z.strictObject({ alerts: AlertsConfigSchema.optional() });

export type AlertsConfig = z.output<typeof AlertsConfigSchema>;
export type AlertRule = AlertsConfig['rules'][number];
export type AlertTargetConfig = AlertsConfig['targets'][number];

/** A target ready to send to: its URL and secret read from the environment. */
export interface AlertTarget {
  name: string;
  format: 'signed-json' | 'slack';
  url: string;
  /** The HMAC key of a signed-json target. */
  secret?: string;
}

/** Shortest HMAC secret accepted: a guessable one signs nothing. */
export const MIN_SECRET_LENGTH = 16;

/** Reads and checks a config file; errors name the file, the field and the fix. */
export async function loadServerConfig(file: string): Promise<{ alerts?: AlertsConfig }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`cannot read the server config ${file} (${code}); check the --config path`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `the server config ${file} is not JSON (${(error as Error).message}); fix the syntax`,
      { cause: error },
    );
  }
  return parseServerConfig(json, file);
}

/** Checks a parsed config; each problem is one line `FILE: path.to.field: what to do`. */
export function parseServerConfig(json: unknown, file: string): { alerts?: AlertsConfig } {
  const parsed = ServerConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map(
    (issue) => `${file}: ${fieldPath(issue.path)}: ${issue.message}`,
  );
  throw new Error(`the server config is not valid:\n${lines.join('\n')}`);
}

/**
 * The targets with their URLs and secrets from `env`; a variable that is missing or too short is
 * named (its value never is).
 */
export function resolveTargets(config: AlertsConfig, env: NodeJS.ProcessEnv): AlertTarget[] {
  return config.targets.map((target) => {
    const url = target.url ?? env[target.urlEnv!];
    if (!url || !isHttpUrl(url))
      throw new Error(
        `alert target "${target.name}": set ${target.urlEnv} to its http(s) webhook URL (the variable is ${url ? 'not such a URL' : 'not set'})`,
      );
    if (target.secretEnv === undefined) return { name: target.name, format: target.format, url };
    const secret = env[target.secretEnv];
    if (!secret || secret.length < MIN_SECRET_LENGTH)
      throw new Error(
        `alert target "${target.name}": set ${target.secretEnv} to its HMAC secret, ${MIN_SECRET_LENGTH}+ characters (e.g. openssl rand -hex 32); it is ${secret ? 'too short' : 'not set'}`,
      );
    return { name: target.name, format: target.format, url, secret };
  });
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && !url.username && !url.password
    );
  } catch {
    return false;
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
