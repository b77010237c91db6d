import type { Ajv } from 'ajv';
import { formatFieldError, validateAgainst } from '../../forms/authority-validator.js';
import { topLevelDefaults, undeclaredFields, withoutSensitive } from '../../forms/presets.js';
import type { ScriptManifest } from '../catalogue/manifest.js';

/**
 * What is wrong with the presets a `script.json` ships, one sentence each naming the preset and
 * the fix: a field the form does not have, a sensitive field (never preset), or values that,
 * with the form's defaults for the fields left out, do not pass the form. Every preset is
 * checked, so an admin sees every problem at once.
 */
export function presetProblems(
  presets: NonNullable<ScriptManifest['presets']>,
  schema: Record<string, unknown>,
  ajv: Ajv,
): string[] {
  const problems: string[] = [];
  for (const preset of presets) {
    const named = `preset "${preset.name}"`;
    const undeclared = undeclaredFields(schema, preset.inputs);
    for (const field of undeclared)
      problems.push(`${named} sets \`${field}\`, which the form does not have; remove it`);
    const { sensitive } = withoutSensitive(schema, preset.inputs);
    for (const field of sensitive)
      problems.push(
        `${named} sets \`${field}\`, which is sensitive: analysts enter it at each run; remove it`,
      );
    if (undeclared.length || sensitive.length) continue;
    const values = { ...topLevelDefaults(schema), ...preset.inputs };
    for (const error of validateAgainst(ajv, schema, values))
      problems.push(`${named} does not pass the form: ${formatFieldError(error)}`);
  }
  return problems;
}
