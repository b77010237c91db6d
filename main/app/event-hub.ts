import type { ApiEvent } from '../contract/api.js';

/** Fans pushed events out to every subscriber (the IPC window, SSE clients, the CLI). */
export class EventHub {
  private readonly listeners = new Set<(event: ApiEvent) => void>();

  emit = (event: ApiEvent): void => {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // one broken subscriber must not stop the others or the run
      }
    }
  };

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
