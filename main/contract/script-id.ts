import { z } from 'zod';

/** A script's id as the catalogue names it (also its folder and its place in the address). */
export const ScriptIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a script id is lower-case letters, digits and dashes');
