import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogueSyncStatus } from '../../../main/contract/api.js';
import type { ApiError } from '../../../main/contract/errors.js';
import { useTransport } from '../api/transport-context.js';
import { useFollowedStatus } from '../api/use-followed-status.js';

/** The longest delay `setTimeout` keeps; a later expiry is caught by the poll anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Re-read a moment after the expiry time, so main's trusted time has surely passed it too. */
const AFTER_EXPIRY_MS = 1_000;

/** The catalogue's sync state as the window shows it, and the Sync now action. */
export interface CatalogueStatusView {
  /** Main's last answer; undefined until the first one arrives. */
  status: CatalogueSyncStatus | undefined;
  /** Why the status could not be read (the last good one, if any, stays in `status`). */
  error: ApiError | undefined;
  /** True while a sync runs: one this window asked for, or one main started on its own. */
  syncing: boolean;
  /** Why the last Sync now press could not even start a sync (e.g. no source configured). */
  syncError: ApiError | undefined;
  /** Asks main to sync now from the source it has configured. */
  sync: () => void;
  dismissSyncError: () => void;
}

/**
 * Loads `catalogue.status` and keeps it current: from `catalogue.status` events, a slow poll,
 * when the window regains focus, and just after the installed catalogue's expiry time (only to
 * ask again: whether it has expired is main's answer, judged by a time the clock cannot undo).
 */
export function useCatalogueStatus(): CatalogueStatusView {
  const transport = useTransport();
  const { status, error, accept, refresh } = useFollowedStatus('catalogue.status');
  const [requested, setRequested] = useState(false);
  const [syncError, setSyncError] = useState<ApiError | undefined>();
  const inFlight = useRef(false);

  const expires = status?.installed?.expires;
  const expired = status?.expired ?? false;
  useEffect(() => {
    if (!expires || expired) return undefined;
    const delay = Date.parse(expires) - Date.now() + AFTER_EXPIRY_MS;
    if (!Number.isFinite(delay) || delay > MAX_TIMER_MS) return undefined;
    const timer = setTimeout(() => void refresh(), Math.max(delay, 0));
    return () => clearTimeout(timer);
  }, [expires, expired, refresh]);

  const sync = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRequested(true);
    setSyncError(undefined);
    void transport.call('catalogue.sync', {}).then((result) => {
      inFlight.current = false;
      setRequested(false);
      if (result.ok) accept(result.value);
      else setSyncError(result.error);
    });
  }, [transport, accept]);

  const dismissSyncError = useCallback(() => setSyncError(undefined), []);

  return {
    status,
    error,
    syncing: requested || (status?.syncing ?? false),
    syncError,
    sync,
    dismissSyncError,
  };
}
