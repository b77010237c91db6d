import { z } from 'zod';
import { method } from './schema-parts.js';

/** The `app.about` part of the contract, spread into `methods` in api.ts. */

/** One machine-policy setting in force, and whether IT set it or it is the default. */
export const PolicySettingSchema = z.object({
  field: z.string(),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  source: z.enum(['policy file', 'default']),
  description: z.string(),
});
export type PolicySettingView = z.infer<typeof PolicySettingSchema>;

/** Where the desktop app's updates are, in words the user can act on. */
export const UpdateNoticeSchema = z.object({
  state: z.enum([
    'off',
    'idle',
    'checking',
    'up-to-date',
    'downloading',
    'ready',
    'refused',
    'unreachable',
    'failed',
  ]),
  message: z.string(),
});
export type UpdateNotice = z.infer<typeof UpdateNoticeSchema>;

export const AboutSchema = z.object({
  /** The Python venvs are built from, or why none can be used (in words the user can act on). */
  runtime: z.discriminatedUnion('ok', [
    z.object({
      ok: z.literal(true),
      executable: z.string(),
      version: z.string(),
      source: z.string(),
    }),
    z.object({ ok: z.literal(false), problem: z.string() }),
  ]),
  /** The machine policy in force since this app started, read-only. */
  policy: z.object({
    file: z.string(),
    found: z.boolean(),
    settings: z.array(PolicySettingSchema),
  }),
  /** The desktop app's updates (off in the web host, or without a feed in the policy). */
  updates: UpdateNoticeSchema,
});
export type About = z.infer<typeof AboutSchema>;

export const aboutMethods = {
  /** What this computer gives ScriptDesk: the Python runtime and the machine policy in force. */
  'app.about': method(z.object({}).strict(), AboutSchema),
};
