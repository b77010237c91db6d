import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { LogIndex } from './log-index.js';
import { buildLogIndex } from './log-reader.js';
import type { StoredRun } from './run-store.js';

/** Indexes of finished runs' logs kept for the next page, search or download (each is small). */
const KEPT = 8;

/** A run's log file and the index to read it by. */
export interface IndexedLog {
  file: string;
  index: LogIndex;
}

/**
 * Finds the index of any run's `log.txt`: the live one a running script's log keeps as it is
 * written, or for another run one built by reading the file once, kept for the few runs looked at
 * last and built again when the file is no longer the one indexed (other inode, size or time).
 */
export class RunLogs {
  private readonly built = new Map<string, { stamp: string; index: Promise<LogIndex | null> }>();

  constructor(private readonly liveIndexOf: (runId: string) => LogIndex | null) {}

  /** The file and index of `run`'s log; an empty index when there is no readable log file. */
  async of(run: StoredRun): Promise<IndexedLog> {
    const file = path.join(run.runDir, 'log.txt');
    const live = this.liveIndexOf(run.runId);
    if (live) return { file, index: live };
    const stats = await lstat(file).catch(() => null);
    const stamp = stats ? `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}` : '';
    let entry = this.built.get(run.runId);
    if (!entry || entry.stamp !== stamp) {
      entry = { stamp, index: buildLogIndex(file).then((built) => built?.index ?? null) };
      entry.index.catch(() => this.built.delete(run.runId));
    }
    // The most recently used last: the first is the one to forget.
    this.built.delete(run.runId);
    this.built.set(run.runId, entry);
    while (this.built.size > KEPT) this.built.delete(this.built.keys().next().value!);
    const index = await entry.index;
    return { file, index: index ?? new LogIndex() };
  }
}
