import { z } from 'zod';
import { SCRIPT_ID_PATTERN } from '../shared/script-id.js';

/** Pieces every part of the contract (`api.ts`, `preset-api.ts`) builds its methods from. */

export const ScriptIdSchema = z
  .string()
  .regex(SCRIPT_ID_PATTERN, 'a script id is lower-case letters, digits and dashes');
export const RunIdSchema = z.string().regex(/^[0-9a-f-]{36}$/, 'a run id is a UUID');
export const JsonObjectSchema = z.record(z.string(), z.unknown());

/** A method of the contract: the runtime schemas of its input and its output. */
export function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}
