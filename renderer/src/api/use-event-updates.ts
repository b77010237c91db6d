import { useState } from 'react';
import type { ApiEvent } from '../../../main/contract/api.js';
import { useApiEvents } from './transport-context.js';

/**
 * The newest value per key that pushed events reported since the event stream last opened
 * (`keyed` picks the key and value out of an event, or nothing): newer than an answer read
 * before. Each time the stream opens, events before it may have been lost, so the updates start
 * afresh and `reread` is called to read that answer again.
 */
export function useEventUpdates<V>(
  keyed: (event: ApiEvent) => readonly [string, V] | undefined,
  reread: () => void,
): ReadonlyMap<string, V> {
  const [updates, setUpdates] = useState<ReadonlyMap<string, V>>(() => new Map());
  useApiEvents(
    (event) => {
      const update = keyed(event);
      if (update) setUpdates((current) => new Map(current).set(update[0], update[1]));
    },
    () => {
      setUpdates(new Map());
      reread();
    },
  );
  return updates;
}
