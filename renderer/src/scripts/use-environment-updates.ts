import type { EnvironmentState, ScriptSummary } from '../../../main/contract/api.js';
import { useEventUpdates } from '../api/use-event-updates.js';

/**
 * The environment state of each script as `environment.status` events reported it since the
 * event stream last opened: newer than what `catalogue.list` / `catalogue.get` said when they were
 * read. When the stream opens (a build may have ended while the window was loading), `reread`
 * reads the states again.
 */
export function useEnvironmentUpdates(reread: () => void): ReadonlyMap<string, EnvironmentState> {
  return useEventUpdates(
    (event) =>
      event.name === 'environment.status'
        ? [event.payload.scriptId, event.payload.environment]
        : undefined,
    reread,
  );
}

/** `script` with the newest environment state known for it. */
export function withLatestEnvironment(
  script: ScriptSummary,
  updates: ReadonlyMap<string, EnvironmentState>,
): ScriptSummary {
  const latest = updates.get(script.id);
  return latest ? { ...script, environment: latest } : script;
}
