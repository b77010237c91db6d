import type { PreparedRun } from './run-spec.js';

/** Runs waiting for a free slot, in request order. */
export class RunQueue {
  private readonly waiting: PreparedRun[] = [];

  get length(): number {
    return this.waiting.length;
  }

  push(run: PreparedRun): void {
    this.waiting.push(run);
  }

  /** The run that starts next, left in the queue. */
  peek(): PreparedRun | undefined {
    return this.waiting[0];
  }

  /** The run that starts next, taken out of the queue. */
  next(): PreparedRun | undefined {
    return this.waiting.shift();
  }

  /** Takes a run out of the queue; undefined when it is not queued. */
  remove(runId: string): PreparedRun | undefined {
    const index = this.positionOf(runId);
    return index === null ? undefined : this.waiting.splice(index, 1)[0];
  }

  /** Where a queued run is (0: it starts next), or null when it is not queued. */
  positionOf(runId: string): number | null {
    const index = this.waiting.findIndex((run) => run.stored.runId === runId);
    return index === -1 ? null : index;
  }

  /** Every queued run, taken out of the queue. */
  drain(): PreparedRun[] {
    return this.waiting.splice(0);
  }

  /** The queued runs, in order (not taken out). */
  all(): readonly PreparedRun[] {
    return this.waiting;
  }
}
