import { useCallback, useEffect, useState } from 'react';
import type { SecretsStatus } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';

/** Which of a script's secrets are set, and the calls that change them. Values never come back. */
export interface SecretsState {
  /** Undefined until `secrets.status` answered (and always for a script that declares none). */
  status: SecretsStatus | undefined;
  /** Why `secrets.status` failed, if it did. */
  error: ApiError | undefined;
  /** Reads the status again and returns it (undefined when the call failed). */
  reload: () => Promise<SecretsStatus | undefined>;
  /** Stores a value in the keychain; resolves with the problem, or undefined when it was saved. */
  set: (name: string, value: string) => Promise<ApiError | undefined>;
  /** Removes a value from the keychain; resolves with the problem, or undefined when it was removed. */
  clear: (name: string) => Promise<ApiError | undefined>;
}

/** Follows the keychain status of the secrets script `scriptId` declares (`declared` may be empty). */
export function useSecrets(scriptId: string, declared: readonly string[]): SecretsState {
  const transport = useTransport();
  const [status, setStatus] = useState<SecretsStatus | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const needed = declared.length > 0;

  const reload = useCallback(async () => {
    const result = await transport.call('secrets.status', { scriptId });
    if (!result.ok) {
      setError(result.error);
      return undefined;
    }
    setError(undefined);
    setStatus(result.value);
    return result.value;
  }, [transport, scriptId]);

  useEffect(() => {
    if (needed) void reload();
  }, [needed, reload]);

  const set = useCallback(
    async (name: string, value: string) => {
      const result = await transport.call('secrets.set', { scriptId, name, value });
      if (!result.ok) return result.error;
      setStatus(result.value);
      return undefined;
    },
    [transport, scriptId],
  );

  const clear = useCallback(
    async (name: string) => {
      const result = await transport.call('secrets.clear', { scriptId, name });
      if (!result.ok) return result.error;
      setStatus(result.value);
      return undefined;
    },
    [transport, scriptId],
  );

  return { status, error, reload, set, clear };
}

/** True when the keychain says `name` has a value. */
export function isSecretSet(status: SecretsStatus | undefined, name: string): boolean {
  return status?.secrets.some((secret) => secret.name === name && secret.set) ?? false;
}

/**
 * The secrets to ask for after `run.start` said one is missing: those the keychain reports as not
 * set; failing that, those main's message names; failing that, all of them.
 */
export function missingSecrets(
  declared: readonly string[],
  status: SecretsStatus | undefined,
  message: string,
): string[] {
  const unset = declared.filter((name) => status && !isSecretSet(status, name));
  if (unset.length > 0) return unset;
  const named = declared.filter((name) => new RegExp(`\\b${name}\\b`).test(message));
  return named.length > 0 ? named : [...declared];
}
