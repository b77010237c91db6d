import { z } from 'zod';

/** The closed set of error codes any API method may return. */
export const ERROR_CODES = [
  'bad_request',
  'unknown_method',
  'not_found',
  'forbidden',
  'invalid_inputs',
  'catalogue_unavailable',
  'environment_failed',
  'journal_unavailable',
  'storage_unavailable',
  'secret_missing',
  'keychain_unavailable',
  'run_not_active',
  /** The name is taken (a preset of that name exists): choose another or replace it. */
  'conflict',
  /** A run's output no longer matches its record (changed, replaced, linked or gone): not served. */
  'output_changed',
  'tampered',
  'unsupported',
  'internal',
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
/** One of {@link ERROR_CODES}. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** A problem with one field of a form, as `path` (JSON Pointer, "" for the whole form) and a reason. */
export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldErrorSchema>;

/** What crosses a transport when a call fails: never an exception, never a stack. */
export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  fields: z.array(FieldErrorSchema).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** The error every transport returns for a failure it must not describe: details stay in the log. */
export function internalError(method: string): ApiError {
  return {
    code: 'internal',
    message: `${method} failed unexpectedly; the details are in the application log.`,
  };
}

/** The result of every API call. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/**
 * Thrown inside main by services to end a call with a specific code; the dispatcher turns it
 * into `{ ok: false, error }`. Any other exception becomes `internal` with a generic message.
 */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  /** The wire form of this failure. */
  toApiError(): ApiError {
    return this.fields
      ? { code: this.code, message: this.message, fields: this.fields }
      : { code: this.code, message: this.message };
  }
}
