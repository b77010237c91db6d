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

interface Waiting {
  answer: Promise<Result<unknown>>;
  /** The answer once it has arrived, and when. */
  result?: Result<unknown>;
  arrived?: number;
}

/** The waiting answers of each transport made by {@link withFirstAnswers}. */
const answersOf = new WeakMap<
  Transport,
  {
    take: (key: string) => Waiting | undefined;
    put: (key: string, entry: Waiting) => void;
    all: Promise<void>;
  }
>();
const keyOf = (method: string, input: unknown) => `${method} ${JSON.stringify(input)}`;

/**
 * The answer to `method` with `input` if it was sent first and has already arrived (and is
 * fresh), taken so nobody gets it twice; undefined otherwise. Lets a component start with the
 * data instead of rendering "Loading…" once more before the same answer reaches it.
 */
export function takeArrivedAnswer<M extends MethodName>(
  transport: Transport,
  method: M,
  input: MethodInput<M>,
): Result<MethodOutput<M>> | undefined {
  const answers = answersOf.get(transport);
  const key = keyOf(method, input);
  const waiting = answers?.take(key);
  if (!waiting) return undefined;
  if (waiting.result) return waiting.result as Result<MethodOutput<M>>;
  answers!.put(key, waiting); // still on its way: leave it for the call
  return undefined;
}

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
  const waiting = new Map<string, Waiting>();
  for (const { method, input } of calls) {
    const entry: Waiting = { answer: transport.call(method, input as never) };
    void entry.answer.then((result) => {
      entry.result = result;
      entry.arrived = now();
    });
    waiting.set(keyOf(method, input), entry);
  }
  /** Removes and returns the fresh answer for `key` (stale ones are dropped). */
  const take = (key: string): Waiting | undefined => {
    const entry = waiting.get(key);
    waiting.delete(key);
    return entry && (entry.arrived === undefined || now() - entry.arrived < FRESH_MS)
      ? entry
      : undefined;
  };
  const wrapped: Transport = {
    call<M extends MethodName>(method: M, input: MethodInput<M>) {
      const entry = take(keyOf(method, input));
      // The same method and input were sent: the answer has this method's output type.
      if (entry) return entry.answer as Promise<Result<MethodOutput<M>>>;
      return transport.call(method, input);
    },
    subscribe: (listener, onOpen) => transport.subscribe(listener, onOpen),
  };
  answersOf.set(wrapped, {
    take,
    put: (key, entry) => waiting.set(key, entry),
    all: Promise.all([...waiting.values()].map((entry) => entry.answer)).then(() => {}),
  });
  return wrapped;
}

/**
 * Resolves when every call {@link withFirstAnswers} sent first has its answer, or after
 * `patienceMs`, whichever comes first (main may be slow; the window then shows it is waiting).
 */
export function firstAnswersArrived(transport: Transport, patienceMs: number): Promise<void> {
  const all = answersOf.get(transport)?.all ?? Promise.resolve();
  return Promise.race([all, new Promise<void>((resolve) => setTimeout(resolve, patienceMs))]);
}
