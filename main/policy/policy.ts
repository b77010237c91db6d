import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { machinePolicyFile } from '../platform/folders.js';
import { HOST_OS } from '../platform/os.js';
import { describeZodIssues } from '../shared/zod-issues.js';

/**
 * The machine policy: settings an organisation's IT fixes for every user of a computer (deployed
 * by MDM or configuration management, writable only by administrators). Analysts cannot change
 * it. A missing file means the defaults; a file that is present but wrong stops the app with a
 * message naming the file, the field and the fix, instead of quietly running with other limits.
 */
export const PolicySchema = z
  .object({
    $schema: z.string().optional(),
    python: z
      .string()
      .refine((p) => path.isAbsolute(p), 'must be an absolute path to a python3 executable')
      .optional()
      .describe(
        'The Python interpreter venvs are built from, as an absolute path; it comes before the Python ScriptDesk carries, SCRIPTDESK_PYTHON and python3 on PATH.',
      ),
    maxConcurrentRuns: z
      .number()
      .int()
      .min(1)
      .max(32)
      .default(3)
      .describe('How many scripts may run at once (1 to 32); further runs wait in a queue.'),
    maxOutputBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .max(4 * 1024 * 1024 * 1024)
      .default(64 * 1024 * 1024)
      .describe(
        'The most a run may write to stdout and stderr together, in bytes (1 MiB to 4 GiB); a run that writes more is stopped with status output_limit.',
      ),
    audit: z
      .object({
        endpoint: z
          .string()
          .refine(
            isHttpsOrLoopback,
            'must be an https:// URL (http:// only for 127.0.0.1 or localhost)',
          )
          .optional()
          .describe(
            'The audit endpoint every event is delivered to, e.g. https://audit.example.org/ (batches go to v1/events under it). Without it, events stay in the local journal.',
          ),
        retainDeliveredDays: z
          .number()
          .int()
          .min(1)
          .max(36500)
          .default(90)
          .describe(
            'How many days an event the endpoint acknowledged stays in the local journal; undelivered events are never removed.',
          ),
      })
      .strict()
      .default({ retainDeliveredDays: 90 })
      .describe('Delivery of audit events to the central endpoint.'),
    notifications: z
      .object({
        longRunSeconds: z
          .number()
          .int()
          .min(1)
          .max(86400)
          .default(10)
          .describe(
            'A run that took longer than this many seconds (1 to 86400) tells the user when it ends, with an operating-system notification and a badge in the window title, unless they turned that off in Settings.',
          ),
      })
      .strict()
      .default({ longRunSeconds: 10 })
      .describe('When ScriptDesk tells the user that a run has ended.'),
    files: z
      .object({
        allowNetworkPaths: z
          .boolean()
          .default(false)
          .describe(
            'Whether a file input may name a Windows network share (\\\\server\\share\\file.csv, or a drive letter mapped to one). Off by default: a script would read a file the device does not hold, outside what the run records. Other OSes mount shares as ordinary folders, which this does not affect.',
          ),
      })
      .strict()
      .default({ allowNetworkPaths: false })
      .describe('Which files a file input may name.'),
    updates: z
      .object({
        feedUrl: z
          .string()
          .refine(
            isHttpsOrLoopback,
            'must be an https:// URL (http:// only for 127.0.0.1 or localhost, which only development builds accept)',
          )
          .optional()
          .describe(
            'The folder the desktop app looks for new versions in (electron-updater generic feed: latest.yml, latest-mac.yml, latest-linux.yml next to the installers), e.g. https://updates.example.org/scriptdesk/. Without it, updates are off. http:// is accepted only for 127.0.0.1 or localhost, and only by development builds: any program on the computer can listen on a loopback port.',
          ),
        channel: z
          .string()
          .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a channel name such as latest or beta')
          .default('latest')
          .describe(
            'Which release line the feed offers this computer: latest (the default) reads latest*.yml, beta reads beta*.yml. Never moves a computer to an older version.',
          ),
        checkIntervalHours: z
          .number()
          .int()
          .min(1)
          .max(168)
          .default(6)
          .describe(
            'How often the desktop app asks the feed for a new version, in hours (1 to 168). A failed check is tried again sooner, backing off up to this interval; nothing is checked while the computer is offline.',
          ),
      })
      .strict()
      .default({ channel: 'latest', checkIntervalHours: 6 })
      .describe(
        'Updates of the desktop app: downloaded in the background, checked against the sha512 in the feed (and the code signature on Windows and macOS), installed when the app quits or at the next idle moment, never while a run is going or queued.',
      ),
  })
  .strict()
  .meta({
    title: 'ScriptDesk machine policy',
    description:
      'policy.json, set by IT for every user of a computer: /etc/scriptdesk/policy.json on Linux, /Library/Application Support/ScriptDesk/policy.json on macOS, %ProgramData%\\ScriptDesk\\policy.json on Windows. Writable by administrators only.',
  });

/**
 * Plain http would show the audit token and every record to the network (or let it swap an update),
 * except on loopback; credentials in a URL would land in logs.
 */
function isHttpsOrLoopback(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export type Policy = z.output<typeof PolicySchema>;

/** The defaults, used when there is no policy file. */
export const DEFAULT_POLICY: Policy = PolicySchema.parse({});

/** Where the policy file is: `SCRIPTDESK_POLICY` when set, else the OS's machine-wide place. */
export function policyFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SCRIPTDESK_POLICY) return path.resolve(env.SCRIPTDESK_POLICY);
  return machinePolicyFile(HOST_OS, env);
}

/** A policy file that exists but cannot be used. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Reads the machine policy; defaults when the file does not exist. */
export async function loadPolicy(file: string = policyFile()): Promise<Policy> {
  return (await readPolicyFile(file)).policy;
}

/** The policy in the file and the file's JSON as written (null when there is no file). */
async function readPolicyFile(file: string): Promise<{ policy: Policy; raw: unknown }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { policy: DEFAULT_POLICY, raw: null };
    throw new PolicyError(
      `The machine policy ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); ask IT to fix its permissions.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PolicyError(
      `The machine policy ${file} is not valid JSON (${(error as Error).message}); ask IT to correct it.`,
    );
  }
  const parsed = PolicySchema.safeParse(json);
  if (!parsed.success) {
    throw new PolicyError(
      `The machine policy ${file} is not valid: ${describeZodIssues(parsed.error).join('; ')}; ask IT to correct it.`,
    );
  }
  return { policy: parsed.data, raw: json };
}

/** One setting of the machine policy as it applies, and where its value came from. */
export interface PolicySetting {
  /** Dotted path, as written in the file (`audit.endpoint`). */
  field: string;
  /** The value in force; null for a setting with no default that the file does not set. */
  value: string | number | boolean | null;
  source: 'policy file' | 'default';
  description: string;
}

/** The machine policy in force, setting by setting: what IT set, and the defaults for the rest. */
export interface EffectivePolicy {
  file: string;
  /** Whether the file exists (without it, every setting is its default). */
  found: boolean;
  settings: PolicySetting[];
}

/**
 * Every setting of the policy in force, read-only, for About and `scriptdesk policy`: from the
 * file when it sets it, else the default. Throws {@link PolicyError} for a file that cannot be
 * used, as loading does.
 */
export async function effectivePolicy(file: string = policyFile()): Promise<EffectivePolicy> {
  return (await readPolicy(file)).view;
}

/** The policy in force and its {@link EffectivePolicy} view, from one read of the file. */
export async function readPolicy(
  file: string = policyFile(),
): Promise<{ policy: Policy; view: EffectivePolicy }> {
  const { policy, raw } = await readPolicyFile(file);
  return { policy, view: describePolicy(policy, raw, file) };
}

/**
 * `policy` setting by setting. A setting is from the policy file when `raw` (the file's JSON)
 * has it; without a file (`raw` null, as for a policy handed to the app directly) when it differs
 * from the default.
 */
export function describePolicy(policy: Policy, raw: unknown, file: string): EffectivePolicy {
  const settings: PolicySetting[] = [];
  const visit = (schema: JsonSchemaNode, at: string[]) => {
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      if (name === '$schema') continue;
      const field = [...at, name];
      if (child.type === 'object' && child.properties) {
        visit(child, field);
        continue;
      }
      const value = valueAt(policy, field);
      const set =
        raw === null ? value !== valueAt(DEFAULT_POLICY, field) : valueAt(raw, field) !== undefined;
      settings.push({
        field: field.join('.'),
        value: value === undefined ? null : (value as PolicySetting['value']),
        source: set ? 'policy file' : 'default',
        description: child.description ?? '',
      });
    }
  };
  visit(z.toJSONSchema(PolicySchema, { io: 'input' }) as JsonSchemaNode, []);
  return { file, found: raw !== null, settings };
}

interface JsonSchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
}

function valueAt(value: unknown, field: readonly string[]): unknown {
  let here = value;
  for (const name of field) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string, unknown>)[name];
  }
  return here;
}
