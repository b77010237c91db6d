import { z } from 'zod';
import { MAX_PRESET_NAME, PRESET_NAME_PATTERN, PRESET_NAME_PROBLEMS } from './preset-name-rule.js';

/**
 * A preset's name, as the user or the administrator writes it: 1 to 80 characters after trimming,
 * no control characters (it is shown in menus and lists, one line). `checkPresetName` is the same
 * rule without zod.
 */
export const PresetNameSchema = z
  .string()
  .trim()
  .min(1, PRESET_NAME_PROBLEMS.empty)
  .max(MAX_PRESET_NAME, PRESET_NAME_PROBLEMS.long)
  .regex(PRESET_NAME_PATTERN, PRESET_NAME_PROBLEMS.control);
