import { undeclaredFields, withoutSensitive } from '../../forms/presets.js';
import type { CatalogueService, ResolvedScript } from '../catalogue/catalogue-service.js';
import type { Preset, PresetList } from '../contract/api.js';
import type { Handlers } from '../contract/dispatcher.js';
import { ApiFailure } from '../contract/errors.js';
import type { Identity } from '../identity/identity.js';
import { MAX_PRESETS_PER_SCRIPT, type PresetStore } from './preset-store.js';

/** Largest preset, as JSON: a form's values, not a file's contents. */
export const MAX_PRESET_BYTES = 64 * 1024;

export interface PresetHandlerDeps {
  catalogue: CatalogueService;
  presets: PresetStore;
  identity: Identity;
  now?: () => Date;
}

type PresetMethods =
  'presets.list' | 'presets.save' | 'presets.rename' | 'presets.delete' | 'presets.setDefault';

/**
 * `presets.*`: a script's presets — the administrator's from its signed `script.json`, and the
 * user's own, kept in the app's database. Only for scripts the user may see. A sensitive value is
 * never stored or served, whatever the renderer sends or the catalogue holds.
 */
export function createPresetHandlers(deps: PresetHandlerDeps): Pick<Handlers, PresetMethods> {
  const { catalogue, presets, identity } = deps;
  const now = deps.now ?? (() => new Date());
  const scriptOf = (scriptId: string) => catalogue.resolve(scriptId, identity.user);

  const listOf = (script: ResolvedScript): PresetList => {
    const scriptId = script.manifest.id;
    const admin: Preset[] = (script.manifest.presets ?? []).map((preset) => ({
      source: 'admin',
      name: preset.name,
      // Checked at build; kept from reaching a form here too, should a catalogue hold one.
      inputs: withoutSensitive(script.schema, preset.inputs).kept,
      savedAt: null,
    }));
    const mine: Preset[] = presets.list(scriptId).map((preset) => ({ source: 'mine', ...preset }));
    const all = [...admin, ...mine];
    const chosen = presets.defaultOf(scriptId);
    const found =
      chosen &&
      all.find(
        (p) => p.source === chosen.source && p.name.toLowerCase() === chosen.name.toLowerCase(),
      );
    return {
      presets: all,
      defaultPreset: found ? { source: found.source, name: found.name } : null,
    };
  };

  const notFound = (name: string) =>
    new ApiFailure(
      'not_found',
      `You have no preset named "${name}" for this script; it may have been deleted in another window.`,
    );

  return {
    'presets.list': async ({ scriptId }) => listOf(await scriptOf(scriptId)),
    'presets.save': async ({ scriptId, name, inputs, replace, makeDefault }) => {
      const script = await scriptOf(scriptId);
      const undeclared = undeclaredFields(script.schema, inputs);
      if (undeclared.length)
        throw new ApiFailure(
          'bad_request',
          'A preset can only hold fields of the script’s form.',
          undeclared.map((field) => ({
            path: `/${field}`,
            message: 'is not a field of this form',
          })),
        );
      const { kept, sensitive } = withoutSensitive(script.schema, inputs);
      if (Buffer.byteLength(JSON.stringify(kept)) > MAX_PRESET_BYTES)
        throw new ApiFailure(
          'bad_request',
          `These values are too large for a preset (over ${MAX_PRESET_BYTES / 1024} KB as JSON); save fewer or shorter values.`,
        );
      const outcome = presets.save(scriptId, name, kept, replace === true, now().toISOString());
      if (outcome === 'exists')
        throw new ApiFailure(
          'conflict',
          `You already have a preset named "${name}" for this script; choose another name or replace it.`,
          [{ path: '/name', message: 'is already the name of one of your presets' }],
        );
      if (outcome === 'full')
        throw new ApiFailure(
          'bad_request',
          `You have ${MAX_PRESETS_PER_SCRIPT} presets for this script, the most it keeps; delete one you no longer use first.`,
        );
      if (makeDefault) presets.setDefault(scriptId, { source: 'mine', name });
      return { ...listOf(script), leftOut: sensitive };
    },
    'presets.rename': async ({ scriptId, name, newName }) => {
      const script = await scriptOf(scriptId);
      const outcome = presets.rename(scriptId, name, newName);
      if (outcome === 'exists')
        throw new ApiFailure(
          'conflict',
          `You already have a preset named "${newName}" for this script; choose another name.`,
          [{ path: '/newName', message: 'is already the name of one of your presets' }],
        );
      if (!outcome) throw notFound(name);
      return listOf(script);
    },
    'presets.delete': async ({ scriptId, name }) => {
      const script = await scriptOf(scriptId);
      if (!presets.delete(scriptId, name)) throw notFound(name);
      return listOf(script);
    },
    'presets.setDefault': async ({ scriptId, preset }) => {
      const script = await scriptOf(scriptId);
      if (preset) {
        const list = listOf(script);
        const exists = list.presets.some(
          (p) => p.source === preset.source && p.name.toLowerCase() === preset.name.toLowerCase(),
        );
        if (!exists)
          throw preset.source === 'mine'
            ? notFound(preset.name)
            : new ApiFailure(
                'not_found',
                `This script has no preset "${preset.name}" from your administrator.`,
              );
      }
      presets.setDefault(scriptId, preset);
      return listOf(script);
    },
  };
}
