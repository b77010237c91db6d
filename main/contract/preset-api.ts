import { z } from 'zod';
import { PresetNameSchema } from '../shared/preset-name.js';
import { JsonObjectSchema, method, ScriptIdSchema } from './schema-parts.js';

/** The `presets.*` part of the contract (see `main/presets/`), spread into `methods` in api.ts. */

/** Where a preset comes from: the user saved it, or the administrator shipped it with the script. */
export const PresetSourceSchema = z.enum(['mine', 'admin']);
const PresetRefSchema = z.object({ source: PresetSourceSchema, name: PresetNameSchema }).strict();
export const PresetSchema = z.object({
  source: PresetSourceSchema,
  name: z.string(),
  /** The values it fills in (never a sensitive one). */
  inputs: JsonObjectSchema,
  /** When the user saved it; null for the administrator's. */
  savedAt: z.string().nullable(),
});
export type Preset = z.infer<typeof PresetSchema>;
/** A script's presets, the administrator's first, and the one its form opens with (if any). */
export const PresetListSchema = z.object({
  presets: z.array(PresetSchema),
  defaultPreset: z.object({ source: PresetSourceSchema, name: z.string() }).nullable(),
});
export type PresetList = z.infer<typeof PresetListSchema>;

export const presetMethods = {
  /** A script's presets: the administrator's (from script.json) and the user's own. */
  'presets.list': method(z.object({ scriptId: ScriptIdSchema }).strict(), PresetListSchema),
  /**
   * Saves inputs under a name for the user. Sensitive fields are never stored (`leftOut` names
   * them); a taken name fails with `conflict` unless `replace` is set.
   */
  'presets.save': method(
    z
      .object({
        scriptId: ScriptIdSchema,
        name: PresetNameSchema,
        inputs: JsonObjectSchema,
        replace: z.boolean().optional(),
        makeDefault: z.boolean().optional(),
      })
      .strict(),
    PresetListSchema.extend({ leftOut: z.array(z.string()) }),
  ),
  'presets.rename': method(
    z
      .object({ scriptId: ScriptIdSchema, name: PresetNameSchema, newName: PresetNameSchema })
      .strict(),
    PresetListSchema,
  ),
  'presets.delete': method(
    z.object({ scriptId: ScriptIdSchema, name: PresetNameSchema }).strict(),
    PresetListSchema,
  ),
  /** The preset the script's form opens with; null: the form's own defaults. */
  'presets.setDefault': method(
    z.object({ scriptId: ScriptIdSchema, preset: PresetRefSchema.nullable() }).strict(),
    PresetListSchema,
  ),
};
