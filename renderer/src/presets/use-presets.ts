import { useCallback, useState } from 'react';
import type { MethodInput, PresetList } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useApiQuery } from '../api/use-api-query.js';
import { useTransport } from '../api/transport-context.js';

type Change = 'presets.save' | 'presets.rename' | 'presets.delete' | 'presets.setDefault';

/** What a change answers: done (with the names main left out of a save), or main's error. */
export type ChangeResult = { ok: true; leftOut: string[] } | { ok: false; error: ApiError };

export interface PresetsState {
  /** The script's presets; undefined until the first answer (or after a failure). */
  list: PresetList | undefined;
  /** True once the first answer came, whatever it was: the form waits for no longer. */
  settled: boolean;
  change: <M extends Change>(
    method: M,
    input: Omit<MethodInput<M>, 'scriptId'>,
  ) => Promise<ChangeResult>;
}

/**
 * A script's presets (`presets.list`) and the changes to them; every change answers with the new
 * list, which replaces the one shown. Presets are a convenience: when they cannot be read the form
 * still opens, without them.
 */
export function usePresets(scriptId: string): PresetsState {
  const transport = useTransport();
  const query = useApiQuery('presets.list', { scriptId });
  const [changed, setChanged] = useState<PresetList | undefined>(undefined);
  const change = useCallback(
    async <M extends Change>(method: M, input: Omit<MethodInput<M>, 'scriptId'>) => {
      const result = await transport.call(method, { scriptId, ...input } as MethodInput<M>);
      if (!result.ok) return { ok: false as const, error: result.error };
      const { presets, defaultPreset } = result.value;
      setChanged({ presets, defaultPreset });
      const leftOut = 'leftOut' in result.value ? (result.value.leftOut as string[]) : [];
      return { ok: true as const, leftOut };
    },
    [transport, scriptId],
  );
  return {
    list: changed ?? query.value,
    settled: !query.loading || changed !== undefined,
    change,
  };
}
