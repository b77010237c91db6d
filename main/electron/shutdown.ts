/** The part of Electron's `will-quit` event the shutdown handler uses. */
export interface QuitEventLike {
  preventDefault(): void;
}

/**
 * Builds the `will-quit` listener that closes the ScriptDesk app (audit journal, running
 * scripts, database) before the process ends: the first quit is held back, `close` runs once,
 * then `quit` is called again and let through. A failing `close` is reported and the app still
 * quits, so a broken service cannot keep a zombie process alive.
 */
export function createQuitHandler(
  close: () => Promise<void>,
  quit: () => void,
  onError: (error: unknown) => void,
): (event: QuitEventLike) => void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  return (event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    void close()
      .catch(onError)
      .finally(() => {
        state = 'closed';
        quit();
      });
  };
}
