import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';

/** Asks main to cancel run `runId`; `requested` stays true until the run's status changes. */
export function useCancelRun(runId: string, status: string | undefined) {
  const transport = useTransport();
  const [requested, setRequested] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  useEffect(() => setRequested(false), [status]);

  const cancel = useCallback(async () => {
    setError(undefined);
    setRequested(true);
    const result = await transport.call('run.cancel', { runId });
    if (!result.ok) {
      setRequested(false);
      setError(result.error);
    } else if (!result.value.cancelled) {
      setRequested(false);
    }
  }, [transport, runId]);

  return { cancel, requested, error };
}
