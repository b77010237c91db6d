import { useCallback, useEffect, useRef, useState } from 'react';
import type { MethodInput, MethodName, MethodOutput } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { takeArrivedAnswer } from '../transport/first-answers.js';
import { useTransport } from './transport-context.js';

/** What a component knows about one call: the last value, the last error, and whether a call is in flight. */
export interface QueryState<T> {
  value: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Calls again, keeping the current value on screen until the answer arrives. */
  reload: () => void;
}

/**
 * Calls `method` with `input` when mounted and whenever the input changes (compared by value);
 * `input` null means "not yet" (nothing is called). Answers to superseded calls are ignored.
 */
export function useApiQuery<M extends MethodName>(
  method: M,
  input: MethodInput<M> | null,
): QueryState<MethodOutput<M>> {
  const transport = useTransport();
  const key = input === null ? null : JSON.stringify(input);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{
    key: string | null;
    value?: MethodOutput<M>;
    error?: ApiError;
    loading: boolean;
  }>(() => {
    // An answer sent for before the window loaded, already here: start with it.
    const arrived = input === null ? undefined : takeArrivedAnswer(transport, method, input);
    if (!arrived) return { key, loading: key !== null };
    return arrived.ok
      ? { key, value: arrived.value, loading: false }
      : { key, error: arrived.error, loading: false };
  });
  /** Whether the first answer came with the mount (then the first effect has nothing to ask). */
  const answeredAtMount = useRef(!state.loading && key !== null);

  useEffect(() => {
    if (key === null) return undefined;
    if (answeredAtMount.current) {
      answeredAtMount.current = false;
      return undefined;
    }
    let current = true;
    setState((previous) => ({ ...(previous.key === key ? previous : { key }), loading: true }));
    void transport.call(method, JSON.parse(key) as MethodInput<M>).then((result) => {
      if (!current) return;
      setState(
        result.ok
          ? { key, value: result.value, loading: false }
          : { key, error: result.error, loading: false },
      );
    });
    return () => {
      current = false;
    };
  }, [transport, method, key, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const fresh = state.key === key;
  return {
    value: fresh ? state.value : undefined,
    error: fresh ? state.error : undefined,
    loading: key !== null && (!fresh || state.loading),
    reload,
  };
}
