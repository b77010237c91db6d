import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../shared/files.js';
import { REJECTION_REASONS } from './verify.js';

const SyncStateSchema = z.object({
  /** Where this device syncs from (a folder or URL), as last given to `scriptdesk sync --from`. */
  source: z.string().optional(),
  /** The audience this device belongs to; pinned at the first accepted sync unless set explicitly. */
  audience: z.string().optional(),
  /** The validator of the installed document, for conditional requests. */
  known: z
    .object({
      location: z.string(),
      etag: z.string(),
      documentSha256: z.string(),
      version: z.number().int(),
      expires: z.string(),
    })
    .optional(),
  /**
   * The latest time this device has seen (clock readings and signed `issuedAt` times). Expiry is
   * judged against the later of this and the clock, so turning the clock back does not revive an
   * expired catalogue.
   */
  latestTimeSeen: z.string().optional(),
  lastAttemptAt: z.string().optional(),
  lastSuccessAt: z.string().optional(),
  lastError: z
    .object({ reason: z.enum(REJECTION_REASONS), message: z.string(), at: z.string() })
    .nullable()
    .optional(),
});
export type SyncState = z.infer<typeof SyncStateSchema>;

/**
 * `catalogue/state.json`: what the device remembers between syncs. Written atomically; updates in
 * one process are serialised, and `latestTimeSeen` only ever moves forward, also across processes.
 */
export class SyncStateFile {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly file: string;

  constructor(catalogueDir: string) {
    this.file = path.join(catalogueDir, 'state.json');
  }

  async read(): Promise<SyncState> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return {};
    }
    try {
      return SyncStateSchema.parse(JSON.parse(text));
    } catch {
      return {}; // a damaged state file costs one full sync, nothing else
    }
  }

  /** Applies `change` to the state on disk and returns the result. */
  update(change: (state: SyncState) => SyncState): Promise<SyncState> {
    const next = this.queue.then(async () => {
      const before = await this.read();
      const after = change(before);
      after.latestTimeSeen = latest(before.latestTimeSeen, after.latestTimeSeen);
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify(after, null, 2) + '\n', 0o600);
      return after;
    });
    this.queue = next.catch(() => {});
    return next;
  }
}

/** The later of two ISO times (either may be missing). */
export function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
