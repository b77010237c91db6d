import type { Preset } from '../../../main/contract/api.js';

/**
 * The preset a link names (`?preset=<name>`), among a script's presets: the name as written, else
 * in any case (the user's own names are unique in any case). An administrator's preset comes before
 * the user's own of the same name: links an organisation shares name the presets it ships.
 */
export function presetForLink(presets: readonly Preset[], name: string): Preset | undefined {
  const admin = presets.filter((preset) => preset.source === 'admin');
  const mine = presets.filter((preset) => preset.source === 'mine');
  const folded = name.toLocaleLowerCase();
  return (
    admin.find((preset) => preset.name === name) ??
    mine.find((preset) => preset.name === name) ??
    admin.find((preset) => preset.name.toLocaleLowerCase() === folded) ??
    mine.find((preset) => preset.name.toLocaleLowerCase() === folded)
  );
}
