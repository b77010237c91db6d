import { z } from 'zod';
import { method, RunIdSchema } from './schema-parts.js';

/**
 * The `run.*Output*` part of the contract (see `main/runs/output-read.ts` and
 * `output-export.ts`), spread into `methods` in api.ts. Every method names an output by its run
 * and its recorded name, never by a path: main finds the file from its own record and checks it
 * against the recorded size and SHA-256 before anything is read, saved or opened.
 */

/** Largest output text a preview receives. */
export const MAX_PREVIEW_TEXT_BYTES = 256 * 1024;
/** Largest image a preview shows (its bytes cross to the window whole). */
export const MAX_PREVIEW_IMAGE_BYTES = 8 * 1024 * 1024;
/** Largest output the browser's Save as downloads (it is assembled in the window's memory). */
export const MAX_OUTPUT_DOWNLOAD_BYTES = 64 * 1024 * 1024;

const OutputRefSchema = z
  .object({ runId: RunIdSchema, name: z.string().min(1).max(4096) })
  .strict();

export const outputMethods = {
  /**
   * A preview of an output. `text` (default): the beginning of the file as UTF-8 text, at most
   * {@link MAX_PREVIEW_TEXT_BYTES} (`truncated` says when there is more). `base64`: the whole file
   * as base64 in `text`, for images; files over {@link MAX_PREVIEW_IMAGE_BYTES} are refused.
   */
  'run.readOutput': method(
    OutputRefSchema.extend({ encoding: z.enum(['text', 'base64']).optional() }).strict(),
    z.object({ name: z.string(), text: z.string(), truncated: z.boolean() }),
  ),
  /**
   * The whole output for a download in the browser (Save as in the web host), a part at a time
   * from byte `offset` (0 first, then each answer's `next` until it is null), as base64. Outputs
   * over {@link MAX_OUTPUT_DOWNLOAD_BYTES} are refused with the folder they are in.
   */
  'run.outputDownload': method(
    OutputRefSchema.extend({
      offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    }).strict(),
    z.object({
      /** The name to save it as: the last part of its output name. */
      fileName: z.string(),
      size: z.number().int().min(0),
      base64: z.string(),
      next: z.number().int().nullable(),
    }),
  ),
  /**
   * Desktop app only: asks where to save the output in the system's save dialog (main's own),
   * then copies the verified file there. `savedTo` is null when the user cancelled.
   */
  'run.outputSaveAs': method(OutputRefSchema, z.object({ savedTo: z.string().nullable() })),
  /** Desktop app only: opens the verified output with the system's default app for its type. */
  'run.outputOpen': method(OutputRefSchema, z.object({})),
  /**
   * Desktop app only: shows the output selected in the system's file manager; without `name`,
   * opens the run's outputs folder.
   */
  'run.outputShow': method(
    z.object({ runId: RunIdSchema, name: z.string().min(1).max(4096).optional() }).strict(),
    z.object({}),
  ),
};
