import type { MethodInput, MethodName, MethodOutput } from '../../../main/contract/api.js';
import type { Result } from '../../../main/contract/errors.js';
import type { Transport } from '../../../main/contract/transport.js';

/** One call the window will make as it opens. */
export interface FirstCall<M extends MethodName = MethodName> {
  method: M;
  input: MethodInput<M>;
}

/** A prefetched answer is handed out only this long after it arrived; later calls ask afresh. */
const FRESH_MS = 5_000;

/**
 * Sends `calls` now, while the window's code is still loading, and returns a transport whose
 * first call of the same method and input gets that answer instead of asking again. Each answer
 * is used once, and only while it is fresh; every other call goes straight to `transport`.
 */
export function withFirstAnswers(
  transport: Transport,
  calls: readonly FirstCall[],
  now: () => number = () => performance.now(),
): Transport {
  const waiting = new Map<string, { answer: Promise<Result<unknown>>; arrived?: number }>();
  const keyOf = (method: string, input: unknown) => `${method} ${JSON.stringify(input)}`;
  for (const { method, input } of calls) {
    const entry: { answer: Promise<Result<unknown>>; arrived?: number } = {
      answer: transport.call(method, input as never),
    };
    void entry.answer.then(() => (entry.arrived = now()));
    waiting.set(keyOf(method, input), entry);
  }
  return {
    call<M extends MethodName>(method: M, input: MethodInput<M>) {
      const key = keyOf(method, input);
      const entry = waiting.get(key);
      if (entry) {
        waiting.delete(key);
        // The same method and input were sent: the answer has this method's output type.
        if (entry.arrived === undefined || now() - entry.arrived < FRESH_MS)
          return entry.answer as Promise<Result<MethodOutput<M>>>;
      }
      return transport.call(method, input);
    },
    subscribe: (listener) => transport.subscribe(listener),
  };
}
