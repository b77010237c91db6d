import { useState } from 'react';
import type { EnvironmentState, ScriptSummary } from '../../../main/contract/api.js';
import { useApiEvents } from '../api/transport-context.js';

/**
 * The environment state of each script as `environment.status` events reported it since the
 * event stream last opened: newer than what `catalogue.list` / `catalogue.get` said when they were
 * read. Each time the stream opens, events before it may have been lost (a build that ended while
 * the window was loading), so the updates start afresh and `reread` is called to read the
 * states again.
 */
export function useEnvironmentUpdates(reread: () => void): ReadonlyMap<string, EnvironmentState> {
  const [updates, setUpdates] = useState<ReadonlyMap<string, EnvironmentState>>(() => new Map());
  useApiEvents(
    (event) => {
      if (event.name !== 'environment.status') return;
      const { scriptId, environment } = event.payload;
      setUpdates((current) => new Map(current).set(scriptId, environment));
    },
    () => {
      setUpdates(new Map());
      reread();
    },
  );
  return updates;
}

/** `script` with the newest environment state known for it. */
export function withLatestEnvironment(
  script: ScriptSummary,
  updates: ReadonlyMap<string, EnvironmentState>,
): ScriptSummary {
  const latest = updates.get(script.id);
  return latest ? { ...script, environment: latest } : script;
}
