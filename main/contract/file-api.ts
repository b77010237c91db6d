import { z } from 'zod';
import { method, ScriptIdSchema } from './schema-parts.js';

/** What a file field takes: a file (of the accepted extensions) or a folder. */
const ChoiceSchema = z.object({
  kind: z.enum(['file', 'directory']),
  accept: z
    .array(z.string().regex(/^\.[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/, 'an extension like ".csv"'))
    .max(20)
    .optional(),
});

export const FolderListingSchema = z.object({
  folder: z.string(),
  parent: z.string().nullable(),
  root: z.string(),
  entries: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['file', 'directory']),
      size: z.number().int().nullable(),
    }),
  ),
  truncated: z.boolean(),
  /** Folders this field's earlier runs took their files from, newest first (still there). */
  recent: z.array(z.string()),
});
export type FolderListing = z.infer<typeof FolderListingSchema>;

/** Choosing the files a run reads; spread into `methods` in api.ts. */
export const fileMethods = {
  /**
   * One folder in the user's home, as the in-page file browser shows it (the web host has no
   * file dialog). Nothing outside the home is listed. With `scriptId` and `field`, also the
   * folders that field's earlier runs used.
   */
  'files.browse': method(
    ChoiceSchema.extend({
      folder: z.string().min(1).max(4096).optional(),
      scriptId: ScriptIdSchema.optional(),
      field: z.string().min(1).max(200).optional(),
    }).strict(),
    FolderListingSchema,
  ),
  /**
   * The desktop app's own file dialog, opened by main; `path` is what the user chose (null:
   * they cancelled). Anywhere else it fails with `unsupported` and the page offers its browser.
   */
  'files.choose': method(
    ChoiceSchema.extend({ title: z.string().min(1).max(200).optional() }).strict(),
    z.object({ path: z.string().nullable() }),
  ),
};
