import { useCallback, useRef, useState } from 'react';
import type { MethodOutput } from '../../../main/contract/api.js';
import type { ApiError, Result } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';

/** Matches kept and counted; past this the count says "10,000+". */
export const MAX_MATCHES = 10_000;

/** A search of a run's log: its matching line numbers and which one is shown. */
export interface LogSearch {
  /** The text searched for ("" when there is no search). */
  query: string;
  /** Line numbers holding it, in order (at most {@link MAX_MATCHES}). */
  matches: number[];
  /** More matches than kept. */
  more: boolean;
  /** Index in `matches` of the one shown, or -1. */
  current: number;
  searching: boolean;
  error: ApiError | undefined;
}

const NONE: LogSearch = {
  query: '',
  matches: [],
  more: false,
  current: -1,
  searching: false,
  error: undefined,
};

/**
 * Searches a run's log in main (literal text, any case), a bounded part per call, until the end
 * or {@link MAX_MATCHES}; then steps through the matches. `onMatch` gets each line to show.
 */
export function useLogSearch(runId: string, onMatch: (seq: number) => void) {
  const transport = useTransport();
  const [search, setSearch] = useState<LogSearch>(NONE);
  const started = useRef(0);

  const run = useCallback(
    async (query: string) => {
      const id = (started.current += 1);
      setSearch({ ...NONE, query, searching: true });
      const matches: number[] = [];
      let from: number | null = 1;
      while (from !== null && matches.length < MAX_MATCHES) {
        const result: Result<MethodOutput<'run.logSearch'>> = await transport.call(
          'run.logSearch',
          {
            runId,
            query,
            from,
            limit: Math.min(1000, MAX_MATCHES - matches.length),
          },
        );
        if (id !== started.current) return;
        if (!result.ok) {
          setSearch({ ...NONE, query, error: result.error });
          return;
        }
        matches.push(...result.value.matches);
        from = result.value.next;
      }
      const current = matches.length > 0 ? 0 : -1;
      setSearch({ ...NONE, query, matches, more: from !== null, current });
      if (current === 0) onMatch(matches[0]!);
    },
    [transport, runId, onMatch],
  );

  /** Searches for `query`, or when it is the one shown, moves to the next (or previous) match. */
  const find = useCallback(
    (query: string, backwards = false) => {
      if (query === '') {
        started.current += 1;
        setSearch(NONE);
        return;
      }
      if (query !== search.query || search.error) {
        void run(query);
        return;
      }
      const count = search.matches.length;
      if (count === 0) return;
      const current = (search.current + (backwards ? count - 1 : 1)) % count;
      setSearch({ ...search, current });
      onMatch(search.matches[current]!);
    },
    [search, run, onMatch],
  );

  const clear = useCallback(() => {
    started.current += 1;
    setSearch(NONE);
  }, []);

  return { search, find, clear };
}
