/**
 * The preset-name rule without zod, for code on the page's first screen (the `#/scripts/<id>?preset=`
 * route), which must not carry a validation library; `preset-name.ts` states the same rule in zod.
 */

/** Longest preset name. */
export const MAX_PRESET_NAME = 80;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
export const PRESET_NAME_PATTERN = /^[^\u0000-\u001f\u007f]+$/;

/** What is wrong with a preset name, in the words both checks use. */
export const PRESET_NAME_PROBLEMS = {
  empty: 'a preset name cannot be empty',
  long: `a preset name is at most ${MAX_PRESET_NAME} characters`,
  control: 'a preset name is one line with no control characters',
} as const;

/** A preset name trimmed and checked: the name, or the first thing wrong with it. */
export function checkPresetName(
  raw: string,
): { ok: true; name: string } | { ok: false; problem: string } {
  const name = raw.trim();
  if (name.length < 1) return { ok: false, problem: PRESET_NAME_PROBLEMS.empty };
  if (name.length > MAX_PRESET_NAME) return { ok: false, problem: PRESET_NAME_PROBLEMS.long };
  if (!PRESET_NAME_PATTERN.test(name)) return { ok: false, problem: PRESET_NAME_PROBLEMS.control };
  return { ok: true, name };
}
