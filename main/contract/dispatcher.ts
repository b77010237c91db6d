import type { z } from 'zod';
import {
  isMethodName,
  methods,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from './api.js';
import { ApiFailure, internalError, type FieldError, type Result } from './errors.js';

/** Which transport a call arrived through; handlers may use it, never trust anything else from it. */
export interface CallContext {
  transport: 'ipc' | 'http' | 'cli';
}

/** One handler per method, each receiving its already-validated input. */
export type Handlers = {
  [M in MethodName]: (
    input: MethodOutputOfInput<M>,
    context: CallContext,
  ) => Promise<MethodOutput<M>>;
};
type MethodOutputOfInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;

/** Reports internal failures somewhere a developer can read them (never to the caller). */
export type InternalErrorSink = (method: string, error: unknown) => void;

/** Turns a zod issue list into field errors the UI can show. */
function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? '/' + issue.path.map(String).join('/') : '',
    message: issue.message,
  }));
}

/**
 * The single entry point both transports use: checks the method name against the contract,
 * validates the input, runs the handler and turns every outcome into a {@link Result}.
 */
export type Dispatch = (
  method: string,
  input: unknown,
  context: CallContext,
) => Promise<Result<unknown>>;

/** Builds the {@link Dispatch} function from the handlers. */
export function createDispatcher(handlers: Handlers, onInternalError: InternalErrorSink): Dispatch {
  return async (method, rawInput, context) => {
    if (!isMethodName(method)) {
      return {
        ok: false,
        error: {
          code: 'unknown_method',
          message: `There is no API method named "${method.slice(0, 80)}".`,
        },
      };
    }
    const parsed = methods[method].input.safeParse(rawInput ?? {});
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          code: 'bad_request',
          message: `Arguments of ${method} are not valid.`,
          fields: toFieldErrors(parsed.error),
        },
      };
    }
    try {
      const handler = handlers[method] as (
        input: unknown,
        context: CallContext,
      ) => Promise<unknown>;
      const value = await handler(parsed.data, context);
      // Outputs are checked too: a handler bug must not leak fields the contract does not name.
      return { ok: true, value: methods[method].output.parse(value) };
    } catch (error) {
      if (error instanceof ApiFailure) return { ok: false, error: error.toApiError() };
      onInternalError(method, error);
      return { ok: false, error: internalError(method) };
    }
  };
}

/** A typed convenience for in-process callers (the CLI and tests). */
export async function callTyped<M extends MethodName>(
  dispatch: Dispatch,
  method: M,
  input: MethodInput<M>,
  context: CallContext,
): Promise<Result<MethodOutput<M>>> {
  return (await dispatch(method, input, context)) as Result<MethodOutput<M>>;
}
