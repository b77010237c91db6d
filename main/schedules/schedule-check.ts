import { topLevelDefaults, withoutSensitive } from '../../forms/presets.js';
import type { CatalogueService, ResolvedScript } from '../catalogue/catalogue-service.js';
import type { RunRequest } from '../contract/api.js';
import { ApiFailure } from '../contract/errors.js';
import type { PresetSource, PresetStore } from '../presets/preset-store.js';
import type { Runner } from '../runs/runner.js';

/** What a schedule needs to be run as set. */
export interface ScheduleTarget {
  scriptId: string;
  preset: { source: PresetSource; name: string };
  reason: string | null;
  confirmed: boolean;
}

/**
 * Whether a schedule can run now: the request to run (with the preset's inputs as they are now),
 * a reason to pause it (it can never run as set until the user or the administrator changes
 * something), or a passing problem (no catalogue yet) that leaves it active.
 */
export type ScheduleCheck =
  | { kind: 'ready'; request: RunRequest; title: string }
  | {
      kind: 'pause';
      /** What stands in the way, for the creation of a schedule to name too. */
      why: PauseCause;
      /** The notice for a schedule that exists: what is wrong and what to do. */
      reason: string;
      title: string;
      /** With `inputs`: the form's complaints (paths and messages, never values). */
      fields?: { path: string; message: string }[];
    }
  | { kind: 'problem'; message: string; title: string };

/** Why a schedule cannot run as set. */
export type PauseCause =
  'gone' | 'forbidden' | 'not-allowed' | 'reason' | 'confirm' | 'preset-gone' | 'inputs';

export interface ScheduleCheckDeps {
  catalogue: CatalogueService;
  presets: PresetStore;
  runner: Pick<Runner, 'validateInputs'>;
  user: string;
}

/**
 * The inputs a run of a script's preset gets now (the form's defaults under the preset's values,
 * never a sensitive value), or null when the preset is gone.
 */
export function presetInputs(
  script: ResolvedScript,
  presets: PresetStore,
  preset: { source: PresetSource; name: string },
): Record<string, unknown> | null {
  const name = preset.name.toLowerCase();
  const found =
    preset.source === 'admin'
      ? script.manifest.presets?.find((p) => p.name.toLowerCase() === name)
      : presets.list(script.manifest.id).find((p) => p.name.toLowerCase() === name);
  // As the form opens with a preset: the form's defaults for the fields it leaves out.
  return found
    ? { ...topLevelDefaults(script.schema), ...withoutSensitive(script.schema, found.inputs).kept }
    : null;
}

/** Checks a schedule against the installed catalogue, the user's presets and the form. */
export async function checkSchedule(
  deps: ScheduleCheckDeps,
  target: ScheduleTarget,
): Promise<ScheduleCheck> {
  let script: ResolvedScript;
  try {
    script = await deps.catalogue.resolve(target.scriptId, deps.user);
  } catch (error) {
    if (!(error instanceof ApiFailure)) throw error;
    const title = target.scriptId;
    if (error.code === 'not_found')
      return {
        kind: 'pause',
        why: 'gone',
        title,
        reason: `The script "${target.scriptId}" is no longer in the catalogue; delete this schedule.`,
      };
    if (error.code === 'forbidden')
      return {
        kind: 'pause',
        why: 'forbidden',
        title,
        reason: `You may no longer run "${target.scriptId}"; ask your administrator for access, then resume this schedule.`,
      };
    return { kind: 'problem', title, message: error.message };
  }
  const { manifest } = script;
  const title = manifest.title;
  const pause = (why: PauseCause, reason: string): ScheduleCheck => ({
    kind: 'pause',
    why,
    title,
    reason,
  });
  if (manifest.scheduling === false)
    return pause(
      'not-allowed',
      `Your administrator does not allow scheduled runs of "${title}" (version ${manifest.version}); run it yourself, or delete this schedule.`,
    );
  if (manifest.requireReason && !target.reason)
    return pause(
      'reason',
      `"${title}" now asks for a reason or ticket for every run; delete this schedule and schedule it again with one.`,
    );
  if (manifest.destructive && !target.confirmed)
    return pause(
      'confirm',
      `"${title}" now changes things outside its output folder; delete this schedule and schedule it again, confirming unattended runs.`,
    );
  const inputs = presetInputs(script, deps.presets, target.preset);
  if (!inputs)
    return pause(
      'preset-gone',
      `The preset "${target.preset.name}" of "${title}" no longer exists; delete this schedule and schedule the script with another preset.`,
    );
  try {
    await deps.runner.validateInputs(target.scriptId, inputs);
  } catch (error) {
    if (!(error instanceof ApiFailure) || error.code !== 'invalid_inputs') throw error;
    const fields = (error.fields ?? []).map((f) => `${f.path || '(form)'} ${f.message}`);
    return {
      kind: 'pause',
      why: 'inputs',
      title,
      fields: error.fields ?? [],
      reason: `The preset "${target.preset.name}" no longer fits the form of "${title}" version ${manifest.version}${fields.length ? ` (${fields.slice(0, 3).join('; ')})` : ''}; open the script, save the preset again with valid values, then resume this schedule.`,
    };
  }
  return {
    kind: 'ready',
    title,
    request: {
      scriptId: target.scriptId,
      inputs,
      ...(target.reason ? { reason: target.reason } : {}),
      ...(target.confirmed ? { confirmed: true } : {}),
    },
  };
}
