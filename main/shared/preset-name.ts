import { z } from 'zod';

/** Longest preset name. */
export const MAX_PRESET_NAME = 80;

/**
 * A preset's name, as the user or the administrator writes it: 1 to 80 characters after trimming,
 * no control characters (it is shown in menus and lists, one line).
 */
export const PresetNameSchema = z
  .string()
  .trim()
  .min(1, 'a preset name cannot be empty')
  .max(MAX_PRESET_NAME, `a preset name is at most ${MAX_PRESET_NAME} characters`)
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a preset name is one line with no control characters');
